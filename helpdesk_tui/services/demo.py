"""`helpdesk demo`: a realistic, deterministic Chinese dataset for trying the console.

The same seed and `now` give the same data. Tickets are written in chunks straight
through Core inserts (the ORM would be ten times slower), but their deadlines come from
the same SLA rules as every other ticket.
"""

from __future__ import annotations

import os
import random
import tomllib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, func, insert, literal, select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.reference_data import data_dir, policy_with_override
from helpdesk_tui.services.audit import record
from helpdesk_tui.services.demo_continuity import add_demo_continuity
from helpdesk_tui.services.demo_contracts import add_demo_contracts
from helpdesk_tui.services.demo_health import add_demo_health
from helpdesk_tui.services.demo_maintenance import add_demo_maintenance
from helpdesk_tui.services.demo_tickets import SEED_BLOCK, Terms, TicketFactory, insert_chunk
from helpdesk_tui.services.demo_training import add_demo_training
from helpdesk_tui.services.demo_visits import add_demo_visits
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.bulk import PreparedRows
from helpdesk_tui.store.models import (
    AlertTimer,
    Contact,
    Contract,
    Customer,
    Engineer,
    Ticket,
)
from helpdesk_tui.store.types import UTCDateTime

MAX_TICKETS = 1_000_000
CHUNK = 40 * SEED_BLOCK  # tickets per transaction and per worker job


@dataclass(frozen=True)
class DemoSummary:
    customers: int
    engineers: int
    contracts: int
    tickets: int
    skipped: bool = False


def catalogue() -> dict[str, Any]:
    return tomllib.loads((data_dir() / "demo" / "catalogue.toml").read_text(encoding="utf-8"))


def check_request(tickets: int, now: datetime | None) -> None:
    if not 0 <= tickets <= MAX_TICKETS:
        raise InvalidInput(f"--tickets must be between 0 and {MAX_TICKETS}, got {tickets}")
    if now is not None and now.tzinfo is None:
        raise InvalidInput("--now needs a time zone")


def generate(
    desk: Desk,
    tickets: int = 2_000,
    seed: int = 1,
    *,
    now: datetime | None = None,
    if_empty: bool = False,
) -> DemoSummary:
    check_request(tickets, now)
    now = now or desk.now()
    with desk.store.read() as session:
        if if_empty and session.scalar(select(func.count()).select_from(Customer)):
            return DemoSummary(0, 0, 0, 0, skipped=True)
    rng = random.Random(seed)
    words = catalogue()
    with desk.store.write() as session:
        engineers = _add_engineers(session, words)
        _add_customers(session, rng, words, now)
        terms = _load_terms(session, desk, now)
        record(session, desk, "demo", 0, "generate", {"tickets": tickets, "seed": seed})
        first_id = (session.scalar(select(func.max(Ticket.id))) or 0) + 1
    assignees = [(e.id or 0, e.login) for e in engineers if e.role != "viewer"]
    factory = TicketFactory(words, terms, assignees, now, desk.actor, seed, first_id, tickets)
    for_sqlite = desk.store.dialect == "sqlite"
    for prepared in _prepared_chunks(factory, first_id, tickets, for_sqlite):
        with desk.store.write() as session:
            insert_chunk(session.connection(), prepared)
    with desk.store.write() as session:
        _add_alert_timers(session, first_id, now)
    add_demo_training(desk, words, rng, now)
    add_demo_maintenance(desk, seed, now)
    add_demo_continuity(desk, now)
    add_demo_health(desk, seed, now)
    add_demo_contracts(desk, now)
    add_demo_visits(desk, now)
    return DemoSummary(len(terms), len(engineers), len(terms), tickets)


def _add_alert_timers(session: Session, first_id: int, now: datetime) -> None:
    """Open demo tickets get timers that wake at once but count everything before `now`
    as already alerted: the first sweep sets each to its next moment, quietly; the made-up
    past does not flood the desk with late alerts."""
    subject = literal("ticket:") + cast(Ticket.id, String)
    new = Ticket.id >= first_id
    columns = ["subject", "target", "ticket_id", "next_at", "fired_upto"]
    for target, running in (
        ("response", Ticket.first_response_at.is_(None)),
        ("fix", Ticket.resolve_due_at.is_not(None)),
    ):
        rows = select(
            subject, literal(target), Ticket.id,
            literal(now, UTCDateTime()), literal(now, UTCDateTime()),
        ).where(new, Ticket.is_open, running)  # fmt: skip
        session.execute(insert(AlertTimer).from_select(columns, rows))


def _prepared_chunks(
    factory: TicketFactory, first_id: int, count: int, for_sqlite: bool
) -> Iterator[list[PreparedRows]]:
    """Chunks in id order. Making rows costs more than writing them, so with more than one
    chunk worker processes make them while this process writes."""
    jobs = [
        (start, min(CHUNK, first_id + count - start))
        for start in range(first_id, first_id + count, CHUNK)
    ]
    if len(jobs) <= 1:
        yield from (_make(factory, job, for_sqlite) for job in jobs)
        return
    workers = max(1, min(os.cpu_count() or 1, 4))
    with ProcessPoolExecutor(workers, initializer=_adopt, initargs=(factory, for_sqlite)) as pool:
        pending: deque[Future[list[PreparedRows]]] = deque()
        for job in jobs:
            pending.append(pool.submit(_make_in_worker, job))
            if len(pending) > 2 * workers:  # bound the rows held in memory
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _make(factory: TicketFactory, job: tuple[int, int], for_sqlite: bool) -> list[PreparedRows]:
    return factory.chunk(*job).prepare(for_sqlite)


_worker_state: tuple[TicketFactory, bool] | None = None


def _adopt(factory: TicketFactory, for_sqlite: bool) -> None:
    global _worker_state
    _worker_state = (factory, for_sqlite)
    # The single writer is the bottleneck to protect: makers take whatever CPU it leaves.
    os.nice(5)


def _make_in_worker(job: tuple[int, int]) -> list[PreparedRows]:
    assert _worker_state is not None
    factory, for_sqlite = _worker_state
    return _make(factory, job, for_sqlite)


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


def _load_terms(session: Session, desk: Desk, now: datetime) -> list[Terms]:
    """Every customer with a contract, with what its tickets need."""
    contacts: dict[int, list[int]] = {}
    for contact_id, customer_id in session.execute(select(Contact.id, Contact.customer_id)):
        contacts.setdefault(customer_id, []).append(contact_id)
    terms = []
    for contract in session.scalars(select(Contract).order_by(Contract.id)):
        terms.append(
            Terms(
                customer_id=contract.customer_id,
                contact_ids=contacts.get(contract.customer_id, []),
                contract_id=contract.id or 0,
                calendar=desk.calendars.get(contract.calendar),
                policy=policy_with_override(desk.policy, contract.sla_policy or ""),
                starts_on=contract.starts_on,
                ends_on=contract.ends_on,
                warranty_ends_on=contract.warranty_ends_on,
                zone=desk.zone,
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
