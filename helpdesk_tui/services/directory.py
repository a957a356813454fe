"""Customers, contacts and engineers: finding them by what people type."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from helpdesk_tui.domain import limits
from helpdesk_tui.domain.errors import InvalidInput, NotFound
from helpdesk_tui.services.audit import record
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Contact, Customer, Engineer

ROLES = ("engineer", "manager", "viewer")


def find_customer(session: Session, text: str) -> Customer:
    """By id, by exact name, or by a part of the name that only one customer has."""
    wanted = limits.required_text(text, "customer", limits.NAME_MAX)
    if wanted.isdigit() and (by_id := session.get(Customer, int(wanted))):
        return by_id
    exact = session.scalars(select(Customer).where(Customer.name == wanted)).first()
    if exact:
        return exact
    pattern = f"%{_escape_like(wanted)}%"
    query = select(Customer).where(Customer.name.ilike(pattern, escape="\\")).limit(6)
    matches = list(session.scalars(query))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"no customer matches {wanted!r}")
    names = ", ".join(c.name for c in matches[:5])
    raise InvalidInput(
        f"customer {wanted!r} is ambiguous: {names}{' ...' if len(matches) > 5 else ''}"
    )


def find_engineer(session: Session, login: str) -> Engineer:
    wanted = login.strip()
    engineer = session.scalars(select(Engineer).where(Engineer.login == wanted)).first()
    if engineer is None:
        raise NotFound(f"no engineer with login {wanted!r}")
    if not engineer.active:
        raise InvalidInput(f"engineer {wanted!r} is no longer active")
    if engineer.role == "viewer":
        raise InvalidInput(f"{wanted!r} is a viewer and cannot take tickets")
    return engineer


def find_or_add_contact(
    session: Session, desk: Desk, customer: Customer, text: str, now: datetime
) -> Contact | None:
    """A caller is matched by name, phone or e-mail; a new caller is added to the customer."""
    wanted = limits.bounded_text(text, "contact", limits.NAME_MAX)
    if not wanted:
        return None
    query = select(Contact).where(
        Contact.customer_id == customer.id,
        or_(
            Contact.name == wanted,
            Contact.phone == wanted,
            func.lower(Contact.email) == wanted.lower(),
        ),
    )
    found = session.scalars(query).first()
    if found:
        return found
    contact = Contact(customer_id=customer.id, name=wanted)
    session.add(contact)
    session.flush()
    record(session, desk, "contact", contact.id, "create", {"name": wanted})
    return contact


def add_customer(desk: Desk, name: str, **fields: str) -> Customer:
    name = limits.required_text(name, "customer name", limits.NAME_MAX)
    with desk.store.write() as session:
        if session.scalars(select(Customer).where(Customer.name == name)).first():
            raise InvalidInput(f"customer {name!r} exists already")
        customer = Customer(name=name, **fields)
        session.add(customer)
        session.flush()
        record(session, desk, "customer", customer.id, "create", {"name": name})
        return customer


def add_engineer(
    desk: Desk, login: str, name: str, role: str = "engineer", **fields: str
) -> Engineer:
    login = limits.required_text(login, "login", 64)
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}: use {'|'.join(ROLES)}")
    with desk.store.write() as session:
        if session.scalars(select(Engineer).where(Engineer.login == login)).first():
            raise InvalidInput(f"engineer {login!r} exists already")
        engineer = Engineer(
            login=login,
            name=limits.required_text(name, "name", limits.NAME_MAX),
            role=role,
            **fields,
        )
        session.add(engineer)
        session.flush()
        record(
            session,
            desk,
            "engineer",
            engineer.id,
            "create",
            {"login": login, "role": role},
        )
        return engineer


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def set_notify_via(desk: Desk, login: str, channels: list[str]) -> Engineer:
    """Which remote channels reach an engineer: "email" and/or webhook names."""
    names = [c.strip() for c in channels if c.strip()]
    for name in names:
        if not (name.replace("-", "").replace("_", "").isalnum() and len(name) <= 40):
            raise InvalidInput(f"channel {name!r}: use email or a webhook's name (letters, -, _)")
    value = ",".join(dict.fromkeys(names))
    if len(value) > 200:
        raise InvalidInput("too many channels")
    with desk.store.write() as session:
        engineer = session.scalars(select(Engineer).where(Engineer.login == login)).first()
        if engineer is None:
            raise NotFound(f"no engineer with login {login!r}")
        before, engineer.notify_via = engineer.notify_via, value
        record(session, desk, "engineer", engineer.id, "notify_via",
               {"from": before, "to": value})  # fmt: skip
        return engineer
