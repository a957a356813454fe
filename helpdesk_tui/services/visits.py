"""Return visits (回访): planning them (scheduled and after urgent/serious tickets), adding
one by hand, recording one with the needs it found (each a ticket, in the same
transaction), cancelling one, and the reads the lists show. The rules are in
`domain.visits`; the alerts for due and overdue visits in `services.visit_alerts`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from helpdesk_tui.domain.errors import Conflict, InvalidInput, NotFound
from helpdesk_tui.domain.lifecycle import Status
from helpdesk_tui.domain.ticket_kind import TicketKind
from helpdesk_tui.domain.visits import (
    AFTER_TICKET_LOOKBACK_DAYS,
    FOLLOWED_SEVERITIES,
    Need,
    VisitMethod,
    VisitReason,
    VisitState,
    VisitStatus,
    ad_hoc_key,
    after_ticket_on,
    check_ad_hoc_day,
    check_every_months,
    check_needs,
    check_satisfaction,
    clean_notes,
    next_scheduled_on,
    scheduled_key,
    ticket_key_for,
    visit_state,
)
from helpdesk_tui.services.audit import last_change, record
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer, find_engineer
from helpdesk_tui.services.tickets import NewTicket, add_ticket
from helpdesk_tui.services.visit_alerts import sync_visit_timers
from helpdesk_tui.store.models import Customer, ReturnVisit, Ticket, ticket_key

ENTITY = "return_visit"
FILTERS = ("due", "overdue", "done", "planned", "upcoming", "cancelled")


@dataclass(frozen=True)
class RaisedTicket:
    id: int
    title: str
    status: str
    channel: str

    @property
    def key(self) -> str:
        return ticket_key(self.id)


@dataclass(frozen=True)
class VisitRow:
    visit: ReturnVisit
    customer: str
    state: VisitState
    tickets: tuple[RaisedTicket, ...] = ()

    @property
    def prompted_by(self) -> str | None:
        """The ticket an after-ticket visit follows up."""
        return ticket_key(self.visit.ticket_id) if self.visit.ticket_id else None


@dataclass(frozen=True)
class ComplaintRow:
    ticket: Ticket
    customer: str


def today_of(desk: Desk) -> date:
    return desk.now().astimezone(desk.zone).date()


# -- planning ---------------------------------------------------------------------------


def plan_visits(desk: Desk) -> list[ReturnVisit]:
    """Insert every visit that is due to be planned and is not yet; returns those this
    call planned. Idempotent, and safe when several processes run it at once: each
    visit's `schedule_key` is unique and inserted with ON CONFLICT DO NOTHING."""
    today = today_of(desk)
    with desk.store.write() as session:
        planned = [
            visit
            for customer in _customers_to_schedule(session)
            if (visit := _plan_scheduled(session, desk, customer, today)) is not None
        ]
        planned += _plan_after_tickets(session, desk, today)
        return planned


def _customers_to_schedule(session: Session, customer_id: int | None = None) -> list[Customer]:
    """Customers with a visit interval and no scheduled visit planned (one, or all)."""
    waiting = exists().where(
        ReturnVisit.customer_id == Customer.id,
        ReturnVisit.reason == VisitReason.SCHEDULED.value,
        ReturnVisit.status == VisitStatus.PLANNED.value,
    )
    query = select(Customer).where(Customer.visit_every_months > 0, ~waiting)
    if customer_id is not None:
        query = query.where(Customer.id == customer_id)
    return list(session.scalars(query.order_by(Customer.id)))


def _plan_scheduled(
    session: Session, desk: Desk, customer: Customer, today: date
) -> ReturnVisit | None:
    assert customer.id is not None
    last_done = session.scalar(
        select(func.max(ReturnVisit.done_at)).where(
            ReturnVisit.customer_id == customer.id,
            ReturnVisit.status == VisitStatus.DONE.value,
        )
    )
    last_skipped = session.scalar(
        select(func.max(ReturnVisit.due_on)).where(
            ReturnVisit.customer_id == customer.id,
            ReturnVisit.reason == VisitReason.SCHEDULED.value,
            ReturnVisit.status == VisitStatus.CANCELLED.value,
        )
    )
    done_on = last_done.astimezone(desk.zone).date() if last_done else None
    due = next_scheduled_on(customer.visit_every_months, done_on, last_skipped, today)
    if due is None:
        return None
    key = scheduled_key(customer.id, due)
    return _insert(session, desk, customer.id, VisitReason.SCHEDULED, key, due)


def _plan_after_tickets(session: Session, desk: Desk, today: date) -> list[ReturnVisit]:
    since = desk.now() - timedelta(days=AFTER_TICKET_LOOKBACK_DAYS)
    followed = exists().where(ReturnVisit.ticket_id == Ticket.id)
    query = select(Ticket).where(
        Ticket.status == Status.ACCEPTED.value,
        Ticket.severity.in_([s.value for s in FOLLOWED_SEVERITIES]),
        Ticket.accepted_at >= since,
        ~followed,
    )
    planned = []
    for ticket in session.scalars(query.order_by(Ticket.id)):
        assert ticket.id is not None and ticket.accepted_at is not None
        due = after_ticket_on(ticket.accepted_at.astimezone(desk.zone).date())
        key = ticket_key_for(ticket.id)
        visit = _insert(session, desk, ticket.customer_id, VisitReason.AFTER_TICKET, key, due,
                        ticket_id=ticket.id)  # fmt: skip
        if visit is not None:
            planned.append(visit)
    return planned


def _insert(
    session: Session, desk: Desk, customer_id: int, reason: VisitReason, key: str, due: date,
    *, ticket_id: int | None = None, visitor: str = "", method: VisitMethod = VisitMethod.PHONE,
    notes: str = "",
) -> ReturnVisit | None:  # fmt: skip
    """The visit, or None when a visit with this key exists already (planned elsewhere)."""
    values = {
        "customer_id": customer_id, "ticket_id": ticket_id, "reason": reason.value,
        "schedule_key": key, "due_on": due, "status": VisitStatus.PLANNED.value,
        "visitor": visitor, "method": method.value, "notes": notes,
        "created_at": desk.now(), "version": 1,
    }  # fmt: skip
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(ReturnVisit)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["schedule_key"])
        .returning(ReturnVisit.id)
    )
    visit_id = session.execute(statement).scalar()
    if visit_id is None:
        return None
    visit = session.get(ReturnVisit, visit_id)
    assert visit is not None
    record(session, desk, ENTITY, visit_id, "plan",
           {"customer_id": customer_id, "reason": reason.value, "due_on": due.isoformat(),
            "ticket_id": ticket_id})  # fmt: skip
    sync_visit_timers(session, desk, visit)
    return visit


# -- use cases --------------------------------------------------------------------------


def add_visit(
    desk: Desk, customer: str, due_on: date | None = None, *, visitor: str = "",
    method: VisitMethod = VisitMethod.PHONE, notes: str = "",
) -> ReturnVisit:  # fmt: skip
    """An ad-hoc visit, due `due_on` (today by default, never in the past)."""
    today = today_of(desk)
    due = check_ad_hoc_day(due_on or today, today)
    notes = clean_notes(notes)
    with desk.store.write() as session:
        owner = find_customer(session, customer)
        login = find_engineer(session, visitor).login if visitor.strip() else ""
        assert owner.id is not None
        key = ad_hoc_key(owner.id, uuid.uuid4().hex[:16])
        visit = _insert(session, desk, owner.id, VisitReason.AD_HOC, key, due, visitor=login,
                        method=method, notes=notes)  # fmt: skip
        assert visit is not None, "a fresh key is never taken"
        return visit


def record_visit(
    desk: Desk, visit_id: int, satisfaction: int, notes: str = "", *,
    method: VisitMethod = VisitMethod.PHONE, visitor: str = "", needs: list[Need] | None = None,
    expected_version: int | None = None,
) -> tuple[ReturnVisit, list[Ticket]]:  # fmt: skip
    """The visit was made: its score, notes and method; each need found becomes a ticket
    (channel survey or proactive, pointing back at the visit). A scheduled customer's next
    visit is planned at once, from today."""
    check_satisfaction(satisfaction)
    notes = clean_notes(notes)
    found = check_needs(needs or [])
    with _editing(desk, visit_id, expected_version) as (session, visit):
        _still_planned(visit, "recorded")
        login = find_engineer(session, visitor).login if visitor.strip() else desk.actor
        visit.status, visit.done_at = VisitStatus.DONE.value, desk.now()
        visit.satisfaction, visit.notes = satisfaction, notes
        visit.method, visit.visitor = method.value, login[:64]
        session.flush()
        raised = [_raise(session, desk, visit, need) for need in found]
        record(session, desk, ENTITY, visit.id, "record",
               {"satisfaction": satisfaction, "method": method.value, "visitor": login,
                "notes": notes, "tickets": [t.key for t in raised]})  # fmt: skip
        sync_visit_timers(session, desk, visit)
        _plan_next(session, desk, visit.customer_id)
        return visit, raised


def cancel_visit(
    desk: Desk, visit_id: int, reason: str = "", *, expected_version: int | None = None
) -> ReturnVisit:
    """Not made: a scheduled visit skips its period (the next is a period after its day)."""
    reason = clean_notes(reason)
    with _editing(desk, visit_id, expected_version) as (session, visit):
        _still_planned(visit, "cancelled")
        visit.status = VisitStatus.CANCELLED.value
        if reason:
            visit.notes = reason
        session.flush()
        record(session, desk, ENTITY, visit.id, "cancel", {"reason": reason})
        sync_visit_timers(session, desk, visit)
        _plan_next(session, desk, visit.customer_id)
        return visit


def set_visit_interval(desk: Desk, customer: str, months: int) -> Customer:
    """Visit this customer every `months` months (0: no scheduled visits). A planned
    scheduled visit stays when there still is a schedule (its day was promised), and is
    cancelled when there is none any more; a new schedule is planned at once."""
    check_every_months(months)
    with desk.store.write() as session:
        owner = find_customer(session, customer)
        before = owner.visit_every_months
        owner.visit_every_months = months
        session.flush()
        record(session, desk, "customer", owner.id, "visit_interval",
               {"from": before, "to": months})  # fmt: skip
        assert owner.id is not None
        if months == 0:
            _cancel_scheduled(session, desk, owner.id)
        _plan_next(session, desk, owner.id)
        return owner


def _cancel_scheduled(session: Session, desk: Desk, customer_id: int) -> None:
    query = select(ReturnVisit).where(
        ReturnVisit.customer_id == customer_id,
        ReturnVisit.reason == VisitReason.SCHEDULED.value,
        ReturnVisit.status == VisitStatus.PLANNED.value,
    )
    for visit in session.scalars(query):
        visit.status = VisitStatus.CANCELLED.value
        session.flush()
        record(session, desk, ENTITY, visit.id, "cancel", {"reason": "no scheduled visits"})
        sync_visit_timers(session, desk, visit)


def _raise(session: Session, desk: Desk, visit: ReturnVisit, need: Need) -> Ticket:
    request = NewTicket(
        customer=str(visit.customer_id),
        title=need.title,
        severity=need.severity,
        channel=need.channel,
        description=f"回访 #{visit.id} ({visit.due_on.isoformat()}) 发现的需求",
        kind=TicketKind.FAULT,
        visit_id=visit.id,
    )
    return add_ticket(session, desk, request)


def _plan_next(session: Session, desk: Desk, customer_id: int) -> None:
    for customer in _customers_to_schedule(session, customer_id):
        _plan_scheduled(session, desk, customer, today_of(desk))


def _still_planned(visit: ReturnVisit, what: str) -> None:
    if visit.status != VisitStatus.PLANNED.value:
        raise InvalidInput(f"visit {visit.id} is {visit.status}: it cannot be {what}")


@contextmanager
def _editing(
    desk: Desk, visit_id: int, expected_version: int | None
) -> Iterator[tuple[Session, ReturnVisit]]:
    """A write transaction on one visit that refuses a stale edit, saying who changed it."""
    try:
        with desk.store.write() as session, session.no_autoflush:
            visit = session.get(ReturnVisit, visit_id)
            if visit is None:
                raise NotFound(f"no return visit {visit_id}")
            if expected_version is not None and visit.version != expected_version:
                change = last_change(session, ENTITY, visit.id)
                who = f" by {change.actor} at {desk.local(change.at)}" if change else ""
                raise Conflict(f"visit {visit_id} was changed{who} "
                               f"(now version {visit.version}): reload and try again")  # fmt: skip
            yield session, visit
    except StaleDataError:
        raise Conflict(f"visit {visit_id} was changed meanwhile: reload") from None


# -- reads ------------------------------------------------------------------------------


def visit_rows(
    session: Session, desk: Desk, *, only: str | None = None, customer_id: int | None = None,
    done_since: datetime | None = None, limit: int | None = None,
) -> list[VisitRow]:  # fmt: skip
    """Visits, planned ones first (soonest due first), then done (latest first), then
    cancelled. `only`: due (today or overdue), overdue, done, planned, upcoming, cancelled."""
    today = today_of(desk)
    query = select(ReturnVisit, Customer.name).join(
        Customer, Customer.id == ReturnVisit.customer_id
    )
    if only is not None:
        query = query.where(_state_filter(only, today))
    if customer_id is not None:
        query = query.where(ReturnVisit.customer_id == customer_id)
    if done_since is not None:
        query = query.where(
            or_(ReturnVisit.status != VisitStatus.DONE.value, ReturnVisit.done_at >= done_since)
        )
    order = {VisitStatus.PLANNED.value: 0, VisitStatus.DONE.value: 1}
    rows = sorted(
        session.execute(query),
        key=lambda row: (order.get(row[0].status, 2), row[0].due_on if row[0].status ==
                         VisitStatus.PLANNED.value else -_stamp(row[0]), row[0].id),
    )  # fmt: skip
    rows = rows[:limit] if limit is not None else rows
    raised = _raised(session, [visit.id for visit, _ in rows])
    return [
        VisitRow(visit, name, visit_state(visit.status, visit.due_on, today),
                 tuple(raised.get(visit.id, ())))
        for visit, name in rows
    ]  # fmt: skip


def get_visit(session: Session, desk: Desk, visit_id: int) -> VisitRow:
    visit = session.get(ReturnVisit, visit_id)
    if visit is None:
        raise NotFound(f"no return visit {visit_id}")
    customer = session.get(Customer, visit.customer_id)
    state = visit_state(visit.status, visit.due_on, today_of(desk))
    raised = tuple(_raised(session, [visit_id]).get(visit_id, ()))
    return VisitRow(visit, customer.name if customer else "?", state, raised)


def open_complaints(session: Session) -> list[ComplaintRow]:
    """Complaints (投诉) still open, oldest first: the duty manager follows each up."""
    query = (
        select(Ticket, Customer.name)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(Ticket.kind == TicketKind.COMPLAINT.value, Ticket.is_open.is_(True))
        .order_by(Ticket.reported_at, Ticket.id)
    )
    return [ComplaintRow(ticket, name) for ticket, name in session.execute(query)]


def _state_filter(only: str, today: date):
    planned = ReturnVisit.status == VisitStatus.PLANNED.value
    filters = {
        "due": and_(planned, ReturnVisit.due_on <= today),
        "overdue": and_(planned, ReturnVisit.due_on < today),
        "upcoming": and_(planned, ReturnVisit.due_on > today),
        "planned": planned,
        "done": ReturnVisit.status == VisitStatus.DONE.value,
        "cancelled": ReturnVisit.status == VisitStatus.CANCELLED.value,
    }
    if only not in filters:
        raise InvalidInput(f"unknown visit filter {only!r}: use {'|'.join(FILTERS)}")
    return filters[only]


def _stamp(visit: ReturnVisit) -> float:
    return visit.done_at.timestamp() if visit.done_at else 0.0


def _raised(session: Session, visit_ids: list[int | None]) -> dict[int, list[RaisedTicket]]:
    ids = [i for i in visit_ids if i is not None]
    if not ids:
        return {}
    query = (
        select(Ticket.id, Ticket.title, Ticket.status, Ticket.channel, Ticket.visit_id)
        .where(Ticket.visit_id.in_(ids))
        .order_by(Ticket.id)
    )
    found: dict[int, list[RaisedTicket]] = {}
    for ticket_id, title, status, channel, visit_id in session.execute(query):
        found.setdefault(visit_id, []).append(RaisedTicket(ticket_id, title, status, channel))
    return found
