"""Technical maintenance (key 6, 技术维保服务): the customers' backup plans (备份), cloud
renewals (云续费), disaster-recovery plans (灾难恢复) and patches (补丁), a tab each.

tab / shift+tab change tabs; each tab's keys act on its cursor row: `s` a backup done,
`v` a restore checked, `e` a renewal, `d` a drill held, `n` a new recovery plan and `e`
an edit of one, enter a recovery plan's steps and contacts. The patch tab lists the
pending updates per server over the patches applied: `a` records a patch (for the
selected row's server), `u` enters a server's pending counts by hand (as `helpdesk
patch` does). Data is read in a worker every minute and whenever something changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.patches import PatchRow, Pending
from helpdesk_tui.tui import maintenance_text as cells
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.maintenance_actions import (
    BACKUP_BINDINGS,
    DRILL_BINDING,
    EDIT_PLAN_BINDING,
    NEW_PLAN_BINDING,
    PATCH_BINDINGS,
    RENEW_BINDING,
    MaintenanceActions,
)
from helpdesk_tui.tui.maintenance_reads import (
    BackupRow,
    RecoveryRow,
    RenewalRow,
    read_backups,
    read_patches,
    read_pending,
    read_recovery,
    read_renewals,
)
from helpdesk_tui.tui.widgets.key_bar import KeyBar
from helpdesk_tui.tui.widgets.maintenance_table import MaintenanceTable

REFRESH_EVERY = 60.0  # seconds: overdue and days-left move with the clock
TABS = ("backups", "cloud", "recovery", "patches")
TAB_ACTIONS = {
    "backup_success": "backups",
    "restore_check": "backups",
    "renew": "cloud",
    "drill": "recovery",
    "new_plan": "recovery",
    "edit_plan": "recovery",
    "add_patch": "patches",
    "set_pending": "patches",
}


@dataclass(frozen=True)
class MaintenanceData:
    backups: list[BackupRow] = field(default_factory=list)
    renewals: list[RenewalRow] = field(default_factory=list)
    recovery: list[RecoveryRow] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    patches: list[PatchRow] = field(default_factory=list)


def read_all(desk: Desk) -> MaintenanceData:
    return MaintenanceData(read_backups(desk), read_renewals(desk), read_recovery(desk),
                           read_pending(desk), read_patches(desk))  # fmt: skip


class MaintenanceScreen(MaintenanceActions, Screen):
    BINDINGS = [  # noqa: RUF012
        Binding("tab", "next_tab(1)", "Next tab", id="maintenance.next_tab"),
        Binding("shift+tab", "next_tab(-1)", "Previous tab", show=False,
                id="maintenance.previous_tab"),
        *BACKUP_BINDINGS,
        RENEW_BINDING,
        DRILL_BINDING,
        NEW_PLAN_BINDING,
        EDIT_PLAN_BINDING,
        *PATCH_BINDINGS,
        Binding("escape", "back", "Back", id="maintenance.back"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.data = MaintenanceData()
        self.loaded = False

    def compose(self) -> ComposeResult:
        t = self.app.texts
        yield Static(id="maintenance-header")
        with TabbedContent(id="maintenance-tabs"):
            for name in TABS[:-1]:
                with TabPane(t(f"maintenance.tab_{name}"), id=f"tab-{name}"):
                    yield self._table(name)
            with TabPane(t("maintenance.tab_patches"), id="tab-patches"):
                yield Static(Text(t("maintenance.pending_title"), "bold"), classes="table-title")
                yield self._table("pending")
                yield Static(Text(t("maintenance.patches_title"), "bold"), classes="table-title")
                yield self._table("patches")
        yield KeyBar()

    def _table(self, name: str) -> MaintenanceTable:
        t, now, zone = self.app.texts, self.app.desk.now, self.app.desk.zone
        layouts = {
            "backups": (cells.BACKUP_COLUMNS,
                        lambda row: cells.backup_cells(t, row, now(), zone),
                        lambda row: row.plan.id),
            "cloud": (cells.RENEWAL_COLUMNS, lambda row: cells.renewal_cells(t, row),
                      lambda row: row.resource.id),
            "recovery": (cells.RECOVERY_COLUMNS, lambda row: cells.recovery_cells(t, row),
                         lambda row: row.plan.id),
            "pending": (cells.PENDING_COLUMNS, lambda row: cells.pending_cells(t, row, zone),
                        lambda row: row.server_id),
            "patches": (cells.PATCH_COLUMNS, lambda row: cells.patch_cells(t, row, zone),
                        lambda row: row.patch.id),
        }  # fmt: skip
        columns, cells_of, key_of = layouts[name]
        return MaintenanceTable(t, columns, cells_of, key_of, id=f"table-{name}")

    def on_mount(self) -> None:
        self._paint_header()
        self.reload()
        self.set_interval(REFRESH_EVERY, self.reload)

    # -- data ---------------------------------------------------------------

    def reload(self) -> None:
        self._load()

    def data_changed(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="maintenance", exit_on_error=False)
    def _load(self) -> None:
        app = self.app
        try:
            data = read_all(app.desk)
        except Exception as error:  # keep showing what we had; say why it is not fresh
            app.call_from_thread(app.report_fault, error)
            return
        app.call_from_thread(self._show, data)

    def _show(self, data: MaintenanceData) -> None:
        if not self.is_attached:
            return
        self.data, self.loaded = data, True
        self.table("backups").show(data.backups)
        self.table("cloud").show(data.renewals)
        self.table("recovery").show(data.recovery)
        self.table("pending").show(data.pending)
        self.table("patches").show(data.patches)
        self._paint_header()

    def table(self, name: str) -> MaintenanceTable:
        return self.query_one(f"#table-{name}", MaintenanceTable)

    # -- painting -----------------------------------------------------------

    def _paint_header(self) -> None:
        t, now = self.app.texts, self.app.desk.now()
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append(f" {t('maintenance.title')} ", style="bold reverse")
        counts = [
            ("backups_attention", sum(cells.backup_attention(r, now) for r in self.data.backups)),
            ("renewals_attention", sum(cells.renewal_attention(r) for r in self.data.renewals)),
            ("recovery_attention", sum(cells.recovery_attention(r) for r in self.data.recovery)),
            ("pending_attention", sum(cells.pending_attention(r) for r in self.data.pending)),
        ]
        for key, count in counts:
            gap(header, "   ")
            header.append(t(f"maintenance.{key}"), style="dim")
            header.append(f" {count}", style=cells.DUE_STYLE if count else cells.OK_STYLE)
        if not self.loaded:
            gap(header, "   ")
            header.append(t("workspace.loading"), style="dim")
        self.query_one("#maintenance-header", Static).update(header)

    # -- tabs ---------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        active = self.query_one(TabbedContent).active
        return active.removeprefix("tab-") if active else TABS[0]

    def action_next_tab(self, step: int) -> None:
        following = TABS[(TABS.index(self.active_tab) + step) % len(TABS)]
        self.query_one(TabbedContent).active = f"tab-{following}"

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.table("pending" if self.active_tab == "patches" else self.active_tab).focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tab = TAB_ACTIONS.get(action)
        return tab is None or not self.is_mounted or tab == self.active_tab

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "table-recovery":
            self.action_open_plan()

    def action_open_plan(self) -> None:
        from helpdesk_tui.tui.screens.recovery_detail import RecoveryDetailScreen

        row = self.selected_recovery()
        if row is not None:
            self.app.push_screen(RecoveryDetailScreen(row.plan.id))

    def action_back(self) -> None:
        self.app.action_switch("queue")

    # -- MaintenanceActions -------------------------------------------------

    def selected_backup(self) -> BackupRow | None:
        return self.table("backups").current

    def selected_renewal(self) -> RenewalRow | None:
        return self.table("cloud").current

    def selected_recovery(self) -> RecoveryRow | None:
        return self.table("recovery").current

    def selected_pending(self) -> Pending | None:
        return self.table("pending").current

    def patch_server(self) -> tuple[str, str] | None:
        """The server of the row under the cursor: in the patch history when that has focus."""
        history = self.table("patches")
        if history.has_focus and (row := history.current) is not None:
            return row.server, row.customer
        return super().patch_server()
