"""What the views read: each method is one short read-only transaction.

Views (the console, the wall) call these and never open sessions themselves.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Engineer
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
