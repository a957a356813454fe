"""A report's table: fixed-width columns under two-line headers, texts cut to fit
(CJK-safe), a column of width 0 takes what is left; optional columns are left out on a
narrow terminal. Rows come as cells already worded (`report_text`), the total row first:
it stays in view (a fixed row) while the groups scroll under it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import fit
from helpdesk_tui.tui.report_text import Cell, Column

NARROW = 100  # below this many columns the optional columns are left out
MIN_REST = 10
SCROLLBAR = 1
HEADER_LINES = 2


class ReportTable(DataTable):
    DEFAULT_CSS = """
    ReportTable { height: auto; max-height: 60%; scrollbar-size-vertical: 1; }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("j,down", "cursor_down", "Down", show=False, id="reports.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="reports.up"),
        Binding("g,home", "scroll_top", "Top", show=False, id="reports.top"),
        Binding("G,end", "scroll_bottom", "Bottom", show=False, id="reports.bottom"),
    ]

    def __init__(self, texts: Texts, columns: Sequence[Column], **kwargs) -> None:
        # no cursor: no key acts on a row, and a highlighted row would hide its colours
        super().__init__(cursor_type="none", cell_padding=0, zebra_stripes=True,
                         header_height=HEADER_LINES, **kwargs)  # fmt: skip
        self.texts = texts
        self.column_layout = list(columns)
        self.rows_shown: list[dict[str, Cell]] = []
        self.headers: dict[str, str] = {}  # a column's header other than the locale's
        self.loaded = False
        self._width = 0

    def show(self, rows: list[dict[str, Cell]], headers: dict[str, str] | None = None) -> None:
        self.rows_shown, self.headers, self.loaded = rows, headers or {}, True
        self._fill()

    def on_resize(self) -> None:
        if self.size.width != self._width and self.loaded:
            self._fill()

    def _widths(self) -> list[tuple[Column, int]]:
        narrow = self.size.width < NARROW
        columns = [c for c in self.column_layout if not (narrow and c.optional)]
        fixed = sum(column.width + 1 for column in columns if column.width)
        rest = max(self.size.width - SCROLLBAR - fixed - 1, MIN_REST)
        return [(column, column.width or rest) for column in columns]

    def _fill(self) -> None:
        self._width = self.size.width
        widths = self._widths()
        self.fixed_rows = 0  # Textual fails painting a fixed row a table does not have
        self.clear(columns=True)
        for column, width in widths:
            self.add_column(self._header(column, width), width=width + 1)
        for number, cells in enumerate(self.rows_shown):
            self.add_row(*(_cell(*cells[c.name], width, c.left) for c, width in widths),
                         key=str(number))  # fmt: skip
        self.fixed_rows = 1 if self.rows_shown else 0

    def _header(self, column: Column, width: int) -> Text:
        name = column.name
        header = self.headers.get(name) or self.texts(f"reports.col_{name}")
        lines = header.split("\n") if name != "number" else ["#"]
        lines = (["", *lines] if len(lines) < HEADER_LINES else lines)[-HEADER_LINES:]
        shown = [_aligned(line, width, column.left) + " " for line in lines]
        return Text("\n".join(shown), style="bold", no_wrap=True)


def _aligned(text: str, width: int, left: bool) -> str:
    """Cut or padded to `width` cells; figures (not `left`) padded before."""
    shown = fit(text, width)
    if left:
        return shown
    body = shown.rstrip(" ")
    return " " * (len(shown) - len(body)) + body


def _cell(text: str, style: str, width: int, left: bool) -> Text:
    cell = Text(no_wrap=True)
    cell.append(_aligned(text, width, left), style=style)
    cell.append(" ")
    return cell
