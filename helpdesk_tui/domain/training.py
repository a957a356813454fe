"""The training programme (项目培训, seed §1.2): what a session is and the rules it obeys.

- Materials, on paper and electronic, are ready 3 days before the session (于培训开设前
  3 天内足数准备完毕).
- A session still only proposed 7 days before it starts is flagged: it needs the
  customer's agreement (具体时间与用户方协商而定).
- A trainer cannot give two sessions at once.
- System administrators are trained 1 to 3 at a time (对系统管理员的培训至少 1-3 人):
  a session outside that range is allowed but carries an advisory.
- A session lasts one training day unless said otherwise (培训周期暂定为 1 天).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from helpdesk_tui.domain.errors import InvalidInput

MATERIALS_LEAD = timedelta(days=3)
AGREEMENT_LEAD = timedelta(days=7)
REMINDER_LEAD = timedelta(days=1)  # "the session is tomorrow"
TRAINING_DAY = timedelta(hours=8)
LONGEST_SESSION = timedelta(days=14)
ADMIN_GROUP = range(1, 4)
FEEDBACK = range(1, 6)


class _Named(StrEnum):
    """An enum whose members have a Chinese name and accept either name as input."""

    @property
    def zh(self) -> str:
        return self._zh_names()[self.value]

    @classmethod
    def _zh_names(cls) -> dict[str, str]:
        raise NotImplementedError

    @classmethod
    def parse(cls, text: str) -> _Named:
        wanted = text.strip()
        for member in cls:
            if wanted.lower() == member.value or wanted == member.zh:
                return member
        choices = ", ".join(f"{m.value} ({m.zh})" for m in cls)
        raise InvalidInput(f"unknown {cls.__name__.lower()} {text!r}: expected {choices}")


class Category(_Named):
    OPERATION = "operation"
    MAINTENANCE = "maintenance"
    NEW_TECH = "new_tech"

    @classmethod
    def _zh_names(cls) -> dict[str, str]:
        return {"operation": "系统操作使用", "maintenance": "维护管理与故障诊断处理",
                "new_tech": "新技术新产品"}  # fmt: skip


class Audience(_Named):
    LEADERS = "leaders"
    USERS = "users"
    ADMINS = "admins"
    OTHERS = "others"

    @classmethod
    def _zh_names(cls) -> dict[str, str]:
        return {"leaders": "领导及管理人员", "users": "系统使用人员", "admins": "系统管理员",
                "others": "其他人员"}  # fmt: skip


class Mode(_Named):
    CLASSROOM = "classroom"
    REMOTE = "remote"
    DESK_SIDE = "desk_side"

    @classmethod
    def _zh_names(cls) -> dict[str, str]:
        return {"classroom": "集体授课", "remote": "远程实践", "desk_side": "桌边辅导"}


class SessionStatus(_Named):
    PROPOSED = "proposed"
    AGREED = "agreed"
    DONE = "done"
    CANCELLED = "cancelled"

    @classmethod
    def _zh_names(cls) -> dict[str, str]:
        return {"proposed": "拟定", "agreed": "已确认", "done": "已完成", "cancelled": "已取消"}


class Medium(_Named):
    PAPER = "paper"
    ELECTRONIC = "electronic"

    @classmethod
    def _zh_names(cls) -> dict[str, str]:
        return {"paper": "纸质", "electronic": "电子"}


@dataclass(frozen=True)
class Slot:
    """A session's time and trainers, as the overlap rule sees it."""

    session_id: int | None
    title: str
    trainers: frozenset[str]
    start: datetime
    end: datetime

    def overlaps(self, other: Slot) -> bool:
        return self.start < other.end and other.start < self.end


def session_end(start: datetime, end: datetime | None) -> datetime:
    """The end given, else one training day after the start; checked for sense."""
    end = end or start + TRAINING_DAY
    if end <= start:
        raise InvalidInput("a training session must end after it starts")
    if end - start > LONGEST_SESSION:
        raise InvalidInput("a training session lasts at most 14 days; plan several")
    return end


def check_trainers_free(new: Slot, others: Iterable[Slot]) -> None:
    if not new.trainers:
        raise InvalidInput("a training session needs at least one trainer")
    for other in others:
        if other.session_id == new.session_id:
            continue
        shared = sorted(new.trainers & other.trainers)
        if shared and new.overlaps(other):
            raise InvalidInput(
                f"{', '.join(shared)} already teaches {other.title!r} from "
                f"{other.start.isoformat()} to {other.end.isoformat()}"
            )


def check_outcome(attended: int | None, trainees: int, feedback: float | None) -> None:
    if attended is not None and not 0 <= attended <= max(trainees, 0) + 50:
        raise InvalidInput("attended: expected 0 to the number of trainees (plus walk-ins)")
    if feedback is not None and not FEEDBACK[0] <= feedback <= FEEDBACK[-1]:
        raise InvalidInput("feedback: expected a score from 1 to 5")


def advisories(audience: Audience, trainee_count: int) -> list[str]:
    """What the seed recommends that this session does not follow (allowed, but said)."""
    if audience is Audience.ADMINS and trainee_count not in ADMIN_GROUP:
        return ["system administrators are trained 1 to 3 at a time (seed §1.2.2)"]
    return []


def materials_due(start: datetime) -> datetime:
    return start - MATERIALS_LEAD


def needs_agreement(status: SessionStatus, start: datetime, now: datetime) -> bool:
    """Still only proposed within 7 days of its start (and not yet started)."""
    return status is SessionStatus.PROPOSED and now < start <= now + AGREEMENT_LEAD


def materials_late(all_ready: bool, status: SessionStatus, start: datetime, now: datetime) -> bool:
    live = status in (SessionStatus.PROPOSED, SessionStatus.AGREED)
    return live and not all_ready and materials_due(start) <= now < start
