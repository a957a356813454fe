"""The duty roster (值班表): who is on duty, in which role, and the rules a shift obeys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from helpdesk_tui.domain.errors import InvalidInput

LONGEST_SHIFT = timedelta(days=7)


class DutyRole(StrEnum):
    PRIMARY = "primary"  # takes new tickets that nobody is assigned to
    BACKUP = "backup"
    MANAGER = "manager"  # the duty manager: breaches and their reminders go here

    @property
    def zh(self) -> str:
        return {"primary": "主值班", "backup": "备班", "manager": "值班经理"}[self.value]


ROLE_NAMES = {role.value: role for role in DutyRole} | {role.zh: role for role in DutyRole}


def parse_role(text: str) -> DutyRole:
    role = ROLE_NAMES.get(text.strip().lower()) or ROLE_NAMES.get(text.strip())
    if role is None:
        raise InvalidInput(f"unknown duty role {text!r}: expected primary, backup or manager")
    return role


@dataclass(frozen=True)
class ShiftSlot:
    engineer: str  # login
    role: DutyRole
    starts_at: datetime
    ends_at: datetime

    def covers(self, instant: datetime) -> bool:
        return self.starts_at <= instant < self.ends_at

    def overlaps(self, other: ShiftSlot) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


def check_shift(new: ShiftSlot, existing: Iterable[ShiftSlot]) -> None:
    """A shift has a positive length of at most a week, and nobody holds two at once."""
    if new.ends_at <= new.starts_at:
        raise InvalidInput("a shift must end after it starts")
    if new.ends_at - new.starts_at > LONGEST_SHIFT:
        raise InvalidInput("a shift lasts at most 7 days; add the next one separately")
    for other in existing:
        if other.engineer == new.engineer and other.overlaps(new):
            raise InvalidInput(
                f"{new.engineer} is already on duty ({other.role.value}) "
                f"from {other.starts_at.isoformat()} to {other.ends_at.isoformat()}"
            )


def on_duty(shifts: Iterable[ShiftSlot], now: datetime) -> dict[DutyRole, list[str]]:
    """Who holds each role at `now`, earliest shift first (the first is the one to call)."""
    current = sorted((s for s in shifts if s.covers(now)), key=lambda s: s.starts_at)
    found: dict[DutyRole, list[str]] = {role: [] for role in DutyRole}
    for shift in current:
        if shift.engineer not in found[shift.role]:
            found[shift.role].append(shift.engineer)
    return found
