"""Service quality for a period, per customer (issue 7): the customers' ratings (CSAT),
complaints, return visits (回访) made against those due, and the penalties owed for
broken promises. Reads only.

- Tickets, ratings and complaints: the tickets reported in the period (whole days in the
  desk's zone, cancelled ones left out); `rated` are those of them rated so far (the 1-5
  given on acceptance), `satisfied` those rated 4 or 5.
- Visits: the return visits due in the period, cancelled ones left out; done are those
  marked done (whenever), their satisfaction is the mean score of the done ones.
- Penalties: what `services.penalties` says the contracts owe for the months the period
  touches (penalties are monthly, so a period of part of a month shows the whole month's).

Counts come from SQL GROUP BYs; only the penalties are worked out ticket by ticket (that
service recomputes clocks on each contract's calendar), which makes them the slow part on
a big database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.ticket_kind import TicketKind
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer
from helpdesk_tui.services.penalties import penalties
from helpdesk_tui.services.sla_report import period_bounds
from helpdesk_tui.store.models import Contract, Customer, ReturnVisit, Ticket

SATISFIED = 4  # a rating of at least this is a satisfied customer


@dataclass(frozen=True)
class QualityFigures:
    customer: str  # "" for the total
    tickets: int
    rated: int
    csat_average: float | None  # ticket ratings 1-5 given on acceptance
    satisfied: int  # ratings >= 4
    complaints: int  # tickets of kind "complaint" reported in the period
    visits_due: int
    visits_done: int
    visit_satisfaction: float | None  # return visits due in the period
    penalties_owed_fen: int  # from services.penalties for the months of the period
    # Sums behind the means, so that rows add up into a total exactly.
    rating_sum: int = 0
    visit_scores: int = 0  # done visits with a satisfaction score
    visit_score_sum: int = 0

    @property
    def csat_percent(self) -> float | None:
        return self.satisfied / self.rated * 100 if self.rated else None

    @property
    def visit_coverage_percent(self) -> float | None:
        return self.visits_done / self.visits_due * 100 if self.visits_due else None


@dataclass(frozen=True)
class QualityReport:
    first: date
    last: date
    rows: list[QualityFigures]
    total: QualityFigures


def quality_report(
    session: Session, desk: Desk, first: date, last: date, customer: str | None = None
) -> QualityReport:
    """One row per customer with anything to show in the period (tickets, visits due or
    penalties owed), by name, and the total; only the customer named, if one is."""
    customer_id = find_customer(session, customer).id if customer else None
    tickets = _ticket_counts(session, desk, first, last, customer_id)
    visits = _visit_counts(session, first, last, customer_id)
    owed = _penalties_owed(session, desk, first, last, customer_id)
    ids = set(tickets) | set(visits) | {k for k, fen in owed.items() if fen}
    names = _names(session, ids)
    rows = [
        _figures(names[i], tickets.get(i, _NO_TICKETS), visits.get(i, _NO_VISITS), owed.get(i, 0))
        for i in ids
    ]
    rows.sort(key=lambda row: row.customer)
    return QualityReport(first, last, rows, _total(rows))


_NO_TICKETS = (0, 0, 0, 0, 0)  # tickets, rated, rating sum, satisfied, complaints
_NO_VISITS = (0, 0, 0, 0)  # due, done, scored, score sum


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _ticket_counts(
    session: Session, desk: Desk, first: date, last: date, customer_id: int | None
) -> dict[int, tuple[int, ...]]:
    start, end = period_bounds(desk, first, last)
    conditions = [Ticket.reported_at >= start, Ticket.reported_at < end,
                  Ticket.cancelled_at.is_(None)]  # fmt: skip
    if customer_id is not None:
        conditions.append(Ticket.customer_id == customer_id)
    query = (
        select(
            Ticket.customer_id,
            func.count(),
            func.count(Ticket.rating),
            func.coalesce(func.sum(Ticket.rating), 0),
            _count(Ticket.rating >= SATISFIED),
            _count(Ticket.kind == TicketKind.COMPLAINT.value),
        )
        .where(*conditions)
        .group_by(Ticket.customer_id)
    )
    return {row[0]: tuple(row[1:]) for row in session.execute(query)}


def _visit_counts(
    session: Session, first: date, last: date, customer_id: int | None
) -> dict[int, tuple[int, ...]]:
    done = ReturnVisit.status == "done"
    conditions = [ReturnVisit.due_on >= first, ReturnVisit.due_on <= last,
                  ReturnVisit.status != "cancelled"]  # fmt: skip
    if customer_id is not None:
        conditions.append(ReturnVisit.customer_id == customer_id)
    scored = and_(done, ReturnVisit.satisfaction.is_not(None))
    query = (
        select(
            ReturnVisit.customer_id,
            func.count(),
            _count(done),
            _count(scored),
            func.coalesce(func.sum(case((scored, ReturnVisit.satisfaction), else_=0)), 0),
        )
        .where(*conditions)
        .group_by(ReturnVisit.customer_id)
    )
    return {row[0]: tuple(row[1:]) for row in session.execute(query)}


def _penalties_owed(
    session: Session, desk: Desk, first: date, last: date, customer_id: int | None
) -> dict[int, int]:
    """Per customer id, what their contracts owe for the months of the period; for one
    customer, only their own contracts are priced (pricing is the costly part)."""
    months = first.replace(day=1), last.replace(day=1)
    if customer_id is None:
        found = penalties(session, desk, *months)
    else:
        ids = list(session.scalars(select(Contract.id).where(Contract.customer_id == customer_id)))
        found = [entry for contract_id in ids
                 for entry in penalties(session, desk, *months, str(contract_id))]  # fmt: skip
    owed: dict[int, int] = {}
    for entry in found:
        who = entry.contract.customer_id
        owed[who] = owed.get(who, 0) + entry.owed_fen
    return owed


def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    query = select(Customer.id, Customer.name).where(Customer.id.in_(list(ids)))
    return {key: name for key, name in session.execute(query)}


def _figures(
    name: str, tickets: tuple[int, ...], visits: tuple[int, ...], owed_fen: int
) -> QualityFigures:
    count, rated, rating_sum, satisfied, complaints = tickets
    due, done, scored, score_sum = visits
    return QualityFigures(
        customer=name,
        tickets=count,
        rated=rated,
        csat_average=rating_sum / rated if rated else None,
        satisfied=satisfied,
        complaints=complaints,
        visits_due=due,
        visits_done=done,
        visit_satisfaction=score_sum / scored if scored else None,
        penalties_owed_fen=owed_fen,
        rating_sum=rating_sum,
        visit_scores=scored,
        visit_score_sum=score_sum,
    )


def _total(rows: list[QualityFigures]) -> QualityFigures:
    def total(name: str) -> int:
        return sum(getattr(row, name) for row in rows)

    tickets = tuple(total(n) for n in ("tickets", "rated", "rating_sum", "satisfied",
                                        "complaints"))  # fmt: skip
    visits = tuple(total(n) for n in ("visits_due", "visits_done", "visit_scores",
                                       "visit_score_sum"))  # fmt: skip
    return _figures("", tickets, visits, total("penalties_owed_fen"))
