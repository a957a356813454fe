"""The health cards in a grid that reflows with the terminal: one column at 80 columns,
two at 120, more on a wall.

One widget draws the cards that fit, line by line (the Line API), from strips cached per
card: moving the cursor redraws two cards, scrolling draws only the cards that come into
view, so 200 servers cost what a screenful does. (A widget per card, sparklines and texts
each a widget, took 150 ms a key at 120x36 and 400 ms on a wall.)
"""

from __future__ import annotations

from datetime import datetime

from textual.binding import Binding
from textual.events import Click, MouseScrollDown, MouseScrollUp
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from helpdesk_tui.i18n import Texts
from helpdesk_tui.services.health_board import ServerCard
from helpdesk_tui.tui.card_render import CARD_HEIGHT, card_strips
from helpdesk_tui.tui.health_text import age

CARD_MIN_WIDTH = 56  # the peaks and a sparkline still fit
GUTTER = 1


class CardGrid(Widget, can_focus=True):
    DEFAULT_CSS = """
    CardGrid { height: 1fr; }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("j,down", "move_row(1)", "Down", show=False, id="health.down"),
        Binding("k,up", "move_row(-1)", "Up", show=False, id="health.up"),
        Binding("l,right", "move(1)", "Next", show=False, id="health.next"),
        Binding("h,left", "move(-1)", "Previous", show=False, id="health.previous"),
        Binding("g,home", "first", "Top", show=False, id="health.top"),
        Binding("G,end", "last", "Bottom", show=False, id="health.bottom"),
        Binding("pagedown,space", "page(1)", "Page down", show=False, id="health.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="health.page_up"),
        Binding("enter", "open", "Open", id="health.open"),
    ]

    class Opened(Message):
        def __init__(self, card: ServerCard) -> None:
            super().__init__()
            self.card = card

    class Moved(Message):
        """The cursor or the cards changed: the position in the header may have."""

    def __init__(self, texts: Texts, **kwargs) -> None:
        super().__init__(**kwargs)
        self.texts = texts
        self.cards: list[ServerCard] = []
        self.cursor = 0
        self.top = 0  # the first card shown; always the first of a row
        self.columns = self.rows = 1
        self.now: datetime | None = None
        self._drawn: dict[tuple[int, bool], list[Strip]] = {}  # (card index, selected)
        self._ages: dict[int, str] = {}  # what each drawn card says of its age

    # -- what the screen calls ------------------------------------------------

    def show(self, cards: list[ServerCard], now: datetime) -> None:
        """New cards; the cursor stays on the same server if it is still there."""
        current = self.current
        self.cards, self.now = cards, now
        ids = [card.server_id for card in cards]
        if current is not None and current.server_id in ids:
            self.cursor = ids.index(current.server_id)
        self.cursor = min(self.cursor, max(len(cards) - 1, 0))
        self._forget()
        self._reveal_cursor()
        self._changed()

    @property
    def current(self) -> ServerCard | None:
        return self.cards[self.cursor] if 0 <= self.cursor < len(self.cards) else None

    @property
    def shown(self) -> tuple[int, int]:
        """The range of cards on screen, [first, last)."""
        return self.top, min(self.top + self.columns * self.rows, len(self.cards))

    def visible_cards(self) -> list[ServerCard]:
        first, last = self.shown
        return self.cards[first:last]

    @property
    def cards_drawn(self) -> int:
        """How many card drawings are kept (a screenful, give or take the cursor's)."""
        return len(self._drawn)

    def tick(self, now: datetime) -> None:
        """Ages move with the clock: redraw the cards whose age now reads differently."""
        self.now = now
        first, last = self.shown
        stale = [i for i in range(first, last) if i in self._ages and self._ages[i] != self._age(i)]
        if stale:
            for index in stale:
                self._forget(index)
            self.refresh()

    # -- layout ---------------------------------------------------------------

    @property
    def card_width(self) -> int:
        return (self.size.width - GUTTER * (self.columns - 1)) // self.columns

    def on_resize(self) -> None:
        self.columns = max(1, (self.size.width + GUTTER) // (CARD_MIN_WIDTH + GUTTER))
        self.rows = max(1, self.size.height // CARD_HEIGHT)
        self._forget()
        self._reveal_cursor()
        self._changed()

    def _reveal_cursor(self) -> None:
        row, top_row = self.cursor // self.columns, self.top // self.columns
        if row < top_row:
            top_row = row
        elif row >= top_row + self.rows:
            top_row = row - self.rows + 1
        last_row = max((len(self.cards) - 1) // self.columns, 0)
        top_row = max(min(top_row, last_row - self.rows + 1), 0)
        self.top = top_row * self.columns

    def _changed(self) -> None:
        self.refresh()
        self.post_message(self.Moved())

    # -- drawing --------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        row, line = divmod(y, CARD_HEIGHT)
        if row >= self.rows or self.now is None:
            return Strip.blank(width, self.rich_style)
        parts: list[Strip] = []
        for column in range(self.columns):
            index = self.top + row * self.columns + column
            if index >= len(self.cards):
                break
            if column:
                parts.append(Strip.blank(GUTTER, self.rich_style))
            parts.append(self._card(index)[line])
        return Strip.join(parts).crop_extend(0, width, self.rich_style)

    def _card(self, index: int) -> list[Strip]:
        key = (index, index == self.cursor)
        drawn = self._drawn.get(key)
        if drawn is None:
            assert self.now is not None
            card = self.cards[index]
            drawn = card_strips(self.texts, card, self.now, self.card_width, key[1])
            self._drawn[key] = drawn
            self._ages[index] = self._age(index)
        return drawn

    def _age(self, index: int) -> str:
        assert self.now is not None
        return age(self.texts, self.cards[index].collected_at, self.now)[0]

    def _forget(self, index: int | None = None) -> None:
        if index is None:
            self._drawn.clear()
            self._ages.clear()
        else:
            self._drawn.pop((index, False), None)
            self._drawn.pop((index, True), None)

    # -- keys -----------------------------------------------------------------

    def move_to(self, index: int) -> None:
        if not self.cards:
            return
        before, top = self.cursor, self.top
        self.cursor = min(max(index, 0), len(self.cards) - 1)
        self._drawn.pop((before, True), None)  # each card is kept drawn one way only
        self._drawn.pop((self.cursor, False), None)
        self._reveal_cursor()
        first, last = self.shown
        self._drawn = {key: strips for key, strips in self._drawn.items()
                       if first <= key[0] < last}  # fmt: skip
        if self.top == top:  # only two cards look different: repaint just their rows
            self.refresh(self._row_region(before), self._row_region(self.cursor))
            self.post_message(self.Moved())
        else:
            self._changed()

    def _row_region(self, index: int) -> Region:
        row = (index - self.top) // self.columns
        return Region(0, row * CARD_HEIGHT, self.size.width, CARD_HEIGHT)

    def action_move(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_move_row(self, step: int) -> None:
        self.move_to(self.cursor + step * self.columns)

    def action_page(self, step: int) -> None:
        self.move_to(self.cursor + step * self.columns * self.rows)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.cards) - 1)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current))

    # -- mouse ------------------------------------------------------------------

    def on_click(self, event: Click) -> None:
        row = event.y // CARD_HEIGHT
        column = event.x // (self.card_width + GUTTER)
        if row >= self.rows or column >= self.columns:
            return
        index = self.top + row * self.columns + column
        if index >= len(self.cards):
            return
        if index == self.cursor:
            self.action_open()
        else:
            self.move_to(index)

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        self.action_move_row(1)

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        self.action_move_row(-1)
