"""What the views read: each method is one short read-only transaction.

Views (the console, the wall) call these and never open sessions themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.services.alerts import list_alerts
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.roster import duty_now
from helpdesk_tui.services.training import materials_of
from helpdesk_tui.store.models import (
    AlertClaim,
    Customer,
    Engineer,
    TrainingMaterial,
    TrainingPlan,
    TrainingSession,
)
from helpdesk_tui.store.queries import TicketDetail, ticket_detail
from helpdesk_tui.store.queue import (
    QueueFilter,
    QueueRow,
    SeverityCounts,
    open_counts,
    queue_ids,
    queue_rows,
)
from helpdesk_tui.store.search import (
    ContactInfo,
    CustomerHit,
    TicketHit,
    customer_contacts,
    find_customers,
    search_tickets,
)


@dataclass(frozen=True)
class TrainingEntry:
    """A training session with its customer, plan and how many materials are ready."""

    session: TrainingSession
    customer: str
    plan: str
    materials: int = 0
    materials_ready: int = 0

    @property
    def all_ready(self) -> bool:
        return self.materials_ready >= self.materials


@dataclass(frozen=True)
class TrainingDetail:
    entry: TrainingEntry
    materials: list[TrainingMaterial]
    trainer_names: dict[str, str]  # login -> name, for the trainers that exist


@dataclass(frozen=True)
class PlanChoice:
    id: int
    customer: str
    title: str


class DeskReader:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def queue_ids(
        self, flt: QueueFilter, now: datetime | None = None, limit: int | None = None
    ) -> list[int]:
        with self.desk.store.read() as session:
            return queue_ids(session, flt, now or self.desk.now(), limit)

    def queue_rows(self, ids: list[int]) -> dict[int, QueueRow]:
        with self.desk.store.read() as session:
            return queue_rows(session, ids)

    def counts(self, now: datetime | None = None) -> dict[str, SeverityCounts]:
        with self.desk.store.read() as session:
            return open_counts(session, now or self.desk.now())

    def detail(self, ticket_id: int) -> TicketDetail | None:
        with self.desk.store.read() as session:
            return ticket_detail(session, ticket_id)

    def engineers(self) -> list[tuple[str, str]]:
        """(login, name) of everyone who can take tickets."""
        with self.desk.store.read() as session:
            query = (
                select(Engineer.login, Engineer.name)
                .where(Engineer.active.is_(True), Engineer.role != "viewer")
                .order_by(Engineer.login)
            )
            return [(login, name) for login, name in session.execute(query)]

    def customer_hits(self, text: str, limit: int = 8) -> list[CustomerHit]:
        """Customers for what is typed: by name, or by a contact's name, phone or e-mail."""
        with self.desk.store.read() as session:
            return find_customers(session, text, limit)

    def contacts(self, customer_id: int) -> list[ContactInfo]:
        """The known contacts of a customer."""
        with self.desk.store.read() as session:
            return customer_contacts(session, customer_id)

    def search_tickets(self, text: str, limit: int = 20) -> list[TicketHit]:
        """Tickets by key (`T-000123`, `123`), title or customer name; open ones first."""
        with self.desk.store.read() as session:
            return search_tickets(session, text, limit)

    def alerts(self, state: str = "active", limit: int = 200) -> list[AlertClaim]:
        """Alerts newest first; state is active (neither acknowledged nor snoozed), acked
        or all."""
        with self.desk.store.read() as session:
            return list_alerts(session, self.desk.now(), state, limit=limit)

    def new_alerts_for(self, login: str, after_id: int, limit: int = 200) -> list[AlertClaim]:
        """Active alerts addressed to `login` with an id above `after_id`, oldest first."""
        with self.desk.store.read() as session:
            found = list_alerts(
                session, self.desk.now(), "active", limit=limit, after_id=after_id, login=login
            )
        return found[::-1]

    def newest_alert_id(self) -> int:
        """The highest alert id so far (0: none): what a console starting now has seen."""
        with self.desk.store.read() as session:
            return session.scalar(select(func.max(AlertClaim.id))) or 0

    def duty_now(self) -> dict[DutyRole, list[str]]:
        """Who is on duty now, by role (each list may be empty)."""
        with self.desk.store.read() as session:
            return duty_now(session, self.desk.now())

    def alerted_ticket_ids(self) -> set[int]:
        """Tickets with an alert that is neither acknowledged nor snoozed now."""
        now = self.desk.now()
        with self.desk.store.read() as session:
            query = (
                select(AlertClaim.ticket_id)
                .distinct()
                .where(
                    AlertClaim.ticket_id.is_not(None),
                    AlertClaim.acked_at.is_(None),
                    AlertClaim.snoozed_until.is_(None) | (AlertClaim.snoozed_until <= now),
                )
            )
            return set(session.scalars(query))

    def training_between(
        self, start: datetime, end: datetime, *, include_cancelled: bool = True
    ) -> list[TrainingEntry]:
        """Sessions overlapping [start, end) in time order, with customer and materials."""
        query = _training_query().where(
            TrainingSession.start_at < end, TrainingSession.end_at > start
        )
        if not include_cancelled:
            query = query.where(TrainingSession.status != "cancelled")
        with self.desk.store.read() as session:
            return [_training_entry(*row) for row in session.execute(query)]

    def training_detail(self, session_id: int) -> TrainingDetail | None:
        """One session in full: its materials and its trainers' names."""
        query = _training_query().where(TrainingSession.id == session_id)
        with self.desk.store.read() as session:
            row = session.execute(query).first()
            if row is None:
                return None
            entry = _training_entry(*row)
            logins = [login for login in entry.session.trainers.split(",") if login]
            names = session.execute(
                select(Engineer.login, Engineer.name).where(Engineer.login.in_(logins))
            )
            materials = materials_of(session, session_id)
            return TrainingDetail(entry, materials, {login: name for login, name in names})

    def training_plans(self) -> list[PlanChoice]:
        """Every training plan, by customer name then title."""
        query = (
            select(TrainingPlan.id, Customer.name, TrainingPlan.title)
            .join(Customer, Customer.id == TrainingPlan.customer_id)
            .order_by(Customer.name, TrainingPlan.title, TrainingPlan.id)
        )
        with self.desk.store.read() as session:
            return [PlanChoice(*row) for row in session.execute(query)]


def _training_query():
    """Sessions with customer name, plan title, and how many materials (ready) each has."""
    of_session = TrainingMaterial.session_id == TrainingSession.id
    total = select(func.count()).where(of_session).correlate(TrainingSession)
    ready = total.where(TrainingMaterial.ready.is_(True))
    return (
        select(
            TrainingSession,
            Customer.name,
            TrainingPlan.title,
            total.scalar_subquery(),
            ready.scalar_subquery(),
        )
        .join(TrainingPlan, TrainingPlan.id == TrainingSession.plan_id)
        .join(Customer, Customer.id == TrainingPlan.customer_id)
        .order_by(TrainingSession.start_at, TrainingSession.id)
    )


def _training_entry(
    training: TrainingSession, customer: str, plan: str, total: int | None, ready: int | None
) -> TrainingEntry:
    return TrainingEntry(training, customer, plan, total or 0, ready or 0)
