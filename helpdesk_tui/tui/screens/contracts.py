"""Contracts (key 7, 维保合同): every contract with its period, warranty, price, calendar,
renewal (days left coloured by warning step) and the penalties it owes this year; below,
the contract under the cursor: its terms, SLA targets per severity, its tickets by
coverage, and the penalties of the last 12 months (charged, over the cap, owed).

`n` a new contract, `e` edits the selected one, `/` filters by number or customer. The
list is read in a worker every few minutes and whenever something changes; the detail
whenever the cursor moves.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.contract_overview import ContractOverview
from helpdesk_tui.store.models import Contract
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.contract_actions import CONTRACT_BINDINGS, ContractActions
from helpdesk_tui.tui.contract_reads import (
    ContractListRow,
    read_contracts,
    read_overview,
    read_owed,
    with_owed,
)
from helpdesk_tui.tui.contract_text import (
    OWED_STYLE,
    attention_count,
    penalties_view,
    terms_view,
)
from helpdesk_tui.tui.maintenance_text import DUE_STYLE, OK_STYLE
from helpdesk_tui.tui.widgets.contract_table import ContractTable
from helpdesk_tui.tui.widgets.key_bar import KeyBar

REFRESH_EVERY = 300.0  # seconds: days left move with the date


class ContractPane(VerticalScroll, inherit_bindings=False):
    BINDINGS = [  # noqa: RUF012
        Binding("j,down", "scroll_down", "Down", show=False, id="contracts.detail.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="contracts.detail.up"),
    ]


class ContractsScreen(ContractActions, Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012

    DEFAULT_CSS = """
    ContractsScreen { layout: vertical; }
    ContractsScreen #contracts-header {
        height: 1; background: $panel; text-wrap: nowrap; text-overflow: ellipsis;
    }
    ContractsScreen #contracts-table { height: 1fr; }
    ContractsScreen #contracts-detail { height: 1fr; }
    ContractsScreen .contracts-pane {
        width: 1fr; height: 1fr; padding: 0 1;
        border: round $primary 40%; border-title-color: $text-muted;
    }
    ContractsScreen .contracts-pane:focus { border: round $accent; }

    /* Narrow terminals: the two panes stack, and the focused one takes the room. */
    ContractsScreen.-narrow #contracts-detail { layout: vertical; }
    ContractsScreen.-narrow .contracts-pane { width: 1fr; height: 5; }
    ContractsScreen.-narrow .contracts-pane:focus { height: 1fr; }
    ContractsScreen.-narrow #contracts-detail:focus-within { height: 3fr; }
    """
    BINDINGS = [  # noqa: RUF012
        *CONTRACT_BINDINGS,
        Binding("slash", "filter", "Filter", id="contracts.filter"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="contracts.next_pane"),
        Binding(
            "shift+tab",
            "app.focus_previous",
            "Previous pane",
            show=False,
            id="contracts.previous_pane",
        ),
        Binding("escape", "back", "Back", id="contracts.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ContractListRow] = []
        self.overview: ContractOverview | None = None
        self.loaded = False
        self.filter_text = ""
        self.owed: dict[int, int] | None = None  # penalties this year, per contract id
        self.owed_loaded = False
        self._owed_running = False
        self._owed_again = False  # something changed while the penalties were worked out
        self._detail_loads = 0

    def compose(self) -> ComposeResult:
        yield Static(id="contracts-header")
        yield ContractTable(self.app.texts, id="contracts-table")
        with Horizontal(id="contracts-detail"):
            with ContractPane(id="contracts-terms", classes="contracts-pane"):
                yield Static(id="contracts-terms-text")
            with ContractPane(id="contracts-penalties", classes="contracts-pane"):
                yield Static(id="contracts-penalties-text")
        yield KeyBar()

    def on_mount(self) -> None:
        t = self.app.texts
        self.query_one("#contracts-terms").border_title = t("contracts.terms_title")
        self.query_one("#contracts-penalties").border_title = t("contracts.penalties_title")
        self._paint_header()
        self.table.focus()
        self.reload()
        self.set_interval(REFRESH_EVERY, self.reload)

    @property
    def table(self) -> ContractTable:
        return self.query_one("#contracts-table", ContractTable)

    # -- data ---------------------------------------------------------------

    def reload(self) -> None:
        self._load()
        self._want_owed()

    def data_changed(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="contracts", exit_on_error=False)
    def _load(self) -> None:
        app = self.app
        try:
            rows = read_contracts(app.desk, self.owed)
        except Exception as error:  # keep showing what we had; say why it is not fresh
            app.call_from_thread(app.report_fault, error)
            return
        app.call_from_thread(self._show, rows)

    def _want_owed(self) -> None:
        """Pricing every breach is slow on a big desk: one run at a time, and one more
        after it when something changed meanwhile."""
        if self._owed_running:
            self._owed_again = True
            return
        self._owed_running = True
        self._read_owed()

    @work(thread=True, group="contract-owed", exit_on_error=False)
    def _read_owed(self) -> None:
        app = self.app
        try:
            owed = read_owed(app.desk)
        except Exception as error:
            app.call_from_thread(app.report_fault, error)
            owed = None
        app.call_from_thread(self._owed_read, owed)

    def _owed_read(self, owed: dict[int, int] | None) -> None:
        self._owed_running = False
        if not self.is_attached:
            return
        if owed is not None:
            self.owed, self.owed_loaded = owed, True
            self._show([with_owed(row, owed) for row in self.rows], detail=False)
        if self._owed_again:
            self._owed_again = False
            self._want_owed()

    def _show(self, rows: list[ContractListRow], *, detail: bool = True) -> None:
        if not self.is_attached:
            return
        self.rows, self.loaded = rows, True
        self.table.show(self._filtered())
        self._paint_header()
        if detail:
            self._load_detail()

    def _filtered(self) -> list[ContractListRow]:
        wanted = self.filter_text.casefold()
        if not wanted:
            return self.rows
        return [row for row in self.rows
                if wanted in row.row.contract.number.casefold()
                or wanted in row.row.customer.casefold()]  # fmt: skip

    def _load_detail(self) -> None:
        current: ContractListRow | None = self.table.current
        self._detail_loads += 1
        if current is None:
            self._paint_detail(None)
            return
        self._read_detail(self._detail_loads, current.contract_id)

    @work(thread=True, exclusive=True, group="contract-detail", exit_on_error=False)
    def _read_detail(self, load: int, contract_id: int) -> None:
        app = self.app
        try:
            overview = read_overview(app.desk, contract_id)
        except Exception as error:
            app.call_from_thread(app.report_fault, error)
            return
        app.call_from_thread(self._detail_read, load, overview)

    def _detail_read(self, load: int, overview: ContractOverview | None) -> None:
        if load == self._detail_loads and self.is_attached:
            self._paint_detail(overview)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        overview = self.overview
        current = self.table.current
        if (
            current is not None
            and overview is not None
            and (overview.row.contract.id == current.contract_id)
        ):
            return
        self._load_detail()

    # -- painting -----------------------------------------------------------

    def _paint_header(self) -> None:
        t = self.app.texts
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append(f" {t('contracts.title')} ", style="bold reverse")
        gap(header, "   ")
        header.append(t("contracts.count"), style="dim")
        header.append(f" {len(self.rows)}")
        attention = attention_count(self.rows)
        gap(header, "   ")
        header.append(t("contracts.attention"), style="dim")
        header.append(f" {attention}", style=DUE_STYLE if attention else OK_STYLE)
        owed = sum(row.owed_this_year_fen or 0 for row in self.rows)
        if owed:
            from helpdesk_tui.domain.contract_amounts import yuan_text

            gap(header, "   ")
            header.append(t("contracts.owed_this_year"), style="dim")
            header.append(f" {yuan_text(owed)}", style=OWED_STYLE)
        if self.filter_text:
            gap(header, "   ")
            header.append(f"/ {one_line(self.filter_text, 40)}", style="bold")
        if not self.loaded:
            gap(header, "   ")
            header.append(t("workspace.loading"), style="dim")
        self.query_one("#contracts-header", Static).update(header)

    def _paint_detail(self, overview: ContractOverview | None) -> None:
        self.overview = overview
        t = self.app.texts
        terms = self.query_one("#contracts-terms-text", Static)
        months = self.query_one("#contracts-penalties-text", Static)
        if overview is None:
            empty = t("contracts.none_shown") if self.loaded else t("workspace.loading")
            terms.update(Text(empty, style="dim"))
            months.update("")
            return
        terms.update(terms_view(t, overview))
        months.update(penalties_view(t, overview))

    # -- keys ---------------------------------------------------------------

    def selected_contract(self) -> Contract | None:
        current: ContractListRow | None = self.table.current
        return current.row.contract if current is not None else None

    def action_filter(self) -> None:
        from helpdesk_tui.tui.screens.forms import Field, FormScreen

        t = self.app.texts

        def applied(values: dict | None) -> None:
            if values is None:
                return
            self.filter_text = values["text"]
            self.table.show(self._filtered())
            self._paint_header()
            self._load_detail()

        field = Field("text", t("contracts.filter_field"), default=self.filter_text)
        self.app.push_screen(FormScreen(t("contracts.filter_title"), [field],
                                        t("form.submit_hint")), applied)  # fmt: skip

    def action_back(self) -> None:
        if self.filter_text:
            self.filter_text = ""
            self.table.show(self._filtered())
            self._paint_header()
            self._load_detail()
            return
        self.app.action_switch("queue")
