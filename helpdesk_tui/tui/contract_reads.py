"""What the contracts screen reads: each function is one short read-only transaction
through the services' read functions. Call them in a worker thread, never on the UI loop."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.services.contract_overview import (
    ContractOverview,
    contract_overview,
    owed_this_year,
)
from helpdesk_tui.services.contracts import ContractRow, list_contracts
from helpdesk_tui.services.desk import Desk


@dataclass(frozen=True)
class ContractListRow:
    row: ContractRow
    owed_this_year_fen: int | None  # None: not worked out yet

    @property
    def contract_id(self) -> int:
        return self.row.contract.id or 0


def read_contracts(desk: Desk, owed: dict[int, int] | None = None) -> list[ContractListRow]:
    """Soonest renewal first, with what each owes in penalties this year if `owed` (from
    `read_owed`) is known."""
    today = desk.now().astimezone(desk.zone).date()
    with desk.store.read() as session:
        rows = list_contracts(session, today)
    return [with_owed(ContractListRow(row, None), owed) for row in rows]


def read_owed(desk: Desk) -> dict[int, int]:
    """Per contract id, the penalties owed this year: every breach of the contract's tickets
    is priced (the cap is shared by its whole term), so this is the slow read."""
    with desk.store.read() as session:
        return owed_this_year(session, desk)


def with_owed(row: ContractListRow, owed: dict[int, int] | None) -> ContractListRow:
    return ContractListRow(row.row, None if owed is None else owed.get(row.contract_id, 0))


def read_overview(desk: Desk, contract_id: int) -> ContractOverview | None:
    """None when the contract is gone."""
    with desk.store.read() as session:
        try:
            return contract_overview(session, desk, contract_id)
        except NotFound:
            return None
