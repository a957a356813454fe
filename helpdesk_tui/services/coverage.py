"""Who pays for a ticket (see `domain.coverage`): recording one of the seed's exclusions
(甲方人为因素、不可抗力、配置缺少、未通知乙方更改配置), which makes the ticket billable or
goodwill; clearing it, which gives the ticket back what its contract gives; and setting
the coverage by hand. Each change is audited and written into the work log as a note,
so the paperwork for the customer shows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from helpdesk_tui.domain import limits
from helpdesk_tui.domain.coverage import Coverage, Exclusion, coverage_on, excluded_coverage
from helpdesk_tui.domain.errors import Conflict, InvalidInput
from helpdesk_tui.services.audit import last_change, record
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.tickets import load_ticket, parse_ticket_ref
from helpdesk_tui.store.models import Contract, Ticket, WorkLogEntry, ticket_key

NOTE_MAX = 2000
COVERAGE_ZH = {"warranty": "保修期内", "contract": "维保合同", "billable": "有偿服务",
               "goodwill": "免费服务"}  # fmt: skip
EXCLUSION_ZH = {
    "customer_damage": "甲方人为因素",
    "force_majeure": "不可抗力",
    "missing_configuration": "配置缺少",
    "unnotified_change": "未通知乙方更改配置",
}


def record_exclusion(
    desk: Desk, ref: str | int, exclusion: Exclusion, *, goodwill: bool = False,
    note: str = "", expected_version: int | None = None,
) -> Ticket:  # fmt: skip
    """The damage is outside what the vendor owes: the ticket becomes billable, or goodwill
    when the vendor does the work for free."""
    note = limits.bounded_text(note, "exclusion note", NOTE_MAX)
    coverage = excluded_coverage(goodwill=goodwill)
    with _editing(desk, ref, expected_version) as (session, ticket):
        before = _state(ticket)
        ticket.exclusion, ticket.exclusion_note = exclusion.value, note
        ticket.coverage = coverage.value
        _write_down(session, desk, ticket, before, "exclusion", note)
        return ticket


def clear_exclusion(
    desk: Desk, ref: str | int, *, note: str = "", expected_version: int | None = None
) -> Ticket:
    """The exclusion was wrong: the ticket is covered again as its contract says."""
    note = limits.bounded_text(note, "note", NOTE_MAX)
    with _editing(desk, ref, expected_version) as (session, ticket):
        if not ticket.exclusion:
            raise InvalidInput(f"{ticket.key} has no exclusion to clear")
        before = _state(ticket)
        ticket.exclusion, ticket.exclusion_note = "", ""
        ticket.coverage = contract_coverage(session, desk, ticket).value
        _write_down(session, desk, ticket, before, "exclusion_cleared", note)
        return ticket


def set_coverage(
    desk: Desk, ref: str | int, coverage: Coverage, *, note: str = "",
    expected_version: int | None = None,
) -> Ticket:  # fmt: skip
    """By hand, e.g. goodwill for a customer the vendor wants to keep. A ticket with an
    exclusion cannot be promised again without clearing the exclusion."""
    note = limits.bounded_text(note, "note", NOTE_MAX)
    with _editing(desk, ref, expected_version) as (session, ticket):
        if coverage.promised and ticket.exclusion:
            raise InvalidInput(f"{ticket.key} has an exclusion ({ticket.exclusion}): clear it "
                               f"to cover the ticket as {coverage.value}")  # fmt: skip
        if ticket.coverage == coverage.value:
            raise InvalidInput(f"{ticket.key} is {coverage.value} already")
        before = _state(ticket)
        ticket.coverage = coverage.value
        _write_down(session, desk, ticket, before, "coverage", note)
        return ticket


def contract_coverage(session: Session, desk: Desk, ticket: Ticket) -> Coverage:
    """What the ticket's contract gives on the day it was reported (in the desk's zone)."""
    contract = session.get(Contract, ticket.contract_id) if ticket.contract_id else None
    if contract is None:
        return Coverage.BILLABLE
    day = ticket.reported_at.astimezone(desk.zone).date()
    return coverage_on(day, starts_on=contract.starts_on, ends_on=contract.ends_on,
                       warranty_ends_on=contract.warranty_ends_on)  # fmt: skip


@dataclass(frozen=True)
class CoverageCounts:
    """A contract's tickets (cancelled ones left out) by coverage, and how many of them
    carry an exclusion."""

    by_coverage: dict[str, int] = field(default_factory=dict)
    excluded: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_coverage.values())


def coverage_counts(session: Session, contract_id: int) -> CoverageCounts:
    alive = (Ticket.contract_id == contract_id, Ticket.cancelled_at.is_(None))
    query = select(Ticket.coverage, func.count()).where(*alive).group_by(Ticket.coverage)
    counts = {coverage: count for coverage, count in session.execute(query)}
    excluded = session.scalar(
        select(func.count()).select_from(Ticket).where(*alive, Ticket.exclusion != "")
    )
    return CoverageCounts({c.value: counts.get(c.value, 0) for c in Coverage}, excluded or 0)


def coverage_text(coverage: str, exclusion: str = "") -> str:
    """`有偿服务 billable · 甲方人为因素 customer_damage`: for the work log and paperwork."""
    text = f"{COVERAGE_ZH.get(coverage, coverage)} {coverage}"
    if exclusion:
        text += f" · {EXCLUSION_ZH.get(exclusion, exclusion)} {exclusion}"
    return text


def _state(ticket: Ticket) -> dict[str, str]:
    return {"coverage": ticket.coverage, "exclusion": ticket.exclusion}


def _write_down(
    session: Session, desk: Desk, ticket: Ticket, before: dict[str, str], action: str, note: str
) -> None:
    """The audit entry, and a note in the work log (支持维护记录) that the paperwork shows."""
    now = desk.now()
    ticket.updated_at = now
    after = _state(ticket)
    text = f"保障类型 coverage: {coverage_text(ticket.coverage, ticket.exclusion)}"
    if before["coverage"] != after["coverage"]:
        text += f" (原 was {coverage_text(before['coverage'], before['exclusion'])})"
    if note:
        text += f"\n{note}"
    session.add(WorkLogEntry(ticket_id=ticket.id or 0, at=now, author=desk.actor, kind="note",
                             text=text))  # fmt: skip
    record(session, desk, "ticket", ticket.id, action,
           {"from": before["coverage"], "to": after["coverage"],
            "exclusion": after["exclusion"] or None, "note": note or None})  # fmt: skip


@contextmanager
def _editing(
    desk: Desk, ref: str | int, expected_version: int | None
) -> Iterator[tuple[Session, Ticket]]:
    """A write transaction on one ticket that refuses a stale edit, saying who changed it."""
    try:
        with desk.store.write() as session, session.no_autoflush:
            ticket = load_ticket(session, ref)
            if expected_version is not None and ticket.version != expected_version:
                change = last_change(session, "ticket", ticket.id)
                who = f" by {change.actor} at {desk.local(change.at)}" if change else ""
                raise Conflict(f"{ticket.key} was changed{who} (now version {ticket.version}):"
                               " reload and try again")  # fmt: skip
            yield session, ticket
    except StaleDataError:
        key = ticket_key(parse_ticket_ref(ref))
        raise Conflict(f"{key} was changed meanwhile: reload") from None
