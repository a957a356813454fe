"""The main screen: the live queue, the selected ticket, training agenda and server health."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from helpdesk_tui.services.health_board import ServerCard
from helpdesk_tui.store.queue import QueueFilter, QueueSort, SeverityCounts
from helpdesk_tui.tui.clock_text import SEVERITY_STYLE
from helpdesk_tui.tui.maintenance_reads import read_board
from helpdesk_tui.tui.queue_filter import describe_filter
from helpdesk_tui.tui.ticket_actions import TicketActions
from helpdesk_tui.tui.training_text import SessionView, day_start, local_day, session_view
from helpdesk_tui.tui.widgets.alert_panes import (
    AlertOverview,
    AlertsPane,
    AlertStatusLine,
    read_overview,
)
from helpdesk_tui.tui.widgets.health_pane import HealthPane
from helpdesk_tui.tui.widgets.key_bar import KeyBar
from helpdesk_tui.tui.widgets.panes import AGENDA_DAYS, AgendaPane
from helpdesk_tui.tui.widgets.queue_table import QueueTable
from helpdesk_tui.tui.widgets.ticket_summary import TicketSummary

SORT_CYCLE = list(QueueSort)
FIRST_PAGE = 200  # rows fetched before the whole queue, so the first paint comes early
DETAIL_DELAY = 0.12  # seconds the cursor must rest before the side pane loads details
ALERTS_EVERY = 60.0  # seconds: shifts change and snoozes end without a write to notice
HEALTH_EVERY = 10.0  # seconds: the collector writes in the background, a round a minute


class MainScreen(TicketActions, Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal"), (180, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012

    BINDINGS = [  # noqa: RUF012
        Binding("/", "filter", "Filter", id="queue.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="queue.clear_filter"),
        Binding("o", "sort", "Sort", id="queue.sort"),
        Binding("m", "mine", "Mine", id="queue.mine"),
        *TicketActions.ACTION_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = QueueFilter()
        self._detail_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        app = self.app
        yield Static(id="header")
        yield AlertStatusLine(app.texts, app.desk.zone, id="status-line")
        with Horizontal(id="upper"):
            yield QueueTable(app.texts, app.reader.queue_rows, app.desk.now, id="queue")
            yield TicketSummary(app.texts, app.desk.zone, id="summary")
        with Horizontal(id="lower"):
            yield AlertsPane(app.texts, id="alerts-pane")
            yield AgendaPane(app.texts, id="agenda")
            yield HealthPane(app.texts, id="health")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#summary").border_title = self.app.texts("summary.title")
        self.query_one(QueueTable).focus()
        self.reload()
        self._load_alerts()
        self._load_agenda()
        self._load_health()
        self.set_interval(ALERTS_EVERY, self._load_alerts)
        self.set_interval(ALERTS_EVERY, self._load_agenda)  # flags and "today" move with time
        self.set_interval(HEALTH_EVERY, self._load_health)

    # -- data ---------------------------------------------------------------

    @property
    def table(self) -> QueueTable:
        return self.query_one(QueueTable)

    def apply_filter(self, flt: QueueFilter) -> None:
        self.filter = flt
        self.reload()

    def reload(self) -> None:
        """Re-read the queue (ids in order, counts) in a worker; paint when it is back."""
        self._load_queue(self.filter)

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def _load_queue(self, flt: QueueFilter) -> None:
        reader = self.app.reader
        try:
            if not self.table.ids:  # the first paint needs only a screenful
                self.app.call_from_thread(self.table.show, reader.queue_ids(flt, limit=FIRST_PAGE))
            ids = reader.queue_ids(flt)
            self.app.call_from_thread(self.table.show, ids)  # the queue first, counts next
            self.app.call_from_thread(self.app.settle)
            counts = reader.counts()
        except Exception as error:  # keep showing what we had; say why it is not fresh
            self.app.call_from_thread(self.app.report_fault, error)
            return
        self.app.call_from_thread(self._paint_header, len(ids), counts)

    @work(thread=True, exclusive=True, group="alert-overview", exit_on_error=False)
    def _load_alerts(self) -> None:
        try:
            overview = read_overview(self.app.reader)
        except Exception as error:
            self.app.call_from_thread(self.app.report_fault, error)
            return
        self.app.call_from_thread(self._show_alerts, overview)

    @work(thread=True, exclusive=True, group="agenda", exit_on_error=False)
    def _load_agenda(self) -> None:
        desk = self.app.desk
        now = desk.now()
        today = local_day(now, desk.zone)
        start = day_start(today, desk.zone)
        end = day_start(today + timedelta(days=AGENDA_DAYS), desk.zone)
        try:
            entries = self.app.reader.training_between(start, end, include_cancelled=False)
        except Exception as error:
            self.app.call_from_thread(self.app.report_fault, error)
            return
        views = [session_view(entry, now, desk.zone) for entry in entries]
        self.app.call_from_thread(self._show_agenda, views, today)

    @work(thread=True, exclusive=True, group="health-pane", exit_on_error=False)
    def _load_health(self) -> None:
        try:
            cards = read_board(self.app.desk)
        except Exception as error:
            self.app.call_from_thread(self.app.report_fault, error)
            return
        self.app.call_from_thread(self._show_health, cards)

    def _show_health(self, cards: list[ServerCard]) -> None:
        if self.is_attached:
            self.query_one(HealthPane).show(cards, self.app.desk.now())

    def _show_agenda(self, views: list[SessionView], today: date) -> None:
        if self.is_attached:
            self.query_one(AgendaPane).show(views, today)

    def _show_alerts(self, overview: AlertOverview) -> None:
        self.query_one(AlertStatusLine).show(overview)
        self.query_one(AlertsPane).show(overview)
        self.table.mark_alerted(overview.alerted_tickets)

    def _paint_header(self, shown: int, counts: dict[str, SeverityCounts]) -> None:
        t = self.app.texts
        total = sum(c.open for c in counts.values())
        header = Text()
        # CJK words and spaces go in separate spans: SVG exports place spans by cell.
        header.append(t("app.title"), style="bold reverse")
        header.append("  ")
        header.append(self.app.desk.actor, style="dim")
        for severity, count in counts.items():
            header.append("   ")
            header.append(t.severity(severity), style=SEVERITY_STYLE[severity])
            header.append(" ")
            header.append(str(count.open), style="bold")
            if count.breached:
                header.append(" ")
                header.append(f"!{count.breached}", style="bold #ffffff on #af0000")
        header.append("   ")
        header.append(t("queue.count", shown=shown, total=total), style="dim")
        if not self.filter.is_default:
            header.append("   ")
            header.append(t("queue.filter", text=describe_filter(self.filter)), "italic")
        if self.filter.sort is not QueueSort.DEADLINE:
            header.append("   ")
            header.append(t("queue.sort", name=t(f"sort.{self.filter.sort.value}")), "italic")
        self.query_one("#header", Static).update(header)

    def on_queue_table_highlighted(self, message: QueueTable.Highlighted) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self._load_detail)

    def _load_detail(self) -> None:
        ticket_id = self.table.current_id
        self._fetch_detail(ticket_id)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _fetch_detail(self, ticket_id: int | None) -> None:
        try:
            detail = self.app.reader.detail(ticket_id) if ticket_id else None
        except Exception as error:
            self.app.call_from_thread(self.app.report_fault, error)
            return
        self.app.call_from_thread(self._show_detail, ticket_id, detail)

    def _show_detail(self, ticket_id: int | None, detail) -> None:
        row = self.table.rows.get(ticket_id) if ticket_id else None
        self.query_one(TicketSummary).show(row, detail, self.app.desk.now())

    def on_queue_table_opened(self, message: QueueTable.Opened) -> None:
        from helpdesk_tui.tui.screens.workspace import WorkspaceScreen

        self.app.push_screen(WorkspaceScreen(message.ticket_id))

    def tick(self) -> None:
        self.table.tick()
        self.query_one(TicketSummary).tick(self.app.desk.now())

    def data_changed(self) -> None:
        self.reload()
        self._load_alerts()
        self._load_agenda()
        self._load_detail()

    # -- filter and sort ----------------------------------------------------

    def action_filter(self) -> None:
        from helpdesk_tui.tui.screens.filter import FilterScreen

        def apply(result: QueueFilter | None) -> None:
            if result is not None:
                self.filter = result
                self.reload()

        self.app.push_screen(FilterScreen(self.filter), apply)

    def action_clear_filter(self) -> None:
        if not self.filter.is_default:
            self.filter = QueueFilter(sort=self.filter.sort)
            self.reload()

    def action_sort(self) -> None:
        following = SORT_CYCLE[(SORT_CYCLE.index(self.filter.sort) + 1) % len(SORT_CYCLE)]
        self.filter = QueueFilter(**{**self.filter.__dict__, "sort": following})
        self.reload()

    def action_mine(self) -> None:
        mine = self.app.desk.actor
        assignee = None if self.filter.assignee == mine else mine
        self.filter = QueueFilter(**{**self.filter.__dict__, "assignee": assignee})
        self.reload()

    # -- TicketActions needs to know which ticket --------------------------

    def selected_ticket(self) -> tuple[int, int] | None:
        ticket_id = self.table.current_id
        row = self.table.rows.get(ticket_id) if ticket_id else None
        return (row.id, row.version) if row else None
