"""Server health (key 5, 技术维保服务 · 监控服务): one card per monitored server, worst
first, in a grid that reflows with the terminal.

The collector writes samples in the background (another process, or this console's
scheduler); this screen only reads: every few seconds and whenever the data changes, in
a worker. `f` keeps the servers with a problem, `/` filters by server, customer or role,
`enter` opens a server's detail, `r` reads again now, `esc` clears the filter (or goes
back to the queue).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from time import monotonic

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from helpdesk_tui.domain.health import ServiceState
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.health_board import ServerCard
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.health_text import STATUS_RANK, has_problem, status_badge, worst_first
from helpdesk_tui.tui.maintenance_reads import read_board, read_services
from helpdesk_tui.tui.widgets.card_grid import CardGrid
from helpdesk_tui.tui.widgets.key_bar import KeyBar

REFRESH_EVERY = 5.0  # seconds: the collector's rounds are a minute apart; ages move too
CHANGES_AT_MOST_EVERY = 2.0  # seconds: a busy desk's ticket edits need not re-read servers

BoardReader = Callable[[Desk], list[ServerCard]]
ServicesReader = Callable[[Desk, int], tuple[ServiceState, ...]]


def matches(card: ServerCard, words: list[str]) -> bool:
    """Every word is part of the server's name, customer or role (case-insensitive)."""
    haystack = f"{card.name} {card.customer} {card.role}".casefold()
    return all(word.casefold() in haystack for word in words)


class HealthScreen(Screen):
    BINDINGS = [  # noqa: RUF012
        Binding("f", "problems", "Problems", id="health.problems"),
        Binding("/", "filter", "Filter", id="health.filter"),
        Binding("r", "refresh", "Refresh", id="health.refresh"),
        Binding("escape", "back", "Back", id="health.back"),
    ]

    def __init__(
        self, read: BoardReader = read_board, read_units: ServicesReader = read_services
    ) -> None:
        """`read` gives the cards, `read_units` a server's services (tests hand in their
        own)."""
        super().__init__()
        self._read, self._read_units = read, read_units
        self.cards: list[ServerCard] = []  # all, as read
        self.only_problems = False
        self.words: list[str] = []
        self.loaded = False
        self._read_at = 0.0  # monotonic: when the last read started

    def compose(self) -> ComposeResult:
        yield Static(id="health-header")
        yield Static(id="health-empty")
        yield CardGrid(self.app.texts, id="health-grid")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(CardGrid).focus()
        self._paint_header()
        self.reload()
        self.set_interval(REFRESH_EVERY, self.reload)

    # -- data ---------------------------------------------------------------

    def reload(self) -> None:
        self._read_at = monotonic()
        self._load()

    def data_changed(self) -> None:
        if monotonic() - self._read_at >= CHANGES_AT_MOST_EVERY:
            self.reload()

    @work(thread=True, exclusive=True, group="health-board", exit_on_error=False)
    def _load(self) -> None:
        app = self.app
        try:
            cards = self._read(app.desk)
        except Exception as error:  # keep showing what we had; say why it is not fresh
            app.call_from_thread(app.report_fault, error)
            return
        app.call_from_thread(self._show, cards)

    def _show(self, cards: list[ServerCard]) -> None:
        if not self.is_attached:
            return
        self.cards, self.loaded = worst_first(cards), True
        self._paint()

    @property
    def shown_cards(self) -> list[ServerCard]:
        now = self.app.desk.now()
        return [
            card
            for card in self.cards
            if (not self.only_problems or has_problem(card, now)) and matches(card, self.words)
        ]

    # -- painting -----------------------------------------------------------

    def _paint(self) -> None:
        shown = self.shown_cards
        self.query_one(CardGrid).show(shown, self.app.desk.now())
        empty = self.query_one("#health-empty", Static)
        empty.display = self.loaded and not shown
        t = self.app.texts
        empty.update(Text(t("health.empty" if not self.cards else "health.none_match"), "dim"))
        self._paint_header()

    def _paint_header(self) -> None:
        t = self.app.texts
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append(f" {t('health.title')} ", style="bold reverse")
        if not self.loaded:
            gap(header, "  ")
            header.append(t("workspace.loading"), style="dim")
        counts = Counter(card.status for card in self.cards)
        for status in sorted(counts, key=lambda s: STATUS_RANK.get(s, len(STATUS_RANK))):
            gap(header, "  ")
            header.append_text(status_badge(t, status))
            header.append(f" {counts[status]}", style="bold")
        grid = self.query_one(CardGrid)
        if grid.cards:
            first, last = grid.shown
            gap(header, "   ")
            header.append(t("health.position", first=first + 1, last=last,
                            total=len(grid.cards)), style="dim")  # fmt: skip
        if self.only_problems:
            gap(header, "   ")
            header.append(t("health.only_problems"), style="italic")
        if self.words:
            gap(header, "   ")
            header.append(t("health.filtered", text=one_line(" ".join(self.words), 40)), "italic")
        self.query_one("#health-header", Static).update(header)

    def on_card_grid_moved(self, message: CardGrid.Moved) -> None:
        self._paint_header()

    def tick(self) -> None:
        self.query_one(CardGrid).tick(self.app.desk.now())

    # -- keys ---------------------------------------------------------------

    def action_problems(self) -> None:
        self.only_problems = not self.only_problems
        self._paint()

    def action_filter(self) -> None:
        from helpdesk_tui.tui.screens.forms import Field, FormScreen

        t = self.app.texts
        field = Field("text", t("health.filter_field"), default=" ".join(self.words))
        form = FormScreen(t("health.filter_title"), [field], t("form.submit_hint"))

        def apply(values: dict | None) -> None:
            if values is not None:
                self.words = values["text"].split()
                self._paint()

        self.app.push_screen(form, apply)

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        if self.only_problems or self.words:
            self.only_problems, self.words = False, []
            self._paint()
        else:
            self.app.action_switch("queue")

    def on_card_grid_opened(self, message: CardGrid.Opened) -> None:
        from helpdesk_tui.tui.screens.server_detail import ServerDetailScreen

        self.app.push_screen(ServerDetailScreen(message.card, self._read, self._read_units))
