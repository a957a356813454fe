"""A maintenance list (backup plans, renewals, recovery plans, patches): fixed-width
columns, texts cut to fit (CJK-safe), the last column takes what is left. Its cursor is
the row the tab's keys act on; the cursor stays on its row across reloads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import fit
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.maintenance_text import MIN_REST, NARROW, Cell, Column

SCROLLBAR = 1


class MaintenanceTable(DataTable):
    TITLES = "maintenance"  # the locale section of the column titles (`col_NAME`)

    DEFAULT_CSS = """
    MaintenanceTable { height: 1fr; scrollbar-size-vertical: 1; }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("j,down", "cursor_down", "Down", show=False, id="maintenance.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="maintenance.up"),
        Binding("g,home", "scroll_top", "Top", show=False, id="maintenance.top"),
        Binding("G,end", "scroll_bottom", "Bottom", show=False, id="maintenance.bottom"),
    ]

    def __init__(
        self,
        texts: Texts,
        columns: Sequence[Column],
        cells_of: Callable[[Any], dict[str, Cell]],
        key_of: Callable[[Any], int],
        **kwargs,
    ) -> None:
        super().__init__(cursor_type="row", cell_padding=0, zebra_stripes=False, **kwargs)
        self.texts = texts
        self.column_layout = list(columns)
        self.cells_of, self.key_of = cells_of, key_of
        self.rows_shown: list[Any] = []
        self.loaded = False
        self._width = 0

    def show(self, rows: list[Any]) -> None:
        current = self.current
        self.rows_shown, self.loaded = rows, True
        self._fill(self.key_of(current) if current is not None else None)

    @property
    def current(self) -> Any | None:
        row = self.cursor_row
        return self.rows_shown[row] if 0 <= row < len(self.rows_shown) else None

    def on_resize(self) -> None:
        if self.size.width != self._width and self.loaded:
            current = self.current
            self._fill(self.key_of(current) if current is not None else None)

    def _widths(self) -> list[tuple[Column, int]]:
        narrow = self.size.width < NARROW
        columns = [c for c in self.column_layout if not (narrow and c.optional)]
        fixed = sum(column.width + 1 for column in columns if column.width)
        rest = max(self.size.width - SCROLLBAR - fixed - 1, MIN_REST)
        return [(column, column.width or rest) for column in columns]

    def _fill(self, keep_key: int | None) -> None:
        t = self.texts
        self._width = self.size.width
        widths = self._widths()
        self.clear(columns=True)
        for column, width in widths:
            label = t(f"{self.TITLES}.col_{column.name}") if column.name != "mark" else ""
            self.add_column(_cell(label, "bold", width), width=width + 1)
        for row in self.rows_shown:
            cells = self.cells_of(row)
            key = str(self.key_of(row))
            self.add_row(*(_cell(*cells[c.name], width) for c, width in widths), key=key)
        keys = [self.key_of(row) for row in self.rows_shown]
        if keep_key in keys:
            self.move_cursor(row=keys.index(keep_key), animate=False)
        if self.size.width != self._width and self.loaded:  # resized while filling
            current = self.current
            self._fill(self.key_of(current) if current is not None else None)


def _cell(text: str, style: str, width: int) -> Text:
    cell = Text()
    cell.append(fit(text, width), style=style)
    gap(cell)
    return cell
