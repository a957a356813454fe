"""Read-only queries behind the live queue: the ordered ids, and the rows on screen.

The queue holds only ids (100 000 ints are cheap) and fetches full rows for what is
visible, so a view of 100 000 open tickets costs one index walk and a page of
primary-key lookups.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session

from helpdesk_tui.store.models import Customer, Engineer, Ticket
from helpdesk_tui.store.queries import fix_breached, response_breached


class QueueSort(StrEnum):
    DEADLINE = "deadline"  # most urgent running deadline first, waiting tickets last
    SEVERITY = "severity"
    REPORTED = "reported"  # newest first
    CUSTOMER = "customer"


@dataclass(frozen=True)
class QueueFilter:
    severities: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    assignee: str | None = None  # a login; "" means unassigned
    customer: str = ""  # a part of the customer's name
    text: str = ""  # a part of the title
    breached: bool = False
    sort: QueueSort = QueueSort.DEADLINE

    @property
    def is_default(self) -> bool:
        return self == QueueFilter(sort=self.sort)


@dataclass(frozen=True)
class QueueRow:
    id: int
    key: str
    severity: str
    status: str
    channel: str
    customer: str
    title: str
    assignee: str | None
    reported_at: datetime
    response_due_at: datetime
    resolve_due_at: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    cancelled_at: datetime | None
    fix_remaining_seconds: float | None
    version: int


_SEVERITY_RANK = {"urgent": 0, "serious": 1, "medium": 2, "minor": 3}


def _conditions(session: Session, flt: QueueFilter, now: datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Ticket.is_open.is_(True)]
    if flt.severities:
        conditions.append(Ticket.severity.in_(flt.severities))
    if flt.statuses:
        conditions.append(Ticket.status.in_(flt.statuses))
    if flt.assignee == "":
        conditions.append(Ticket.assignee_id.is_(None))
    elif flt.assignee:
        engineer_id = session.scalar(select(Engineer.id).where(Engineer.login == flt.assignee))
        conditions.append(Ticket.assignee_id == (engineer_id or -1))
    if flt.customer:
        pattern = f"%{_escape_like(flt.customer)}%"
        ids = select(Customer.id).where(Customer.name.ilike(pattern, escape="\\"))
        conditions.append(Ticket.customer_id.in_(ids))
    if flt.text:
        conditions.append(Ticket.title.ilike(f"%{_escape_like(flt.text)}%", escape="\\"))
    if flt.breached:
        conditions.append(or_(response_breached(now), fix_breached(now)))
    return conditions


def queue_ids(
    session: Session, flt: QueueFilter, now: datetime, limit: int | None = None
) -> list[int]:
    """Ids of the open tickets that pass the filter, in the chosen order (the first `limit`)."""
    conditions = _conditions(session, flt, now)
    base = select(Ticket.id).where(*conditions)
    if flt.sort is not QueueSort.DEADLINE:
        return list(session.scalars(_sorted(base, flt.sort).limit(limit)))
    running = base.where(Ticket.next_due_at.is_not(None)).order_by(Ticket.next_due_at)
    ids = list(session.scalars(running.limit(limit)))
    if limit is not None and len(ids) >= limit:
        return ids
    paused = base.where(Ticket.next_due_at.is_(None)).order_by(
        Ticket.fix_remaining_seconds, Ticket.id
    )
    more = None if limit is None else limit - len(ids)
    return [*ids, *session.scalars(paused.limit(more))]


def _sorted(query: Select, sort: QueueSort) -> Select:
    if sort is QueueSort.SEVERITY:
        severity_rank = case(_SEVERITY_RANK, value=Ticket.severity, else_=9)
        return query.order_by(severity_rank, Ticket.next_due_at.is_(None), Ticket.next_due_at)
    if sort is QueueSort.REPORTED:
        return query.order_by(Ticket.reported_at.desc())
    by_customer = query.join(Customer, Customer.id == Ticket.customer_id)
    return by_customer.order_by(Customer.name, Ticket.next_due_at)


def queue_rows(session: Session, ids: Iterable[int]) -> dict[int, QueueRow]:
    """The rows for these ids (those still existing), by id."""
    wanted = list(ids)
    if not wanted:
        return {}
    query = (
        select(
            Ticket.id,
            Ticket.severity,
            Ticket.status,
            Ticket.channel,
            Customer.name,
            Ticket.title,
            Engineer.login,
            Ticket.reported_at,
            Ticket.response_due_at,
            Ticket.resolve_due_at,
            Ticket.first_response_at,
            Ticket.resolved_at,
            Ticket.cancelled_at,
            Ticket.fix_remaining_seconds,
            Ticket.version,
        )
        .join(Customer, Customer.id == Ticket.customer_id)
        .outerjoin(Engineer, Engineer.id == Ticket.assignee_id)
        .where(Ticket.id.in_(wanted))
    )
    rows = {}
    for r in session.execute(query):
        rows[r[0]] = QueueRow(
            r[0],
            f"T-{r[0]:06d}",
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
            r[9],
            r[10],
            r[11],
            r[12],
            r[13],
            r[14],
        )
    return rows


@dataclass(frozen=True)
class SeverityCounts:
    open: int
    breached: int


def open_counts(session: Session, now: datetime) -> dict[str, SeverityCounts]:
    """Open and breached tickets per severity: the header and the wall."""
    late = or_(response_breached(now), fix_breached(now))
    breached = func.sum(case((late, 1), else_=0))
    query = (
        select(Ticket.severity, func.count(), breached)
        .where(Ticket.is_open.is_(True))
        .group_by(Ticket.severity)
    )
    found = {sev: SeverityCounts(n, int(b or 0)) for sev, n, b in session.execute(query)}
    return {sev: found.get(sev, SeverityCounts(0, 0)) for sev in _SEVERITY_RANK}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
