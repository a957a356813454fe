"""Read-only queries for views: the queue, ticket lists and one ticket's history."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.orm import Session

from helpdesk_tui.store.models import (
    AuditEntry,
    ClockPause,
    Contact,
    Contract,
    Customer,
    Engineer,
    Ticket,
    WorkLogEntry,
)


@dataclass(frozen=True)
class TicketRow:
    ticket: Ticket
    customer: str
    assignee: str | None


@dataclass(frozen=True)
class TicketFilter:
    open_only: bool = False
    severities: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    breached_at: datetime | None = None  # only tickets with a breached target at this instant
    assignee: str | None = None
    customer_id: int | None = None
    limit: int | None = None
    extra: tuple[ColumnElement[bool], ...] = field(default=())


def response_breached(now: datetime) -> ColumnElement[bool]:
    waiting_too_long = and_(
        Ticket.first_response_at.is_(None),
        Ticket.cancelled_at.is_(None),
        Ticket.response_due_at < now,
    )
    return or_(waiting_too_long, Ticket.first_response_at > Ticket.response_due_at)


def fix_breached(now: datetime) -> ColumnElement[bool]:
    running_late = and_(
        Ticket.resolved_at.is_(None),
        Ticket.cancelled_at.is_(None),
        Ticket.resolve_due_at < now,
    )
    return or_(
        running_late,
        Ticket.resolved_at > Ticket.resolve_due_at,
        Ticket.fix_remaining_seconds < 0,
    )


def _base(flt: TicketFilter) -> Select:
    query = (
        select(Ticket, Customer.name, Engineer.login)
        .join(Customer, Customer.id == Ticket.customer_id)
        .outerjoin(Engineer, Engineer.id == Ticket.assignee_id)
    )
    conditions: list[ColumnElement[bool]] = list(flt.extra)
    if flt.open_only:
        conditions.append(Ticket.is_open.is_(True))
    if flt.severities:
        conditions.append(Ticket.severity.in_(flt.severities))
    if flt.statuses:
        conditions.append(Ticket.status.in_(flt.statuses))
    if flt.breached_at is not None:
        conditions.append(or_(response_breached(flt.breached_at), fix_breached(flt.breached_at)))
    if flt.assignee is not None:
        conditions.append(Engineer.login == flt.assignee if flt.assignee else false())
    if flt.customer_id is not None:
        conditions.append(Ticket.customer_id == flt.customer_id)
    return query.where(*conditions)


def list_tickets(session: Session, flt: TicketFilter, batch: int = 500) -> Iterator[TicketRow]:
    """Open tickets in queue order (most urgent running deadline first, waiting ones last);
    otherwise newest first. Rows stream in batches, so the first ones come at once."""
    if flt.open_only:
        running = _base(flt).where(Ticket.next_due_at.is_not(None)).order_by(Ticket.next_due_at)
        paused = (
            _base(flt)
            .where(Ticket.next_due_at.is_(None))
            .order_by(Ticket.fix_remaining_seconds, Ticket.id)
        )
        queries = [running, paused]
    else:
        queries = [_base(flt).order_by(Ticket.id.desc())]
    remaining = flt.limit
    for query in queries:
        if remaining is not None:
            if remaining <= 0:
                return
            query = query.limit(remaining)
        for ticket, customer, assignee in session.execute(query.execution_options(yield_per=batch)):
            yield TicketRow(ticket, customer, assignee)
            if remaining is not None:
                remaining -= 1


@dataclass(frozen=True)
class TicketDetail:
    row: TicketRow
    contact: Contact | None
    contract: Contract | None
    work_log: list[WorkLogEntry]
    audit: list[AuditEntry]
    pauses: list[ClockPause]


def ticket_detail(session: Session, ticket_id: int) -> TicketDetail | None:
    found = session.execute(_base(TicketFilter()).where(Ticket.id == ticket_id)).first()
    if found is None:
        return None
    ticket, customer, assignee = found
    return TicketDetail(
        row=TicketRow(ticket, customer, assignee),
        contact=session.get(Contact, ticket.contact_id) if ticket.contact_id else None,
        contract=session.get(Contract, ticket.contract_id) if ticket.contract_id else None,
        work_log=list(
            session.scalars(
                select(WorkLogEntry)
                .where(WorkLogEntry.ticket_id == ticket_id)
                .order_by(WorkLogEntry.at, WorkLogEntry.id)
            )
        ),
        audit=list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity == "ticket", AuditEntry.entity_id == ticket_id)
                .order_by(AuditEntry.id)
            )
        ),
        pauses=list(
            session.scalars(
                select(ClockPause).where(ClockPause.ticket_id == ticket_id).order_by(ClockPause.id)
            )
        ),
    )
