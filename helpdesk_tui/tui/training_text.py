"""Training sessions as the console words and colours them (项目培训, seed §1.2).

A `SessionView` is a session made ready to show: local times, its flags worked out by
the domain rules at one `now`, and every text from outside made one safe line. Views
build them once per load, so painting never computes rules or touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rich.text import Text

from helpdesk_tui.domain.training import (
    Audience,
    SessionStatus,
    advisories,
    materials_late,
    needs_agreement,
)
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.reads import TrainingEntry
from helpdesk_tui.store.models import TrainingSession
from helpdesk_tui.tui.alert_text import gap

STATUS_STYLE = {
    SessionStatus.PROPOSED: "#ffaf00",
    SessionStatus.AGREED: "#5fd75f",
    SessionStatus.DONE: "#8a8a8a",
    SessionStatus.CANCELLED: "#6c6c6c strike",
}
FLAG_MARK = "!"
FLAG_STYLE = "bold #ffffff on #af0000"
TEXT_LIMIT = 300  # characters kept of a title, place or name before it is cut to fit


@dataclass(frozen=True)
class SessionView:
    id: int
    version: int
    session: TrainingSession
    status: SessionStatus
    start: datetime  # in the desk's zone
    end: datetime
    title: str  # one safe line
    customer: str
    plan: str
    place: str
    trainers: str
    needs_agreement: bool
    materials_late: bool
    materials: int
    materials_ready: int

    @property
    def flagged(self) -> bool:
        return self.needs_agreement or self.materials_late

    @property
    def style(self) -> str:
        return STATUS_STYLE[self.status]

    @property
    def days(self) -> list[date]:
        """The local days it covers (a session ending at midnight does not cover the next)."""
        first, last = self.start.date(), (self.end - timedelta(microseconds=1)).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def session_view(entry: TrainingEntry, now: datetime, zone: ZoneInfo) -> SessionView:
    s = entry.session
    status = SessionStatus(s.status)
    return SessionView(
        id=s.id or 0, version=s.version or 0, session=s, status=status,
        start=s.start_at.astimezone(zone), end=s.end_at.astimezone(zone),
        title=one_line(s.title, TEXT_LIMIT), customer=one_line(entry.customer, TEXT_LIMIT),
        plan=one_line(entry.plan, TEXT_LIMIT), place=one_line(s.place, TEXT_LIMIT),
        trainers=one_line(s.trainers.replace(",", ", "), TEXT_LIMIT),
        needs_agreement=needs_agreement(status, s.start_at, now),
        materials_late=materials_late(entry.all_ready, status, s.start_at, now),
        materials=entry.materials, materials_ready=entry.materials_ready,
    )  # fmt: skip


def by_day(views: Iterable[SessionView]) -> dict[date, list[SessionView]]:
    """Each local day's sessions in time order (a multi-day session on each of its days)."""
    days: dict[date, list[SessionView]] = {}
    for view in views:
        for day in view.days:
            days.setdefault(day, []).append(view)
    return days


def local_day(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


def day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), zone)


def time_range(view: SessionView) -> str:
    """`09:00–17:00`; a session over several days gives the end's date too."""
    if view.end.date() == view.start.date():
        return f"{view.start:%H:%M}–{view.end:%H:%M}"
    return f"{view.start:%H:%M}–{view.end:%m-%d %H:%M}"


def weekday_names(t: Texts) -> list[str]:
    """Monday first, in the UI language."""
    return t("training.weekdays").split(",")


def day_label(t: Texts, day: date) -> str:
    return f"{day:%m-%d} {weekday_names(t)[day.weekday()]}"


def month_label(t: Texts, day: date) -> str:
    return t("training.month", year=day.year, month=day.month,
             name=t("training.months").split(",")[day.month - 1])  # fmt: skip


def status_name(t: Texts, status: SessionStatus) -> str:
    return t(f"training.status_{status.value}")


def session_count(t: Texts, count: int) -> str:
    return t("training.count_one") if count == 1 else t("training.count", count=count)


def flag_words(t: Texts, view: SessionView) -> list[str]:
    words = []
    if view.needs_agreement:
        words.append(t("training.flag_agreement"))
    if view.materials_late:
        words.append(t("training.flag_materials"))
    return words


def session_advisories(t: Texts, view: SessionView) -> list[str]:
    s = view.session
    found = advisories(Audience(s.audience), s.trainee_count)
    return [t("training.advice_admins") for _ in found]


def legend(t: Texts) -> Text:
    """What the colours and the `!` mean, for the screen's header."""
    line = Text()
    for index, status in enumerate(SessionStatus):
        if index:
            gap(line, " ")
        line.append("■", style=STATUS_STYLE[status].replace(" strike", ""))
        line.append(status_name(t, status))
    gap(line, "  ")
    line.append(FLAG_MARK, style=FLAG_STYLE)
    line.append(t("training.flag_legend"))
    return line
