"""The list of contracts: a maintenance-style table (fixed widths, CJK-safe cuts, the
cursor kept on its row across reloads) with the contracts screen's own column names."""

from __future__ import annotations

from textual.binding import Binding

from helpdesk_tui.i18n import Texts
from helpdesk_tui.tui.contract_reads import ContractListRow
from helpdesk_tui.tui.contract_text import CONTRACT_COLUMNS, contract_cells
from helpdesk_tui.tui.widgets.maintenance_table import MaintenanceTable


class ContractTable(MaintenanceTable):
    TITLES = "contracts"
    DEFAULT_CSS = """
    ContractTable { height: 1fr; scrollbar-size-vertical: 1; }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("j,down", "cursor_down", "Down", show=False, id="contracts.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="contracts.up"),
        Binding("g,home", "scroll_top", "Top", show=False, id="contracts.top"),
        Binding("G,end", "scroll_bottom", "Bottom", show=False, id="contracts.bottom"),
    ]

    def __init__(self, texts: Texts, **kwargs) -> None:
        super().__init__(texts, CONTRACT_COLUMNS, lambda row: contract_cells(texts, row),
                         _key_of, **kwargs)  # fmt: skip


def _key_of(row: ContractListRow) -> int:
    return row.contract_id
