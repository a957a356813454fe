"""Customer voice (key 8, 回访): the return visits to make — overdue ones first, in red —
over the visits made lately with their satisfaction and the tickets raised from them; a
second tab lists the open complaints (投诉), which the duty manager follows up.

Keys on the visits tab: enter or `r` records the selected planned visit (score, method,
notes, needs found: each becomes a ticket), `n` adds an ad-hoc visit, `d` cancels one
(after a confirmation), `p` plans what is due now; enter on a done visit opens the first
ticket raised from it, and on a complaint the complaint. Data is read in a worker every minute
and whenever something changes.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from helpdesk_tui.services.visits import VisitRow
from helpdesk_tui.tui import visit_text as cells
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.visit_actions import VISIT_BINDINGS, VisitActions
from helpdesk_tui.tui.visit_reads import VisitsData, read_visits
from helpdesk_tui.tui.widgets.key_bar import KeyBar
from helpdesk_tui.tui.widgets.visit_table import VisitTable

REFRESH_EVERY = 60.0  # seconds: "due" turns "overdue" with the date
TABS = ("visits", "complaints")
VISIT_ACTIONS = {"record_visit", "new_visit", "cancel_visit", "plan_visits"}


class VisitsScreen(VisitActions, Screen):
    DEFAULT_CSS = """
    #visits-header { height: 1; background: $panel; text-wrap: nowrap; text-overflow: ellipsis; }
    #visits-tabs { height: 1fr; }
    #visits-tabs TabPane { padding: 0; }
    #visits-tabs .table-title { height: 1; padding: 0 1; background: $panel; }
    #table-planned { height: 3fr; }
    #table-done { height: 2fr; }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("tab", "next_tab(1)", "Next tab", id="visits.next_tab"),
        Binding("shift+tab", "next_tab(-1)", "Previous tab", show=False,
                id="visits.previous_tab"),
        *VISIT_BINDINGS,
        Binding("escape", "back", "Back", id="visits.back"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.data = VisitsData()
        self.loaded = False

    def compose(self) -> ComposeResult:
        t = self.app.texts
        yield Static(id="visits-header")
        with TabbedContent(id="visits-tabs"):
            with TabPane(t("visits.tab_visits"), id="tab-visits"):
                yield Static(Text(t("visits.planned_title"), "bold"), classes="table-title")
                yield self._table("planned")
                yield Static(Text(t("visits.done_title"), "bold"), classes="table-title")
                yield self._table("done")
            with TabPane(t("visits.tab_complaints"), id="tab-complaints"):
                yield self._table("complaints")
        yield KeyBar()

    def _table(self, name: str) -> VisitTable:
        t, zone = self.app.texts, self.app.desk.zone
        layouts = {
            "planned": (cells.PLANNED_COLUMNS, lambda row: cells.planned_cells(t, row),
                        lambda row: row.visit.id),
            "done": (cells.DONE_COLUMNS, lambda row: cells.done_cells(t, row, zone),
                     lambda row: row.visit.id),
            "complaints": (cells.COMPLAINT_COLUMNS,
                           lambda row: cells.complaint_cells(t, row, zone),
                           lambda row: row.ticket.id),
        }  # fmt: skip
        columns, cells_of, key_of = layouts[name]
        return VisitTable(t, columns, cells_of, key_of, id=f"table-{name}")

    def on_mount(self) -> None:
        self._paint_header()
        self.reload()
        self.set_interval(REFRESH_EVERY, self.reload)
        self.table("planned").focus()

    # -- data ---------------------------------------------------------------

    def reload(self) -> None:
        self._load()

    def data_changed(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="visits", exit_on_error=False)
    def _load(self) -> None:
        app = self.app
        try:
            data = read_visits(app.desk)
        except Exception as error:  # keep showing what we had; say why it is not fresh
            app.call_from_thread(app.report_fault, error)
            return
        app.call_from_thread(self._show, data)

    def _show(self, data: VisitsData) -> None:
        if not self.is_attached:
            return
        self.data, self.loaded = data, True
        self.table("planned").show(data.planned)
        self.table("done").show(data.done)
        self.table("complaints").show(data.complaints)
        self._paint_header()

    def table(self, name: str) -> VisitTable:
        return self.query_one(f"#table-{name}", VisitTable)

    # -- painting -----------------------------------------------------------

    def _paint_header(self) -> None:
        t, data = self.app.texts, self.data
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append(f" {t('visits.title')} ", style="bold reverse")
        overdue = sum(row.state == "overdue" for row in data.planned)
        due = sum(row.state == "due" for row in data.planned)
        scores = [row.visit.satisfaction for row in data.done if row.visit.satisfaction]
        counts = [
            ("overdue_count", str(overdue), cells.OVERDUE_STYLE if overdue else cells.OK_STYLE),
            ("due_count", str(due), cells.DUE_STYLE if due else cells.OK_STYLE),
            ("planned_count", str(len(data.planned)), ""),
            ("average", f"{sum(scores) / len(scores):.1f}" if scores else "—", ""),
            ("complaints_count", str(len(data.complaints)),
             cells.DUE_STYLE if data.complaints else cells.OK_STYLE),
        ]  # fmt: skip
        for key, value, style in counts:
            gap(header, "   ")
            header.append(t(f"visits.{key}"), style="dim")
            header.append(f" {value}", style=style)
        if not self.loaded:
            gap(header, "   ")
            header.append(t("workspace.loading"), style="dim")
        self.query_one("#visits-header", Static).update(header)

    # -- tabs ---------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        active = self.query_one(TabbedContent).active
        return active.removeprefix("tab-") if active else TABS[0]

    def action_next_tab(self, step: int) -> None:
        following = TABS[(TABS.index(self.active_tab) + step) % len(TABS)]
        self.query_one(TabbedContent).active = f"tab-{following}"

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.table("planned" if self.active_tab == "visits" else "complaints").focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in VISIT_ACTIONS and self.is_mounted:
            return self.active_tab == "visits"
        return True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "table-planned":
            self.action_record_visit()
        elif event.data_table.id == "table-done":
            done = self.table("done").current
            if done is not None and done.tickets:  # the first ticket raised on the visit
                self._open_ticket(done.tickets[0].id)
        elif event.data_table.id == "table-complaints":
            complaint = self.table("complaints").current
            if complaint is not None:
                self._open_ticket(complaint.ticket.id)

    def _open_ticket(self, ticket_id: int) -> None:
        from helpdesk_tui.tui.screens.workspace import WorkspaceScreen

        self.app.push_screen(WorkspaceScreen(ticket_id))

    def action_back(self) -> None:
        self.app.action_switch("queue")

    # -- VisitActions -------------------------------------------------------

    def selected_visit(self) -> VisitRow | None:
        return self.table("planned").current
