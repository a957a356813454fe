"""What the views read: each method is one short read-only transaction.

Views (the console, the wall) call these and never open sessions themselves.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.services.alerts import list_alerts
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.roster import duty_now
from helpdesk_tui.store.models import AlertClaim, Engineer
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
