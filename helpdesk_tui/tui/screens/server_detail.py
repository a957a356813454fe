"""One server in full (enter on a health card): the last hour of CPU and network, every
disk, the findings and why anything is unknown, and the open monitoring tickets — enter
on one opens its workspace. Re-read when the data changes; esc goes back.
"""

from __future__ import annotations

from time import monotonic

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from helpdesk_tui.domain.health import ServiceState
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.health_board import ServerCard
from helpdesk_tui.tui import health_text as words
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.maintenance_reads import read_services
from helpdesk_tui.tui.screens.health import CHANGES_AT_MOST_EVERY, BoardReader, ServicesReader
from helpdesk_tui.tui.widgets.key_bar import KeyBar

SERVICE_STYLE = {"active": "#5faf5f", "failed": "bold #ff5f5f", "inactive": "#ffaf00"}


def ticket_id_of(key: str) -> int | None:
    """`T-000123` → 123."""
    digits = key.strip().upper().removeprefix("T-")
    return int(digits) if digits.isdigit() else None


class ServerDetailScreen(Screen):
    BINDINGS = [  # noqa: RUF012
        Binding("escape", "back", "Back", id="server.back"),
        Binding("r", "refresh", "Refresh", id="server.refresh"),
    ]

    def __init__(
        self, card: ServerCard, read: BoardReader, read_units: ServicesReader = read_services
    ) -> None:
        """`read` and `read_units` give the cards and a server's services (tests hand in
        their own)."""
        super().__init__()
        self.card: ServerCard | None = card
        self.services: tuple[ServiceState, ...] = ()
        self.loaded = False
        self._read_at = 0.0  # monotonic: when the last read started
        self._read_board, self._read_units = read, read_units

    def compose(self) -> ComposeResult:
        yield Static(id="server-header")
        with VerticalScroll(id="server-body"):
            yield Static(id="server-summary")
            for name in ("cpu", "net_in", "net_out"):
                with Horizontal(classes="server-spark-row"):
                    yield Static(id=f"server-{name}-label", classes="server-spark-label")
                    yield Sparkline([], summary_function=max, id=f"server-{name}-spark")
            yield Static(id="server-disks")
            yield Static(id="server-findings")
            yield Static(id="server-services")
        yield OptionList(id="server-tickets")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#server-body").focus()
        self._paint()
        self._load()

    # -- data ---------------------------------------------------------------

    def data_changed(self) -> None:
        if monotonic() - self._read_at >= CHANGES_AT_MOST_EVERY:
            self._load()

    def action_refresh(self) -> None:
        self._load()

    def _load(self) -> None:
        self._read_at = monotonic()
        self._read()

    @work(thread=True, exclusive=True, group="server-detail", exit_on_error=False)
    def _read(self) -> None:
        app = self.app
        server_id = self.card.server_id if self.card is not None else None
        try:
            cards = self._read_board(app.desk)
            fresh = next((card for card in cards if card.server_id == server_id), None)
            units = self._read_units(app.desk, server_id) if fresh is not None else ()
        except Exception as error:
            app.call_from_thread(app.report_fault, error)
            return
        app.call_from_thread(self._show, fresh, units)

    def _show(self, card: ServerCard | None, services: tuple[ServiceState, ...]) -> None:
        if self.is_attached:
            self.card, self.services, self.loaded = card, services, True
            self._paint()

    def tick(self) -> None:
        if self.card is not None:
            self._paint_header(self.card)

    # -- painting -----------------------------------------------------------

    def _paint(self) -> None:
        t, card = self.app.texts, self.card
        if card is None:
            self.query_one("#server-header", Static).update(Text(t("health.gone"), "bold"))
            return
        self._paint_header(card)
        self._static("#server-summary", _summary(t, card))
        labels = {
            "cpu": words.cpu_label(t, card),
            "net_in": words.net_label(t, "net_in", card.net_in_bps),
            "net_out": words.net_label(t, "net_out", card.net_out_bps),
        }
        peaks = {
            "cpu": words.cpu_peak(t, card),
            "net_in": words.net_peaks(t, card.net_in_peak_1h, card.net_in_peak_24h),
            "net_out": words.net_peaks(t, card.net_out_peak_1h, card.net_out_peak_24h),
        }
        series = {"cpu": card.cpu_series, "net_in": card.net_in_series,
                  "net_out": card.net_out_series}  # fmt: skip
        for name, label in labels.items():
            self._static(f"#server-{name}-label", Text("\n").join([label, peaks[name]]))
            self.query_one(f"#server-{name}-spark", Sparkline).data = words.series(series[name])
        self._static("#server-disks", _disks(t, card))
        self._static("#server-findings", _findings(t, card))
        self._static("#server-services", _services(t, self.services))
        self._paint_tickets(card)

    def _paint_header(self, card: ServerCard) -> None:
        t = self.app.texts
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append_text(words.status_badge(t, card.status))
        gap(header)
        header.append(one_line(card.name, 60), style="bold")
        gap(header, "  ")
        header.append(one_line(card.customer, 60))
        if card.role:
            gap(header, " · ")
            header.append(one_line(card.role, 40), style="italic")
        gap(header, "   ")
        header.append_text(words.age_text(t, card.collected_at, self.app.desk.now()))
        self._static("#server-header", header)

    def _paint_tickets(self, card: ServerCard) -> None:
        tickets = self.query_one(OptionList)
        tickets.border_title = self.app.texts("health.open_tickets")
        before = tickets.highlighted or 0
        tickets.clear_options()
        tickets.add_options(Option(Text(one_line(key, 20)), id=key) for key in card.open_tickets)
        tickets.display = bool(card.open_tickets)
        if card.open_tickets:  # enter works at once, and the cursor stays across refreshes
            tickets.highlighted = min(before, len(card.open_tickets) - 1)

    def _static(self, selector: str, content: Text) -> None:
        self.query_one(selector, Static).update(content)

    # -- keys ---------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from helpdesk_tui.tui.screens.workspace import WorkspaceScreen

        ticket_id = ticket_id_of(event.option.id or "")
        if ticket_id is not None:
            self.app.push_screen(WorkspaceScreen(ticket_id))

    def action_back(self) -> None:
        self.app.pop_screen()


def _summary(t: Texts, card: ServerCard) -> Text:
    lines = [words.memory_line(t, card), words.updates_line(t, card)]
    return Text("\n").join(lines)


def _disks(t: Texts, card: ServerCard) -> Text:
    title = Text(t("health.disks"), style="bold underline")
    if not card.disks:
        return Text("\n").join([title, Text(t("health.no_disks"), style="dim")])
    width = max(min(max(len(one_line(d.mount)) for d in card.disks), 24), 6)
    lines = [words.disk_line(t, disk, mount_width=width, bar_width=20) for disk in card.disks]
    return Text("\n").join([title, *lines])


def _services(t: Texts, services: tuple[ServiceState, ...]) -> Text:
    lines = [Text(t("maintenance.services"), style="bold underline")]
    for service in services:
        line = Text(one_line(service.unit, 80))
        gap(line, "  ")
        line.append(one_line(service.state, 20), style=SERVICE_STYLE.get(service.state, ""))
        lines.append(line)
    if len(lines) == 1:
        lines.append(Text(t("maintenance.no_services"), style="dim"))
    return Text("\n").join(lines)


def _findings(t: Texts, card: ServerCard) -> Text:
    lines = [Text(t("health.findings"), style="bold underline")]
    colour = words.STATUS_COLOUR.get(card.status, "")
    lines += [Text(f"! {one_line(finding, 300)}", style=colour) for finding in card.findings]
    lines += [Text(f"? {one_line(problem, 300)}", style="dim italic") for problem in card.problems]
    if len(lines) == 1:
        lines.append(Text(t("health.no_findings"), style="dim"))
    return Text("\n").join(lines)
