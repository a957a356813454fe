"""`helpdesk demo`: a realistic, deterministic Chinese dataset for trying the console.

The same seed and `now` give the same data. Tickets are written in chunks straight
through Core inserts (the ORM would be ten times slower), but their deadlines come from
the same SLA rules as every other ticket.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.calendar import WorkCalendar
from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.lifecycle import Status
from helpdesk_tui.domain.severity import Severity, SlaPolicy
from helpdesk_tui.domain.sla import ClockFacts, Pause, deadlines
from helpdesk_tui.reference_data import data_dir, policy_with_override
from helpdesk_tui.services.audit import record
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import (
    ClockPause,
    Contact,
    Contract,
    Customer,
    Engineer,
    Ticket,
    WorkLogEntry,
)

MAX_TICKETS = 1_000_000
CHUNK = 20_000
OPEN_SHARE = 0.10

SEVERITY_WEIGHTS = {
    Severity.URGENT: 5,
    Severity.SERIOUS: 15,
    Severity.MEDIUM: 40,
    Severity.MINOR: 40,
}
CHANNEL_WEIGHTS = {
    Channel.PHONE: 40, Channel.EMAIL: 25, Channel.FAX: 5, Channel.MONITORING: 15,
    Channel.VISIT: 5, Channel.SURVEY: 5, Channel.PROACTIVE: 5,
}  # fmt: skip
OPEN_STATUS_WEIGHTS = {
    Status.NEW: 30,
    Status.RESPONDED: 15,
    Status.IN_PROGRESS: 35,
    Status.WAITING: 20,
}
CLOSED_STATUS_WEIGHTS = {Status.RESOLVED: 15, Status.ACCEPTED: 75, Status.CANCELLED: 10}


@dataclass(frozen=True)
class DemoSummary:
    customers: int
    engineers: int
    contracts: int
    tickets: int
    skipped: bool = False


@dataclass
class _Terms:
    customer_id: int
    contact_ids: list[int]
    contract_id: int
    calendar: WorkCalendar
    policy: SlaPolicy


@dataclass
class _Chunk:
    tickets: list[dict[str, Any]] = field(default_factory=list)
    pauses: list[dict[str, Any]] = field(default_factory=list)
    logs: list[dict[str, Any]] = field(default_factory=list)


def catalogue() -> dict[str, Any]:
    return tomllib.loads((data_dir() / "demo" / "catalogue.toml").read_text(encoding="utf-8"))


def generate(
    desk: Desk,
    tickets: int = 2_000,
    seed: int = 1,
    *,
    now: datetime | None = None,
    if_empty: bool = False,
) -> DemoSummary:
    if not 0 <= tickets <= MAX_TICKETS:
        raise InvalidInput(f"--tickets must be between 0 and {MAX_TICKETS}, got {tickets}")
    now = now or desk.now()
    if now.tzinfo is None:
        raise InvalidInput("--now needs a time zone")
    with desk.store.read() as session:
        if if_empty and session.scalar(select(func.count()).select_from(Customer)):
            return DemoSummary(0, 0, 0, 0, skipped=True)
    rng = random.Random(seed)
    words = catalogue()
    with desk.store.write() as session:
        engineers = _add_engineers(session, words)
        _add_customers(session, rng, words, now)
        terms = _load_terms(session, desk, now)
        record(session, desk, "demo", 0, "generate", now, {"tickets": tickets, "seed": seed})
        first_id = (session.scalar(select(func.max(Ticket.id))) or 0) + 1
    assignees = [e.id for e in engineers if e.role != "viewer"]
    for chunk in _chunks(rng, words, terms, assignees, tickets, first_id, now, desk.actor):
        with desk.store.write() as session:
            _insert(session, chunk)
    return DemoSummary(len(terms), len(engineers), len(terms), tickets)


def _insert(session: Session, chunk: _Chunk) -> None:
    session.execute(insert(Ticket), chunk.tickets)
    if chunk.pauses:
        session.execute(insert(ClockPause), chunk.pauses)
    if chunk.logs:
        session.execute(insert(WorkLogEntry), chunk.logs)


def _add_engineers(session: Session, words: dict[str, Any]) -> list[Engineer]:
    existing = {e.login: e for e in session.scalars(select(Engineer))}
    for login, name, role in words["engineers"]:
        if login not in existing:
            existing[login] = Engineer(
                login=login, name=name, role=role, email=f"{login}@example.com"
            )
            session.add(existing[login])
    session.flush()
    return sorted(existing.values(), key=lambda e: e.id or 0)


def _add_customers(
    session: Session, rng: random.Random, words: dict[str, Any], now: datetime
) -> None:
    names = [f"{city}{trade}" for city in words["cities"] for trade in words["trades"]]
    rng.shuffle(names)
    known = set(session.scalars(select(Customer.name)))
    for index, name in enumerate(names[:40]):
        if name in known:
            continue
        phone = f"0{rng.randint(10, 99)}-{rng.randint(10**7, 10**8 - 1)}"
        customer = Customer(name=name, phone=phone)
        session.add(customer)
        session.flush()
        session.add_all(_contact(rng, words, customer, k) for k in range(rng.randint(1, 3)))
        session.add(_contract(rng, customer, index, now))
    session.flush()


def _load_terms(session: Session, desk: Desk, now: datetime) -> list[_Terms]:
    """Every customer with a contract, with what its tickets need."""
    contacts: dict[int, list[int]] = {}
    for contact_id, customer_id in session.execute(select(Contact.id, Contact.customer_id)):
        contacts.setdefault(customer_id, []).append(contact_id)
    terms = []
    for contract in session.scalars(select(Contract).order_by(Contract.id)):
        terms.append(
            _Terms(
                customer_id=contract.customer_id,
                contact_ids=contacts.get(contract.customer_id, []),
                contract_id=contract.id or 0,
                calendar=desk.calendars.get(contract.calendar),
                policy=policy_with_override(desk.policy, contract.sla_policy or ""),
            )
        )
    return terms


def _contact(rng: random.Random, words: dict[str, Any], customer: Customer, k: int) -> Contact:
    name = rng.choice(words["surnames"]) + rng.choice(words["given_names"])
    return Contact(
        customer_id=customer.id or 0,
        name=name,
        phone=f"1{rng.randint(30, 89)}{rng.randint(10**7, 10**8 - 1)}",
        email=f"contact{customer.id}-{k}@example.cn",
        role=rng.choice(words["contact_roles"]),
    )


def _contract(rng: random.Random, customer: Customer, index: int, now: datetime) -> Contract:
    start = (now.date() - timedelta(days=rng.randint(370, 700))).replace(day=1)
    price = rng.choice([120_000, 280_000, 450_000, 800_000, 1_500_000]) * 100
    return Contract(
        number=f"WB-{start.year}-{customer.id:04d}",
        customer_id=customer.id or 0,
        title=f"{customer.name}软件维保合同",
        starts_on=start,
        ends_on=start.replace(year=start.year + 2) - timedelta(days=1),
        warranty_ends_on=start.replace(year=start.year + 1) - timedelta(days=1),
        renewal_on=start.replace(year=start.year + 2) - timedelta(days=30),
        total_price_fen=price,
        penalty_per_breach_bp=rng.choice([10, 20, 50]),
        penalty_cap_bp=rng.choice([500, 1000]),
        calendar="cn-office" if index % 6 == 5 else "24x7",
        vendor_operated=index % 3 != 0,
    )


def _chunks(
    rng: random.Random,
    words: dict[str, Any],
    terms: list[_Terms],
    assignees: list[int],
    count: int,
    first_id: int,
    now: datetime,
    actor: str,
) -> Iterator[_Chunk]:
    chunk = _Chunk()
    for ticket_id in range(first_id, first_id + count):
        _one_ticket(chunk, rng, words, rng.choice(terms), assignees, ticket_id, now, actor)
        if len(chunk.tickets) >= CHUNK:
            yield chunk
            chunk = _Chunk()
    if chunk.tickets:
        yield chunk


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _one_ticket(
    chunk: _Chunk,
    rng: random.Random,
    words: dict[str, Any],
    terms: _Terms,
    assignees: list[int],
    ticket_id: int,
    now: datetime,
    actor: str,
) -> None:
    severity = _pick(rng, SEVERITY_WEIGHTS)
    targets = terms.policy.for_severity(severity)
    is_open = rng.random() < OPEN_SHARE
    age = timedelta(hours=rng.uniform(0, 96)) if is_open else timedelta(days=rng.uniform(4, 365))
    reported = now - age
    status = _pick(rng, OPEN_STATUS_WEIGHTS if is_open else CLOSED_STATUS_WEIGHTS)
    responded = reported + targets.response * rng.uniform(0.05, 1.3)
    if status is not Status.NEW and responded > now:
        status = Status.NEW
    history = _history(rng, status, reported, responded, targets.fix, now)
    facts = ClockFacts(
        reported_at=reported,
        first_response_at=history.responded,
        resolved_at=history.resolved,
        cancelled_at=history.cancelled,
        pauses=history.pauses,
    )
    due = deadlines(facts, terms.calendar, targets.response, targets.fix)
    chunk.tickets.append(
        {
            "id": ticket_id,
            "title": rng.choice(words["titles"][severity.value]),
            "description": "",
            "customer_id": terms.customer_id,
            "contact_id": rng.choice(terms.contact_ids) if terms.contact_ids else None,
            "contract_id": terms.contract_id,
            "severity": severity.value,
            "status": status.value,
            "channel": _pick(rng, CHANNEL_WEIGHTS).value,
            "assignee_id": None
            if status is Status.NEW and rng.random() < 0.5
            else rng.choice(assignees),
            "created_by": actor,
            "reported_at": reported,
            "created_at": reported,
            "updated_at": history.last,
            "first_response_at": history.responded,
            "resolved_at": history.resolved,
            "accepted_at": history.accepted,
            "cancelled_at": history.cancelled,
            "response_due_at": due.response_due_at,
            "resolve_due_at": due.resolve_due_at,
            "fix_remaining_seconds": due.fix_remaining.total_seconds()
            if due.fix_remaining is not None
            else None,
            "paused_seconds": facts.paused_seconds_closed,
            "next_due_at": due.next_due_at(facts),
            "is_open": status.is_open,
            "resolution_summary": rng.choice(words["work"]["summaries"])
            if history.resolved
            else "",
            "rating": rng.choices([5, 4, 3, 2, 1], [50, 30, 12, 5, 3])[0]
            if history.accepted
            else None,
            "acceptance_comment": rng.choice(words["work"]["comments"]) if history.accepted else "",
            "version": 1,
        }
    )
    for pause in history.pauses:
        chunk.pauses.append(
            {
                "ticket_id": ticket_id,
                "status": pause.status,
                "started_at": pause.start,
                "ended_at": pause.end,
            }
        )
    for at, kind, text in history.log_lines(rng, words):
        chunk.logs.append(
            {
                "ticket_id": ticket_id,
                "at": at,
                "author": actor,
                "kind": kind,
                "minutes": rng.choice([0, 15, 30, 60]),
                "text": text,
            }
        )


@dataclass(frozen=True)
class _StatusPause(Pause):
    status: str = "waiting"


@dataclass
class _History:
    responded: datetime | None = None
    resolved: datetime | None = None
    accepted: datetime | None = None
    cancelled: datetime | None = None
    pauses: tuple[_StatusPause, ...] = ()
    last: datetime = datetime.min

    def log_lines(
        self, rng: random.Random, words: dict[str, Any]
    ) -> list[tuple[datetime, str, str]]:
        lines = []
        if self.responded:
            lines.append((self.responded, "response", rng.choice(words["work"]["steps"])))
        if self.resolved:
            lines.append((self.resolved, "summary", rng.choice(words["work"]["summaries"])))
        return lines


def _history(
    rng: random.Random,
    status: Status,
    reported: datetime,
    responded: datetime,
    fix: timedelta,
    now: datetime,
) -> _History:
    if status is Status.NEW:
        return _History(last=reported)
    if status is Status.CANCELLED:
        return _History(cancelled=min(responded, now), last=min(responded, now))
    if status in (Status.RESPONDED, Status.IN_PROGRESS):
        return _History(responded=responded, last=responded)
    if status is Status.WAITING:
        start = responded + (now - responded) * rng.uniform(0.1, 0.9)
        return _History(
            responded=responded, pauses=(_StatusPause(start, None, "waiting"),), last=start
        )
    resolved = min(responded + fix * rng.uniform(0.2, 1.2), now)
    pause = _StatusPause(resolved, None, "resolved")
    if status is Status.RESOLVED:
        return _History(responded=responded, resolved=resolved, pauses=(pause,), last=resolved)
    accepted = min(resolved + timedelta(hours=rng.uniform(1, 72)), now)
    return _History(
        responded=responded, resolved=resolved, accepted=accepted, pauses=(pause,), last=accepted
    )
