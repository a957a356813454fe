"""SLA figures for a period (issue 7): per customer, severity, engineer or channel, how
many tickets were reported, how many response and fix promises were kept or broken, and
how long answering and fixing took (MTTA, MTTR) in working and in wall time. Reads only.

The period is whole days in the desk's zone; a ticket belongs to it by `reported_at`,
cancelled tickets are left out. A promise is decided the way the queue decides it
(`store.queries.response_breached` / `fix_breached`): kept when done by its stored
deadline, broken when done later or still not done past it (a paused fix clock that ran
out counts as broken); a promise still running is neither.

Everything is counted in SQL (one GROUP BY over the period's tickets), from the times
that `services.tickets` stores on each ticket. Tickets answered or resolved before those
columns existed (migration 0007) have them empty: those few are recomputed here from
their facts on the contract's calendar, the way `services.tickets` would have stored them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.calendar import WorkCalendar
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.domain.sla import fix_used
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer
from helpdesk_tui.services.terms import terms_for
from helpdesk_tui.services.ticket_alerts import clock_facts
from helpdesk_tui.store.models import ClockPause, Customer, Engineer, Ticket

UNASSIGNED = "-"  # the engineer group of tickets nobody was assigned


class Dimension(StrEnum):
    TOTAL = "total"
    CUSTOMER = "customer"
    SEVERITY = "severity"
    ENGINEER = "engineer"
    CHANNEL = "channel"


@dataclass(frozen=True)
class SlaFigures:
    group: str  # customer name / severity / engineer login / channel; "" for the total
    tickets: int  # reported in the period (cancelled ones excluded)
    by_channel: dict[str, int]
    response_met: int
    response_missed: int  # answered late, or unanswered past due
    fix_met: int
    fix_missed: int  # resolved late, or still open past due (paused: fix_remaining < 0)
    mtta_work_seconds: float | None  # means over answered tickets
    mtta_wall_seconds: float | None
    mttr_work_seconds: float | None  # means over resolved tickets
    mttr_wall_seconds: float | None

    @property
    def response_percent(self) -> float | None:
        return percent(self.response_met, self.response_missed)

    @property
    def fix_percent(self) -> float | None:
        return percent(self.fix_met, self.fix_missed)

    @property
    def breaches(self) -> int:
        return self.response_missed + self.fix_missed


@dataclass(frozen=True)
class SlaReport:
    first: date
    last: date
    by: Dimension
    rows: list[SlaFigures]
    total: SlaFigures


def percent(met: int, missed: int) -> float | None:
    """Share of the decided promises that were kept; None when nothing was decided."""
    decided = met + missed
    return met / decided * 100 if decided else None


def period_bounds(desk: Desk, first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of `first` to the start of the day after `last`, in the desk's zone."""
    start = datetime.combine(first, time(0), desk.zone)
    return start, datetime.combine(last + timedelta(days=1), time(0), desk.zone)


def sla_report(
    session: Session,
    desk: Desk,
    first: date,
    last: date,
    by: Dimension = Dimension.TOTAL,
    customer: str | None = None,
) -> SlaReport:
    """The figures of the tickets reported from `first` to `last` (both included), one row
    per group of `by`, and their total; only one customer's tickets if one is named."""
    by = Dimension(by)
    customer_id = find_customer(session, customer).id if customer else None
    sums = _collect(session, desk, first, last, by, customer_id)
    total = _Sums()
    for group in sums.values():
        total.add(group)
    rows = []
    if by is not Dimension.TOTAL:
        names = _group_names(session, by, sums.keys())
        rows = sorted((sums[key].figures(names[key]) for key in sums), key=_order(by))
    return SlaReport(first, last, by, rows, total.figures(""))


def monthly_totals(
    session: Session, desk: Desk, months: int, last: date
) -> list[tuple[str, SlaFigures]]:
    """The total figures of `months` whole months up to `last`'s month, oldest first,
    each labelled "YYYY-MM": the trend chart's points."""
    found = []
    for year, month in _months_back(last.year, last.month, months):
        first_day = date(year, month, 1)
        last_day = _month_after(first_day) - timedelta(days=1)
        report = sla_report(session, desk, first_day, last_day)
        found.append((f"{year:04d}-{month:02d}", report.total))
    return found


def _months_back(year: int, month: int, count: int) -> list[tuple[int, int]]:
    found = []
    for _ in range(max(count, 0)):
        found.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found[::-1]


def _month_after(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


# -- counting --------------------------------------------------------------------------


@dataclass
class _Sums:
    """What the figures of a group are made of: counts, and sums and counts for means."""

    tickets: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    response_met: int = 0
    response_missed: int = 0
    fix_met: int = 0
    fix_missed: int = 0
    response_work: float = 0.0
    response_wall: float = 0.0
    answered: int = 0
    fix_work: float = 0.0
    fix_wall: float = 0.0
    resolved: int = 0

    def add(self, other: _Sums) -> None:
        for name in ("tickets", "response_met", "response_missed", "fix_met", "fix_missed",
                     "response_work", "response_wall", "answered", "fix_work", "fix_wall",
                     "resolved"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for channel, count in other.by_channel.items():
            self.by_channel[channel] = self.by_channel.get(channel, 0) + count

    def figures(self, group: str) -> SlaFigures:
        return SlaFigures(
            group=group,
            tickets=self.tickets,
            by_channel=dict(sorted(self.by_channel.items())),
            response_met=self.response_met,
            response_missed=self.response_missed,
            fix_met=self.fix_met,
            fix_missed=self.fix_missed,
            mtta_work_seconds=_mean(self.response_work, self.answered),
            mtta_wall_seconds=_mean(self.response_wall, self.answered),
            mttr_work_seconds=_mean(self.fix_work, self.resolved),
            mttr_wall_seconds=_mean(self.fix_wall, self.resolved),
        )


def _mean(total: float, count: int) -> float | None:
    return total / count if count else None


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _group_column(by: Dimension) -> ColumnElement:
    return {
        Dimension.TOTAL: Ticket.channel,  # grouped by channel anyway, for by_channel
        Dimension.CUSTOMER: Ticket.customer_id,
        Dimension.SEVERITY: Ticket.severity,
        Dimension.ENGINEER: Ticket.assignee_id,
        Dimension.CHANNEL: Ticket.channel,
    }[by]


def _in_period(
    desk: Desk, first: date, last: date, customer_id: int | None
) -> list[ColumnElement[bool]]:
    start, end = period_bounds(desk, first, last)
    conditions = [Ticket.reported_at >= start, Ticket.reported_at < end,
                  Ticket.cancelled_at.is_(None)]  # fmt: skip
    if customer_id is not None:
        conditions.append(Ticket.customer_id == customer_id)
    return conditions


def _collect(
    session: Session,
    desk: Desk,
    first: date,
    last: date,
    by: Dimension,
    customer_id: int | None,
) -> dict[object, _Sums]:
    now = desk.now()
    answered, resolved = Ticket.first_response_at.is_not(None), Ticket.resolved_at.is_not(None)
    response_missed = or_(
        Ticket.first_response_at > Ticket.response_due_at,
        and_(Ticket.first_response_at.is_(None), Ticket.response_due_at < now),
    )
    fix_missed = or_(
        Ticket.resolved_at > Ticket.resolve_due_at,
        and_(
            Ticket.resolved_at.is_(None),
            or_(Ticket.resolve_due_at < now, Ticket.fix_remaining_seconds < 0),
        ),
    )
    legacy = or_(
        and_(answered, Ticket.response_work_seconds.is_(None)),
        and_(resolved, Ticket.fix_work_seconds.is_(None)),
    )
    key = _group_column(by)
    query = (
        select(
            key,
            Ticket.channel,
            func.count(),
            _count(and_(answered, Ticket.first_response_at <= Ticket.response_due_at)),
            _count(response_missed),
            _count(and_(resolved, Ticket.resolved_at <= Ticket.resolve_due_at)),
            _count(fix_missed),
            func.coalesce(func.sum(Ticket.response_work_seconds), 0.0),
            func.coalesce(func.sum(Ticket.response_wall_seconds), 0.0),
            func.count(Ticket.response_work_seconds),
            func.coalesce(func.sum(Ticket.fix_work_seconds), 0.0),
            func.coalesce(func.sum(Ticket.fix_wall_seconds), 0.0),
            func.count(Ticket.fix_work_seconds),
            _count(legacy),
        )
        .where(*_in_period(desk, first, last, customer_id))
        .group_by(key, Ticket.channel)
    )
    sums: dict[object, _Sums] = defaultdict(_Sums)
    legacy_rows = 0
    for row in session.execute(query):
        group = sums[row[0]]
        group.tickets += row[2]
        group.by_channel[row[1]] = group.by_channel.get(row[1], 0) + row[2]
        group.response_met += row[3]
        group.response_missed += row[4]
        group.fix_met += row[5]
        group.fix_missed += row[6]
        group.response_work += row[7]
        group.response_wall += row[8]
        group.answered += row[9]
        group.fix_work += row[10]
        group.fix_wall += row[11]
        group.resolved += row[12]
        legacy_rows += row[13]
    if legacy_rows:
        _add_legacy_times(session, desk, sums, by, _in_period(desk, first, last, customer_id),
                          legacy)  # fmt: skip
    return dict(sums)


def _add_legacy_times(
    session: Session,
    desk: Desk,
    sums: dict[object, _Sums],
    by: Dimension,
    conditions: list[ColumnElement[bool]],
    legacy: ColumnElement[bool],
) -> None:
    """Times of tickets answered or resolved before they were stored, recomputed like
    `services.tickets._record_times` does: working time on the contract's calendar (fix
    clock pauses excluded) and wall time."""
    tickets = list(session.scalars(select(Ticket).where(*conditions, legacy)))
    pauses = _pauses(session, [t.id for t in tickets if t.id is not None])
    calendars: dict[int | None, WorkCalendar] = {}
    for ticket in tickets:
        if ticket.contract_id not in calendars:
            calendars[ticket.contract_id] = terms_for(session, desk, ticket.contract_id)[0]
        calendar = calendars[ticket.contract_id]
        group = sums[_group_key(ticket, by)]
        reported = ticket.reported_at
        answered, resolved = ticket.first_response_at, ticket.resolved_at
        if answered is not None and ticket.response_work_seconds is None:
            group.response_work += calendar.between(reported, answered).total_seconds()
            group.response_wall += (answered - reported).total_seconds()
            group.answered += 1
        if resolved is not None and ticket.fix_work_seconds is None:
            facts = clock_facts(ticket, pauses.get(ticket.id or 0, []))
            group.fix_work += fix_used(facts, calendar, resolved).total_seconds()
            group.fix_wall += (resolved - reported).total_seconds()
            group.resolved += 1


def _group_key(ticket: Ticket, by: Dimension) -> object:
    return {
        Dimension.TOTAL: ticket.channel,
        Dimension.CUSTOMER: ticket.customer_id,
        Dimension.SEVERITY: ticket.severity,
        Dimension.ENGINEER: ticket.assignee_id,
        Dimension.CHANNEL: ticket.channel,
    }[by]


def _pauses(session: Session, ticket_ids: list[int]) -> dict[int, list[ClockPause]]:
    found: dict[int, list[ClockPause]] = defaultdict(list)
    for start in range(0, len(ticket_ids), 500):  # bounded IN lists
        query = (
            select(ClockPause)
            .where(ClockPause.ticket_id.in_(ticket_ids[start : start + 500]))
            .order_by(ClockPause.ticket_id, ClockPause.id)
        )
        for pause in session.scalars(query):
            found[pause.ticket_id].append(pause)
    return found


def _group_names(session: Session, by: Dimension, keys: Iterable[object]) -> dict[object, str]:
    keys = list(keys)
    if by is Dimension.CUSTOMER:
        query = select(Customer.id, Customer.name).where(Customer.id.in_(keys))
    elif by is Dimension.ENGINEER:
        ids = [k for k in keys if k is not None]
        query = select(Engineer.id, Engineer.login).where(Engineer.id.in_(ids))
    else:
        return {key: str(key) for key in keys}
    names: dict[object, str] = {key: name for key, name in session.execute(query)}
    return {key: names.get(key, UNASSIGNED if key is None else str(key)) for key in keys}


_SEVERITY_ORDER = {severity.value: index for index, severity in enumerate(Severity)}


def _order(by: Dimension):
    if by is Dimension.SEVERITY:
        return lambda row: (_SEVERITY_ORDER.get(row.group, len(_SEVERITY_ORDER)), row.group)
    if by is Dimension.CHANNEL:
        return lambda row: (-row.tickets, row.group)
    return lambda row: (row.group == UNASSIGNED, row.group)
