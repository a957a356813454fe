"""The live queue: a Line-API view that paints only the rows on screen.

It holds the ordered ticket ids of the whole queue and a cache of the rows it has
shown; rows are fetched a window at a time. Each second only the countdown columns
are repainted. Columns have fixed widths, chosen once per terminal width.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from helpdesk_tui.domain.sla import stored_states
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import fit, one_line
from helpdesk_tui.store.queue import QueueRow
from helpdesk_tui.tui.clock_text import SEVERITY_STYLE, countdown, state_style

PREFETCH = 60  # rows fetched beyond the visible window, above and below


@dataclass(frozen=True)
class Column:
    name: str
    width: int  # 0: takes what is left


# A one-cell mark comes first (a ticket with an open alert). The countdowns stand left, next
# to the key: they are what the desk reads first, and a terminal update of a region is
# sent from the line's start, so the per-second repaint of these columns costs a third of
# a line, not a whole one.
WIDE = (
    Column("mark", 1), Column("key", 8), Column("severity", 4),
    Column("response", 9), Column("fix", 9),
    Column("status", 8), Column("customer", 18), Column("title", 0), Column("assignee", 8),
)  # fmt: skip
MEDIUM = (
    Column("mark", 1), Column("key", 8), Column("severity", 4),
    Column("response", 9), Column("fix", 9),
    Column("status", 8), Column("customer", 14), Column("title", 0),
)  # fmt: skip
NARROW = (
    Column("mark", 1), Column("key", 8), Column("severity", 4),
    Column("response", 8), Column("fix", 8),
    Column("customer", 10), Column("title", 0),
)  # fmt: skip
COUNTDOWN_COLUMNS = ("response", "fix")
ALERT_MARK = "!"  # before the key of a ticket with an alert nobody acknowledged or snoozed
MIN_TITLE = 12


def layout_for(width: int) -> list[Column]:
    for columns in (WIDE, MEDIUM, NARROW):
        fixed = sum(c.width for c in columns) + len(columns)  # each cell ends in a space
        if width - fixed >= MIN_TITLE or columns is NARROW:
            title = max(width - fixed, MIN_TITLE)
            return [Column(c.name, c.width or title) for c in columns]
    raise AssertionError("unreachable")


class QueueTable(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    QueueTable { background: $surface; scrollbar-size-vertical: 0; overflow-x: hidden; }
    QueueTable:focus { background-tint: $foreground 3%; }
    """
    # No scrollbar: with 100 000 rows its thumb says nothing, and repainting it cost a
    # quarter of a page-down frame. The header says how many rows the queue holds.
    BINDINGS = [  # noqa: RUF012
        Binding("j,down", "cursor(1)", "Down", show=False, id="queue.down"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="queue.up"),
        Binding("g,home", "jump(0)", "Top", show=False, id="queue.top"),
        Binding("G,end", "jump(-1)", "Bottom", show=False, id="queue.bottom"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="queue.page_down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="queue.page_up"),
        Binding("enter", "open", "Open", id="queue.open"),
    ]

    class Highlighted(Message):
        def __init__(self, ticket_id: int | None) -> None:
            super().__init__()
            self.ticket_id = ticket_id

    class Opened(Message):
        def __init__(self, ticket_id: int) -> None:
            super().__init__()
            self.ticket_id = ticket_id

    def __init__(
        self,
        texts: Texts,
        fetch_rows: Callable[[list[int]], dict[int, QueueRow]],
        clock: Callable[[], datetime],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.texts = texts
        self._fetch_rows, self._clock = fetch_rows, clock
        self.ids: list[int] = []
        self.rows: dict[int, QueueRow] = {}
        self.cursor = 0
        self._columns = layout_for(80)
        self._row_width = _row_width(self._columns)
        self._fixed_cells: dict[tuple[int, int], dict[str, Segment]] = {}
        self._alerted: frozenset[int] = frozenset()
        self._now = clock()

    # -- data ---------------------------------------------------------------

    @property
    def current_id(self) -> int | None:
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    def show(self, ids: list[int], *, fresh_rows: bool = True) -> None:
        """Replace the queue; the cursor stays on the same ticket if it is still there."""
        keep = self.current_id
        self.ids = ids
        if fresh_rows:
            self.rows = {}
            self._fixed_cells = {}
        position = {ticket_id: index for index, ticket_id in enumerate(ids)}
        self.cursor = position.get(keep, min(self.cursor, max(len(ids) - 1, 0)))
        self.virtual_size = Size(self.size.width, len(ids) + 1)
        self._load_window()
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self.current_id))

    def mark_alerted(self, ticket_ids: set[int] | frozenset[int]) -> None:
        """Mark the rows of these tickets (they have an alert nobody acknowledged)."""
        alerted = frozenset(ticket_ids)
        if alerted != self._alerted:
            self._alerted = alerted
            self.refresh(Region(0, 1, 2, self.size.height))  # only the mark column

    def is_alerted(self, ticket_id: int) -> bool:
        return ticket_id in self._alerted

    def _window(self) -> range:
        top = int(self.scroll_y)
        start = max(top - PREFETCH, 0)
        return range(start, min(top + self.size.height + PREFETCH, len(self.ids)))

    def _load_window(self) -> None:
        window = self._window()
        visible = range(int(self.scroll_y), int(self.scroll_y) + self.size.height)
        if all(self.ids[i] in self.rows for i in visible if i < len(self.ids)):
            return
        missing = [self.ids[i] for i in window if self.ids[i] not in self.rows]
        self.rows.update(self._fetch_rows(missing))

    # -- painting -----------------------------------------------------------

    def on_resize(self) -> None:
        self._columns = layout_for(self.size.width)
        self._row_width = _row_width(self._columns)
        self._fixed_cells = {}
        self.virtual_size = Size(self.size.width, len(self.ids) + 1)
        self._load_window()
        self._scroll_to_cursor()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.ids:
            self._load_window()

    def tick(self) -> None:
        """Called every second: repaint only the countdown columns."""
        self._now = self._clock()
        x = 0
        for column in self._columns:
            if column.name in COUNTDOWN_COLUMNS:
                self.refresh(Region(x, 1, column.width + 1, self.size.height))
            x += column.width + 1

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return self._header(width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.ids):
            if index == 0:
                return Strip([Segment(fit(self.texts("queue.empty"), width), Style(dim=True))])
            return Strip.blank(width)
        row = self.rows.get(self.ids[index])
        if row is None:
            return Strip([Segment(fit("…", width))])
        cells = self._cells(row)
        if index == self.cursor:
            cursor = _cursor_style(self.has_focus)
            cells = [Segment(cell.text, cursor + cell.style) for cell in cells]
        return _exact_strip(cells, width, self._row_width)

    def _header(self, width: int) -> Strip:
        style = Style(bold=True, underline=True)
        segments = []
        for column in self._columns:
            label = "" if column.name == "mark" else self.texts(f"column.{column.name}")
            segments.append(Segment(fit(label, column.width), style))
            segments.append(Segment(" "))
        return Strip(segments).crop_extend(0, width, None)

    def _cells(self, row: QueueRow) -> list[Segment]:
        """One segment per cell, the separating space included (half the segments to
        compose per line); the cells that do not tick are made once per row version."""
        fixed = self._fixed_cells.get((row.id, row.version))
        if fixed is None:
            fixed = self._fixed_cells[row.id, row.version] = self._make_fixed_cells(row)
        live = self._countdown_cells(row)
        live["mark"] = _MARKED if row.id in self._alerted else _UNMARKED
        return [live.get(column.name) or fixed[column.name] for column in self._columns]

    def _make_fixed_cells(self, row: QueueRow) -> dict[str, Segment]:
        values = {
            "key": (row.key, ""),
            "severity": (self.texts.severity(row.severity), SEVERITY_STYLE[row.severity]),
            "status": (self.texts.status(row.status), "dim" if row.status == "waiting" else ""),
            "customer": (one_line(row.customer), ""),
            "title": (one_line(row.title), ""),
            "assignee": (one_line(row.assignee or self.texts("queue.unassigned")), ""),
        }
        return {
            column.name: _cell(*values[column.name], column)
            for column in self._columns
            if column.name in values
        }

    def _countdown_cells(self, row: QueueRow) -> dict[str, Segment]:
        now = self._now
        response, fix = stored_states(row, now)
        widths = {column.name: column for column in self._columns}
        return {
            "response": _cell(
                countdown(response, row.response_due_at, now),
                state_style(response, row.response_due_at, now, _window(row, row.response_due_at)),
                widths["response"],
            ),
            "fix": _cell(
                countdown(fix, row.resolve_due_at, now, _remaining(row)),
                state_style(fix, row.resolve_due_at, now, _window(row, row.resolve_due_at)),
                widths["fix"],
            ),
        }

    # -- keys ---------------------------------------------------------------

    def _scroll_to_cursor(self) -> None:
        rows_visible = max(self.size.height - 1, 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows_visible:
            self.scroll_to(y=self.cursor - rows_visible + 1, animate=False, immediate=True)

    def _move_to(self, index: int) -> None:
        if not self.ids:
            return
        old = self.cursor
        self.cursor = max(0, min(index, len(self.ids) - 1))
        self._scroll_to_cursor()
        self._load_window()
        top = int(self.scroll_y)
        for line in (old, self.cursor):
            self.refresh(Region(0, line - top + 1, self.size.width, 1))
        if old != self.cursor:
            self.post_message(self.Highlighted(self.current_id))

    def action_cursor(self, step: int) -> None:
        self._move_to(self.cursor + step)

    def action_jump(self, where: int) -> None:
        self._move_to(where if where >= 0 else len(self.ids) - 1)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * max(self.size.height - 2, 1))

    def action_open(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Opened(self.current_id))

    def on_click(self, event) -> None:
        index = int(self.scroll_y) + event.y - 1
        if event.y >= 1 and index < len(self.ids):
            self._move_to(index)
            if event.chain == 2:
                self.action_open()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


def _cell(text: str, style: str, column: Column) -> Segment:
    return Segment(fit(text, column.width) + " ", _cell_style(style, column.name))


@lru_cache(maxsize=256)
def _cell_style(style: str, column: str) -> Style:
    # The column name as meta keeps neighbouring cells apart: renderers that merge equal
    # styles (SVG export) would otherwise lay CJK text out by font, not by cell.
    return Style.parse(style) + Style(meta={"column": column})


_MARK = Column("mark", 1)
_MARKED = _cell(ALERT_MARK, "bold #ff5f5f", _MARK)
_UNMARKED = _cell("", "", _MARK)


def _row_width(columns: list[Column]) -> int:
    return sum(column.width + 1 for column in columns)  # each cell carries its space


def _exact_strip(cells: list[Segment], width: int, row_width: int) -> Strip:
    """A row strip built once, with its length given (Strip would otherwise measure it
    and crop_extend would make two more strips per line)."""
    if row_width == width:
        return Strip(cells, width)
    if row_width < width:
        return Strip([*cells, Segment(" " * (width - row_width))], width)
    return Strip(cells, row_width).crop(0, width)


@lru_cache(maxsize=2)
def _cursor_style(focused: bool) -> Style:
    return Style(reverse=focused, bgcolor="grey23", bold=True)


def _window(row: QueueRow, due: datetime | None) -> timedelta:
    return due - row.reported_at if due is not None else timedelta(0)


def _remaining(row: QueueRow) -> timedelta | None:
    if row.fix_remaining_seconds is None:
        return None
    return timedelta(seconds=abs(row.fix_remaining_seconds))
