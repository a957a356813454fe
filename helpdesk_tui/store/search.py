"""Read-only look-ups for what people type: customers while a call is logged, tickets in
the command palette. Substring matches (LIKE) work the same for Chinese and Latin text;
every word typed must match somewhere."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from helpdesk_tui.store.models import Contact, Customer, Ticket, ticket_key

MAX_TICKET_ID = 10**12


@dataclass(frozen=True)
class CustomerHit:
    id: int
    name: str
    contact: str = ""  # the contact whose name, phone or e-mail matched, if that was the match


@dataclass(frozen=True)
class ContactInfo:
    id: int
    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class TicketHit:
    id: int
    key: str
    title: str
    customer: str
    severity: str
    status: str
    is_open: bool


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column, word: str) -> ColumnElement[bool]:
    return column.ilike(f"%{_escape_like(word)}%", escape="\\")


def _words(text: str) -> list[str]:
    return [w for w in text.split() if w]


def find_customers(session: Session, text: str, limit: int = 8) -> list[CustomerHit]:
    """Customers whose name holds every word typed (exact name first, then names that
    start with it); then customers one of whose contacts' name, phone or e-mail does."""
    words = _words(text)
    by_name = select(Customer.id, Customer.name)
    if words:
        whole = " ".join(words)
        by_name = by_name.where(and_(*(_contains(Customer.name, w) for w in words)))
        rank = case(
            (Customer.name == whole, 0),
            (Customer.name.ilike(f"{_escape_like(whole)}%", escape="\\"), 1),
            else_=2,
        )
        by_name = by_name.order_by(rank, func.length(Customer.name), Customer.name)
    else:
        by_name = by_name.order_by(Customer.name)
    hits = [CustomerHit(id, name) for id, name in session.execute(by_name.limit(limit))]
    if not words or len(hits) >= limit:
        return hits
    seen = {hit.id for hit in hits}
    fields = (Contact.name, Contact.phone, Contact.email)
    by_contact = (
        select(Customer.id, Customer.name, Contact.name)
        .join(Contact, Contact.customer_id == Customer.id)
        .where(and_(*(or_(*(_contains(f, w) for f in fields)) for w in words)))
        .order_by(Customer.name, Contact.name)
        .limit(limit * 2)
    )
    for customer_id, name, contact in session.execute(by_contact):
        if customer_id not in seen and len(hits) < limit:
            seen.add(customer_id)
            hits.append(CustomerHit(customer_id, name, contact))
    return hits


def customer_contacts(session: Session, customer_id: int) -> list[ContactInfo]:
    query = (
        select(Contact.id, Contact.name, Contact.phone, Contact.email)
        .where(Contact.customer_id == customer_id)
        .order_by(Contact.name, Contact.id)
    )
    return [ContactInfo(*row) for row in session.execute(query)]


def _key_id(word: str) -> int | None:
    """`T-000123`, `t123` or `123` → 123."""
    digits = word.strip().upper().removeprefix("T-").removeprefix("T")
    if digits.isdigit() and 0 < int(digits) <= MAX_TICKET_ID:
        return int(digits)
    return None


def search_tickets(session: Session, text: str, limit: int = 20) -> list[TicketHit]:
    """By key (`T-000123`, `123`), then by title and customer name: every word must be in
    one of them. Open tickets first, newest first."""
    words = _words(text)
    if not words:
        return []
    columns = (
        Ticket.id,
        Ticket.title,
        Customer.name,
        Ticket.severity,
        Ticket.status,
        Ticket.is_open,
    )
    base = select(*columns).join(Customer, Customer.id == Ticket.customer_id)
    found: list[TicketHit] = []
    key_id = _key_id(words[0]) if len(words) == 1 else None
    if key_id is not None:
        found.extend(_hit(*row) for row in session.execute(base.where(Ticket.id == key_id)))
        if words[0].upper().startswith("T"):
            return found  # `T-000123` is a key, not words of a title: no need to scan them
    matches = and_(*(or_(_contains(Ticket.title, w), _contains(Customer.name, w)) for w in words))
    query = base.where(matches)
    if key_id is not None:
        query = query.where(Ticket.id != key_id)
    query = query.order_by(Ticket.is_open.desc(), Ticket.reported_at.desc(), Ticket.id.desc())
    found.extend(_hit(*row) for row in session.execute(query.limit(limit - len(found))))
    return found


def _hit(
    id: int, title: str, customer: str, severity: str, status: str, is_open: bool
) -> TicketHit:
    return TicketHit(id, ticket_key(id), title, customer, severity, status, bool(is_open))
