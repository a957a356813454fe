"""What each contract owes for broken promises (违约承诺), month by month: its tickets'
response and fix clocks recomputed on the contract's own calendar and policy, the
breaches priced by `domain.penalties`. Reads only.

The cap is shared by the whole contract, so the months before the ones asked for are
charged too (and not shown). A ticket counts with its current deadlines: a fix promise
broken before a reopen and kept after it is not charged (the clocks keep no history of
earlier deadlines yet)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.domain.penalties import (
    Breach,
    MonthStatement,
    PenaltyTerms,
    lateness,
    statements,
)
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.domain.sla import fix_clock, response_clock
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.terms import terms_for
from helpdesk_tui.services.ticket_alerts import clock_facts
from helpdesk_tui.store.models import ClockPause, Contract, Customer, Ticket


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
    found = []
    for row, customer in _contracts(session, contract):
        terms = PenaltyTerms(row.total_price_fen, row.penalty_per_breach_bp,
                             row.penalty_per_hour_late_bp, row.penalty_cap_bp)  # fmt: skip
        end = _month_end(last, desk)
        breaches = contract_breaches(session, desk, row, end, now)
        months = [m for m in statements(terms, breaches, desk.zone)
                  if wanted[0] <= m.month <= wanted[1]]  # fmt: skip
        found.append(ContractPenalties(row, customer, terms, months))
    return found


def contract_breaches(
    session: Session, desk: Desk, contract: Contract, end: datetime, now: datetime
) -> list[Breach]:
    """The broken promises of the contract's tickets whose deadline fell before `end`."""
    calendar, policy = terms_for(session, desk, contract.id)
    tickets = list(session.scalars(
        select(Ticket).where(
            Ticket.contract_id == contract.id,
            Ticket.cancelled_at.is_(None),
            or_(Ticket.response_due_at < end, Ticket.resolve_due_at < end),
        )
    ))  # fmt: skip
    pauses = _pauses(session, [t.id for t in tickets if t.id is not None])
    found = []
    for ticket in tickets:
        facts = clock_facts(ticket, pauses.get(ticket.id or 0, []))
        targets = policy.for_severity(Severity(ticket.severity))
        clocks = {"response": response_clock(facts, calendar, targets.response, now),
                  "fix": fix_clock(facts, calendar, targets.fix, now)}  # fmt: skip
        for target, clock in clocks.items():
            late = lateness(clock)
            if late and clock.due_at is not None and clock.due_at < end:
                found.append(Breach(ticket.id or 0, target, clock.due_at, late))
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
