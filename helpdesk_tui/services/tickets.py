"""Ticket use cases. Each public function is one transaction with its audit entries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from helpdesk_tui.domain import limits
from helpdesk_tui.domain.calendar import WorkCalendar
from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.coverage import Coverage, coverage_on
from helpdesk_tui.domain.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from helpdesk_tui.domain.lifecycle import (
    COUNTS_AS_RESPONSE,
    TRANSITIONS,
    Action,
    Status,
    next_status,
)
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.domain.sla import ClockFacts, deadlines, fix_used
from helpdesk_tui.domain.ticket_kind import TicketKind
from helpdesk_tui.services.audit import last_change, record
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer, find_engineer, find_or_add_contact
from helpdesk_tui.services.roster import primary_on_duty
from helpdesk_tui.services.terms import contract_in_force, terms_for
from helpdesk_tui.services.ticket_alerts import clock_facts, sync_ticket_timers
from helpdesk_tui.store.models import ClockPause, Contract, Ticket, WorkLogEntry, ticket_key

MAX_TICKET_ID = 10**12
ANALYSIS_MAX = 4000


@dataclass(frozen=True)
class NewTicket:
    customer: str
    title: str
    severity: Severity
    channel: Channel
    description: str = ""
    contact: str = ""
    assignee: str = ""
    reported_at: datetime | None = None
    kind: TicketKind = TicketKind.FAULT
    visit_id: int | None = None  # the return visit that found this need


def parse_ticket_ref(ref: str | int) -> int:
    """`T-000123`, `t-123` or `123`."""
    text = str(ref).strip().upper().removeprefix("T-").removeprefix("T")
    if not text.isdigit() or not 0 < int(text) <= MAX_TICKET_ID:
        raise InvalidInput(f"not a ticket key: {ref!r} (expected T-000123 or 123)")
    return int(text)


def load_ticket(session: Session, ref: str | int) -> Ticket:
    ticket = session.get(Ticket, parse_ticket_ref(ref))
    if ticket is None:
        raise NotFound(f"no ticket {ticket_key(parse_ticket_ref(ref))}")
    return ticket


def new_ticket(desk: Desk, request: NewTicket) -> Ticket:
    with desk.store.write() as session:
        return add_ticket(session, desk, request)


def add_ticket(session: Session, desk: Desk, request: NewTicket) -> Ticket:
    """`new_ticket` inside a caller's write transaction (a need found on a return visit
    becomes a ticket in the same transaction as the visit's record)."""
    now = desk.now()
    title = limits.required_text(request.title, "title", limits.TITLE_MAX)
    description = limits.bounded_text(request.description, "description", limits.TEXT_MAX)
    reported_at = request.reported_at or now
    if reported_at.tzinfo is None:
        raise InvalidInput("reported-at needs a time zone")
    if reported_at > now:
        raise InvalidInput(f"reported-at {reported_at.isoformat()} is in the future")
    customer = find_customer(session, request.customer)
    contact = find_or_add_contact(session, desk, customer, request.contact, now)
    if request.assignee:
        assignee = find_engineer(session, request.assignee)
    else:  # nobody named: the primary engineer on duty takes it, if there is one
        assignee = primary_on_duty(session, now)
    contract = contract_in_force(session, customer.id, reported_at)
    ticket = Ticket(
        title=title,
        description=description,
        customer_id=customer.id,
        contact_id=contact.id if contact else None,
        contract_id=contract.id if contract else None,
        severity=request.severity.value,
        status=Status.NEW.value,
        channel=request.channel.value,
        kind=request.kind.value,
        coverage=_coverage(contract, reported_at.astimezone(desk.zone).date()).value,
        visit_id=request.visit_id,
        assignee_id=assignee.id if assignee else None,
        created_by=desk.actor,
        reported_at=reported_at,
        created_at=now,
        updated_at=now,
        response_due_at=reported_at,  # replaced below, once the terms are known
    )
    _refresh_deadlines(session, desk, ticket, [])
    session.add(ticket)
    session.flush()
    sync_ticket_timers(session, desk, ticket, [])
    record(session, desk, "ticket", ticket.id, "create", _snapshot(ticket))
    return ticket


def respond(desk: Desk, ref: str, note: str = "", **options) -> Ticket:
    return _transition(desk, ref, Action.RESPOND, note=note, **options)


def wait_for_customer(desk: Desk, ref: str, note: str = "", **options) -> Ticket:
    return _transition(desk, ref, Action.WAIT, note=note, **options)


def resume(desk: Desk, ref: str, note: str = "", **options) -> Ticket:
    return _transition(desk, ref, Action.RESUME, note=note, **options)


def cancel(desk: Desk, ref: str, reason: str = "", **options) -> Ticket:
    return _transition(desk, ref, Action.CANCEL, note=reason, **options)


def reopen(desk: Desk, ref: str, reason: str = "", **options) -> Ticket:
    return _transition(desk, ref, Action.REOPEN, note=reason, **options)


def resolve(desk: Desk, ref: str, summary: str, **options) -> Ticket:
    """Resolve with the maintenance summary (维护总结) the customer will accept."""
    summary = limits.required_text(summary, "summary", limits.TEXT_MAX)
    return _transition(desk, ref, Action.RESOLVE, note=summary, **options)


def accept(desk: Desk, ref: str, rating: int, comment: str = "", **options) -> Ticket:
    """The customer accepts the work (验收) and rates it 1-5."""
    limits.rating(rating)
    comment = limits.bounded_text(comment, "comment", limits.TEXT_MAX)
    return _transition(desk, ref, Action.ACCEPT, note=comment, rating=rating, **options)


def log_work(
    desk: Desk,
    ref: str,
    text: str,
    minutes: int = 0,
    *,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """A line of the support maintenance record (支持维护记录)."""
    text = limits.required_text(text, "work log text", limits.TEXT_MAX)
    limits.minutes(minutes)
    with _editing(desk, ref, expected_version) as (session, ticket):
        if Status(ticket.status).is_closed:
            raise IllegalTransition(f"{ticket.key} is {ticket.status} and takes no more work")
        when = _event_time(session, desk, ticket, at)
        if Status(ticket.status) in TRANSITIONS[Action.WORK]:
            _apply(session, desk, ticket, Action.WORK, when)
        session.add(
            WorkLogEntry(
                ticket_id=ticket.id, at=when, author=desk.actor, minutes=minutes, text=text
            )
        )
        ticket.updated_at = desk.now()
        record(
            session, desk, "ticket", ticket.id, "log", {"at": when.isoformat(), "minutes": minutes}
        )
        return ticket


def assign(desk: Desk, ref: str, engineer: str, *, expected_version: int | None = None) -> Ticket:
    with _editing(desk, ref, expected_version) as (session, ticket):
        if Status(ticket.status).is_closed:
            raise IllegalTransition(f"{ticket.key} is {ticket.status} and cannot be reassigned")
        person = find_engineer(session, engineer)
        before = ticket.assignee_id
        ticket.assignee_id = person.id
        ticket.updated_at = desk.now()
        detail = {"from": before, "to": person.id, "login": person.login}
        record(session, desk, "ticket", ticket.id, "assign", detail)
        return ticket


def change_severity(
    desk: Desk, ref: str, severity: Severity, *, expected_version: int | None = None
) -> Ticket:
    """Both deadlines are recomputed from reported_at under the new targets."""
    with _editing(desk, ref, expected_version) as (session, ticket):
        if Status(ticket.status).is_closed:
            raise IllegalTransition(f"{ticket.key} is {ticket.status}: its severity is final")
        before = _deadline_snapshot(ticket)
        ticket.severity = severity.value
        _refresh_deadlines(session, desk, ticket, _pauses(session, ticket.id))
        ticket.updated_at = desk.now()
        detail = {"before": before, "after": _deadline_snapshot(ticket)}
        record(session, desk, "ticket", ticket.id, "severity", detail)
        return ticket


def analyse(
    desk: Desk,
    ref: str,
    root_cause: str,
    fix_applied: str = "",
    *,
    expected_version: int | None = None,
) -> Ticket:
    """The fault analysis (故障分析): why it happened and what fixed it. Any ticket but a
    cancelled one; writing it again replaces it (the audit trail keeps every version).
    Resolving never requires it."""
    root_cause = limits.required_text(root_cause, "root cause", ANALYSIS_MAX)
    fix_applied = limits.bounded_text(fix_applied, "fix applied", ANALYSIS_MAX)
    with _editing(desk, ref, expected_version) as (session, ticket):
        if Status(ticket.status) is Status.CANCELLED:
            raise IllegalTransition(f"{ticket.key} is cancelled: there is no fault to analyse")
        ticket.root_cause, ticket.fix_applied = root_cause, fix_applied
        ticket.updated_at = desk.now()
        detail = {"root_cause": root_cause, "fix_applied": fix_applied}
        record(session, desk, "ticket", ticket.id, "analyse", detail)
        return ticket


def _transition(
    desk: Desk,
    ref: str,
    action: Action,
    *,
    note: str = "",
    rating: int | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    note = limits.bounded_text(note, "note", limits.TEXT_MAX)
    with _editing(desk, ref, expected_version) as (session, ticket):
        when = _event_time(session, desk, ticket, at)
        before = ticket.status
        _apply(session, desk, ticket, action, when, note=note, rating=rating)
        if note and action is not Action.ACCEPT:
            kind = "summary" if action is Action.RESOLVE else action.value
            session.add(
                WorkLogEntry(ticket_id=ticket.id, at=when, author=desk.actor, kind=kind, text=note)
            )
        ticket.updated_at = desk.now()
        detail = {"at": when.isoformat(), "from": before, "to": ticket.status}
        detail |= _deadline_snapshot(ticket)
        if rating is not None:
            detail["rating"] = rating
        record(session, desk, "ticket", ticket.id, action.value, detail)
        return ticket


def _apply(
    session: Session,
    desk: Desk,
    ticket: Ticket,
    action: Action,
    when: datetime,
    *,
    note: str = "",
    rating: int | None = None,
) -> None:
    """Move the ticket through the lifecycle and keep its clocks right."""
    status = next_status(Status(ticket.status), action)
    pauses = _pauses(session, ticket.id)  # read before changing the ticket: no early flush
    if action in COUNTS_AS_RESPONSE and ticket.first_response_at is None:
        ticket.first_response_at = when
    _move_fix_clock(session, desk, ticket, Status(ticket.status), status, when, pauses)
    if action is Action.RESOLVE:
        ticket.resolved_at, ticket.resolution_summary = when, note
    elif action is Action.REOPEN:
        ticket.resolved_at = None
    elif action is Action.ACCEPT:
        ticket.accepted_at, ticket.rating, ticket.acceptance_comment = when, rating, note
    elif action is Action.CANCEL:
        ticket.cancelled_at = when
    ticket.status = status.value
    ticket.is_open = status.is_open
    _refresh_deadlines(session, desk, ticket, pauses)


def _move_fix_clock(
    session: Session,
    desk: Desk,
    ticket: Ticket,
    before: Status,
    after: Status,
    when: datetime,
    pauses: list[ClockPause],
) -> None:
    """Open a pause on entering a pausing status; close it only when work goes on again
    (acceptance or cancellation leave the clock stopped where it was)."""
    pausing = desk.policy.pausing_statuses
    runs_again = after not in pausing and not after.is_closed
    if before in pausing and runs_again and pauses and pauses[-1].ended_at is None:
        pauses[-1].ended_at = when
        ticket.paused_seconds += (when - pauses[-1].started_at).total_seconds()
    if after in pausing and before not in pausing:
        pause = ClockPause(ticket_id=ticket.id, status=after.value, started_at=when)
        session.add(pause)
        pauses.append(pause)


def _pauses(session: Session, ticket_id: int | None) -> list[ClockPause]:
    if ticket_id is None:
        return []
    query = select(ClockPause).where(ClockPause.ticket_id == ticket_id).order_by(ClockPause.id)
    return list(session.scalars(query))


def _refresh_deadlines(
    session: Session, desk: Desk, ticket: Ticket, pauses: list[ClockPause]
) -> None:
    calendar, policy = terms_for(session, desk, ticket.contract_id)
    targets = policy.for_severity(Severity(ticket.severity))
    facts = clock_facts(ticket, pauses)
    due = deadlines(facts, calendar, targets.response, targets.fix)
    ticket.response_due_at = due.response_due_at
    ticket.resolve_due_at = due.resolve_due_at
    ticket.fix_remaining_seconds = (
        due.fix_remaining.total_seconds() if due.fix_remaining is not None else None
    )
    ticket.next_due_at = due.next_due_at(facts)
    _record_times(ticket, facts, calendar)
    if ticket.id is not None:  # a new ticket gets its timers once it has an id
        sync_ticket_timers(session, desk, ticket, pauses)


def _record_times(ticket: Ticket, facts: ClockFacts, calendar: WorkCalendar) -> None:
    """Keep the time to respond and to fix (working and wall) for the reports."""
    answered, resolved = ticket.first_response_at, ticket.resolved_at
    ticket.response_work_seconds = ticket.response_wall_seconds = None
    ticket.fix_work_seconds = ticket.fix_wall_seconds = None
    reported = ticket.reported_at
    if answered is not None:
        ticket.response_work_seconds = calendar.between(reported, answered).total_seconds()
        ticket.response_wall_seconds = (answered - reported).total_seconds()
    if resolved is not None:
        ticket.fix_work_seconds = fix_used(facts, calendar, resolved).total_seconds()
        ticket.fix_wall_seconds = (resolved - reported).total_seconds()


def _coverage(contract: Contract | None, day: date) -> Coverage:
    if contract is None:
        return Coverage.BILLABLE
    return coverage_on(day, starts_on=contract.starts_on, ends_on=contract.ends_on,
                       warranty_ends_on=contract.warranty_ends_on)  # fmt: skip


def _event_time(session: Session, desk: Desk, ticket: Ticket, at: datetime | None) -> datetime:
    """When the action happened: a back-dated time must still follow the ticket's last event
    (not the moment it was typed in: a phone call is often logged late)."""
    last_log = session.scalar(
        select(func.max(WorkLogEntry.at)).where(WorkLogEntry.ticket_id == ticket.id)
    )
    moments = [
        ticket.reported_at,
        ticket.first_response_at,
        ticket.resolved_at,
        ticket.accepted_at,
        ticket.cancelled_at,
        last_log,
        *(moment for p in _pauses(session, ticket.id) for moment in (p.started_at, p.ended_at)),
    ]
    previous = max(m for m in moments if m is not None).astimezone(desk.zone)
    return limits.event_time(at, desk.now(), previous)


@contextmanager
def _editing(
    desk: Desk, ref: str, expected_version: int | None
) -> Iterator[tuple[Session, Ticket]]:
    """A write transaction on one ticket that refuses stale edits.

    `expected_version` is the version the user saw; if someone changed the ticket
    since, the edit is refused with who changed it and when, never applied.
    """
    try:
        with desk.store.write() as session, session.no_autoflush:
            # One UPDATE per use case: the version column counts changes, not flushes.
            ticket = load_ticket(session, ref)
            if expected_version is not None and ticket.version != expected_version:
                raise _conflict(session, desk, ticket)
            yield session, ticket
    except StaleDataError:
        raise Conflict(
            f"{ticket_key(parse_ticket_ref(ref))} was changed meanwhile: reload"
        ) from None


def _conflict(session: Session, desk: Desk, ticket: Ticket) -> Conflict:
    change = last_change(session, "ticket", ticket.id)
    who = f" by {change.actor} at {desk.local(change.at)}" if change else ""
    return Conflict(
        f"{ticket.key} was changed{who} (now version {ticket.version}): reload and try again"
    )


def _deadline_snapshot(ticket: Ticket) -> dict[str, object]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "severity": ticket.severity,
        "response_due_at": iso(ticket.response_due_at),
        "resolve_due_at": iso(ticket.resolve_due_at),
    }


def _snapshot(ticket: Ticket) -> dict[str, object]:
    return {
        "title": ticket.title,
        "customer_id": ticket.customer_id,
        "channel": ticket.channel,
        "kind": ticket.kind,
        "reported_at": ticket.reported_at.isoformat(),
        "assignee_id": ticket.assignee_id,
        **_deadline_snapshot(ticket),
    }


def total_paused(ticket: Ticket, now: datetime, pauses: list[ClockPause]) -> timedelta:
    """Wall time the fix clock has stood still, including a pause still running."""
    running = [p for p in pauses if p.ended_at is None]
    extra = sum(((now - p.started_at) for p in running), timedelta())
    return timedelta(seconds=ticket.paused_seconds) + extra
