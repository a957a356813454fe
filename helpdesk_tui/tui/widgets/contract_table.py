"""The list of contracts: a maintenance-style table (fixed widths, CJK-safe cuts, the
cursor kept on its row across reloads) with the contracts screen's own column names."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import fit
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.contract_reads import ContractListRow
from helpdesk_tui.tui.contract_text import CONTRACT_COLUMNS, contract_cells
from helpdesk_tui.tui.widgets.maintenance_table import MaintenanceTable


class ContractTable(MaintenanceTable):
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

    def _fill(self, keep_key: int | None) -> None:
        t = self.texts
        self._width = self.size.width
        widths = self._widths()
        self.clear(columns=True)
        for column, width in widths:
            label = t(f"contracts.col_{column.name}") if column.name != "mark" else ""
            self.add_column(_cell(label, "bold", width), width=width + 1)
        for row in self.rows_shown:
            cells = self.cells_of(row)
            self.add_row(*(_cell(*cells[c.name], width) for c, width in widths),
                         key=str(self.key_of(row)))  # fmt: skip
        keys = [self.key_of(row) for row in self.rows_shown]
        if keep_key in keys:
            self.move_cursor(row=keys.index(keep_key), animate=False)


def _key_of(row: ContractListRow) -> int:
    return row.contract_id


def _cell(text: str, style: str, width: int) -> Text:
    cell = Text()
    cell.append(fit(text, width), style=style)
    gap(cell)
    return cell
