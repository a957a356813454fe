"""What each contract owes for broken promises (违约承诺), month by month: its tickets'
response and fix clocks recomputed on the contract's own calendar and policy, the
breaches priced by `domain.penalties`. Reads only.

The cap is shared by the whole contract, so the months before the ones asked for are
charged too (and not shown). A ticket counts with its current deadlines: a fix promise
broken before a reopen and kept after it is not charged (the clocks keep no history of
earlier deadlines yet).

Only tickets under the contract's promise are charged: warranty or contract coverage
with no exclusion recorded (domain.coverage). Tickets whose stored deadlines show no
broken promise are left out in SQL, so a large database is not read whole; this gives the
same result as long as the stored deadlines were computed under the contract's current
calendar and policy (editing those does not recompute the deadlines of existing tickets)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, case, or_, select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.calendar import WorkCalendar
from helpdesk_tui.domain.coverage import Coverage
from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.domain.penalties import (
    Breach,
    MonthStatement,
    PenaltyTerms,
    lateness,
    statements,
)
from helpdesk_tui.domain.severity import Severity, SlaPolicy
from helpdesk_tui.domain.sla import ZERO, fix_clock, response_clock
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.terms import terms_for
from helpdesk_tui.services.ticket_alerts import clock_facts
from helpdesk_tui.store.models import ClockPause, Contract, Customer, Ticket
from helpdesk_tui.store.queries import fix_breached, response_breached

PROMISED = tuple(c.value for c in Coverage if c.promised)


@dataclass(frozen=True)
class ContractPenalties:
    contract: Contract
    customer: str
    terms: PenaltyTerms
    months: list[MonthStatement]  # only the months asked for

    @property
    def owed_fen(self) -> int:
        return sum(month.owed_fen for month in self.months)


def penalties(
    session: Session, desk: Desk, first: date, last: date, contract: str | None = None
) -> list[ContractPenalties]:
    """Per contract (or the one named by number or id), the months from `first` to
    `last` (both included, by their first days) that had breaches."""
    now = desk.now()
    wanted = (first.year, first.month), (last.year, last.month)
    end = _month_end(last, desk)
    contracts = _contracts(session, contract)
    breaches = _breaches(session, desk, [row for row, _ in contracts], end, now)
    found = []
    for row, customer in contracts:
        terms = PenaltyTerms(row.total_price_fen, row.penalty_per_breach_bp,
                             row.penalty_per_hour_late_bp, row.penalty_cap_bp)  # fmt: skip
        months = [m for m in statements(terms, breaches.get(row.id or 0, []), desk.zone)
                  if wanted[0] <= m.month <= wanted[1]]  # fmt: skip
        found.append(ContractPenalties(row, customer, terms, months))
    return found


def contract_breaches(
    session: Session, desk: Desk, contract: Contract, end: datetime, now: datetime
) -> list[Breach]:
    """The broken promises of one contract's tickets whose deadline fell before `end`."""
    return _breaches(session, desk, [contract], end, now).get(contract.id or 0, [])


def _breaches(
    session: Session, desk: Desk, contracts: list[Contract], end: datetime, now: datetime
) -> dict[int, list[Breach]]:
    """The contracts' broken promises, by contract id.

    A finished promise is priced from the working time stored when the ticket was
    answered or resolved (what its clock says, without the calendar work), and SQL keeps
    only the broken ones; a clock still running (or a ticket finished before the times
    were stored) is worked out from its clocks."""
    ids = [c.id for c in contracts if c.id is not None]
    terms = {cid: terms_for(session, desk, cid) for cid in ids}
    by_targets: dict[tuple, tuple[SlaPolicy, list[int]]] = {}  # contracts with one policy
    for cid, (_calendar, policy) in terms.items():
        key = tuple(policy.for_severity(s) for s in Severity)
        by_targets.setdefault(key, (policy, []))[1].append(cid)
    found: dict[int, list[Breach]] = defaultdict(list)
    for policy, group in by_targets.values():
        for target in TARGETS:
            for row in session.execute(_finished_late(target, group, policy, end)):
                late = timedelta(seconds=row.late)
                found[row.contract_id].append(Breach(row.id, target, row.due_at, late))
    for contract_id, breach in _running_breaches(session, terms, ids, end, now):
        found[contract_id].append(breach)
    return found


TARGETS = ("response", "fix")


def _promised(contract_ids: list[int]) -> tuple[ColumnElement[bool], ...]:
    """The contracts' tickets under the promise: warranty or contract, no exclusion."""
    return (
        Ticket.contract_id.in_(contract_ids),
        Ticket.cancelled_at.is_(None),
        Ticket.coverage.in_(PROMISED),
        Ticket.exclusion == "",
    )


def _finished_late(
    target: str, contract_ids: list[int], policy: SlaPolicy, end: datetime
) -> Select:
    """The answered (or resolved) tickets whose stored working time ran past the target."""
    if target == "response":
        used, due = Ticket.response_work_seconds, Ticket.response_due_at
    else:
        used, due = Ticket.fix_work_seconds, Ticket.resolve_due_at
    allowed = case(
        {s.value: getattr(policy.for_severity(s), target).total_seconds() for s in Severity},
        value=Ticket.severity,
    )
    late = (used - allowed).label("late")
    return select(Ticket.id, Ticket.contract_id, due.label("due_at"), late).where(
        *_promised(contract_ids), used.is_not(None), used > allowed, due < end
    )


def _running_breaches(
    session: Session,
    terms: dict[int, tuple[WorkCalendar, SlaPolicy]],
    contract_ids: list[int],
    end: datetime,
    now: datetime,
) -> list[tuple[int, Breach]]:
    """Broken promises whose clocks are still running or whose times were never stored."""
    query = select(Ticket).where(
        *_promised(contract_ids),
        or_(Ticket.response_work_seconds.is_(None), Ticket.fix_work_seconds.is_(None)),
        or_(Ticket.response_due_at < end, Ticket.resolve_due_at < end),
        or_(response_breached(now), fix_breached(now)),
    )
    tickets = list(session.scalars(query))
    pauses = _pauses(session, [t.id for t in tickets if t.id is not None])
    found = []
    for ticket in tickets:
        contract_id = ticket.contract_id or 0
        calendar, policy = terms[contract_id]
        targets = policy.for_severity(Severity(ticket.severity))
        facts = clock_facts(ticket, pauses.get(ticket.id or 0, []))
        clocks = {}
        if ticket.response_work_seconds is None:
            clocks["response"] = response_clock(facts, calendar, targets.response, now)
        if ticket.fix_work_seconds is None:
            clocks["fix"] = fix_clock(facts, calendar, targets.fix, now)
        for target, clock in clocks.items():
            late = lateness(clock)
            if late > ZERO and clock.due_at is not None and clock.due_at < end:
                found.append((contract_id, Breach(ticket.id or 0, target, clock.due_at, late)))
    return found


def _contracts(session: Session, wanted: str | None) -> list[tuple[Contract, str]]:
    query = select(Contract, Customer.name).join(Customer, Customer.id == Contract.customer_id)
    if wanted:
        match = Contract.number == wanted
        if wanted.isdigit():
            match = or_(match, Contract.id == int(wanted))
        query = query.where(match)
    rows = [(contract, name) for contract, name in session.execute(query.order_by(Contract.id))]
    if wanted and not rows:
        raise NotFound(f"no contract {wanted!r}")
    return rows


def _pauses(session: Session, ticket_ids: Iterable[int]) -> dict[int, list[ClockPause]]:
    found: dict[int, list[ClockPause]] = defaultdict(list)
    ids = list(ticket_ids)
    for start in range(0, len(ids), 500):  # bounded IN lists
        query = (
            select(ClockPause)
            .where(ClockPause.ticket_id.in_(ids[start : start + 500]))
            .order_by(ClockPause.ticket_id, ClockPause.id)
        )
        for pause in session.scalars(query):
            found[pause.ticket_id].append(pause)
    return found


def _month_end(last: date, desk: Desk) -> datetime:
    """The first instant after `last`'s month, in the desk's zone."""
    year, month = (last.year + 1, 1) if last.month == 12 else (last.year, last.month + 1)
    return datetime.combine(date(year, month, 1), time(0), desk.zone)


def month_label(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"
