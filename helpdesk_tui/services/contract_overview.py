"""A contract seen whole, for `helpdesk contract show` and the contracts screen: its terms
and renewal state, the SLA targets its tickets run under, what it owes for broken
promises month by month, and its tickets by coverage. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from helpdesk_tui.domain.penalties import Month, MonthStatement, PenaltyTerms
from helpdesk_tui.domain.severity import Severity, SlaTargets
from helpdesk_tui.services.contracts import ContractRow, contract_policy, contract_row
from helpdesk_tui.services.coverage import CoverageCounts, coverage_counts
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.penalties import penalties

MONTHS_SHOWN = 12


@dataclass(frozen=True)
class ContractOverview:
    row: ContractRow
    targets: dict[Severity, SlaTargets]
    terms: PenaltyTerms
    months: list[MonthStatement]  # the last MONTHS_SHOWN months, oldest first, none left out
    coverage: CoverageCounts

    @property
    def owed_fen(self) -> int:
        return sum(month.owed_fen for month in self.months)


def contract_overview(session: Session, desk: Desk, ref: str | int) -> ContractOverview:
    today = desk.now().astimezone(desk.zone).date()
    row = contract_row(session, ref, today)
    contract = row.contract
    policy = contract_policy(desk, contract.sla_policy or "")
    first, last = months_back(today, MONTHS_SHOWN)
    report = penalties(session, desk, first, last, str(contract.id))
    owed = next(entry for entry in report if entry.contract.id == contract.id)
    by_month = {statement.month: statement for statement in owed.months}
    months = [by_month.get(month) or MonthStatement(month, (), 0, 0)
              for month in month_range(first, last)]  # fmt: skip
    return ContractOverview(row, dict(policy.targets), owed.terms, months,
                            coverage_counts(session, contract.id or 0))  # fmt: skip


def owed_this_year(session: Session, desk: Desk) -> dict[int, int]:
    """Per contract id, the penalties owed for the months of this year so far (fen)."""
    today = desk.now().astimezone(desk.zone).date()
    report = penalties(session, desk, date(today.year, 1, 1), today.replace(day=1))
    return {entry.contract.id or 0: entry.owed_fen for entry in report}


def months_back(today: date, count: int) -> tuple[date, date]:
    """The first days of the month `count - 1` months ago and of this month."""
    index = today.year * 12 + today.month - 1 - (count - 1)
    return date(index // 12, index % 12 + 1, 1), today.replace(day=1)


def month_range(first: date, last: date) -> list[Month]:
    months: list[Month] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
