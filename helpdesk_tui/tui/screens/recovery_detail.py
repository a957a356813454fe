"""A disaster-recovery plan in full (enter on the 灾难恢复 tab): objectives, the numbered
steps, who to call, the drills; `d` records a drill held, `e` edits the plan. esc goes back."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line, printable
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.maintenance_actions import (
    DRILL_BINDING,
    EDIT_PLAN_BINDING,
    MaintenanceActions,
)
from helpdesk_tui.tui.maintenance_reads import RecoveryRow, read_recovery_plan
from helpdesk_tui.tui.maintenance_text import DRILL_STYLE, SOON_STYLE, minutes_text
from helpdesk_tui.tui.widgets.key_bar import KeyBar


class RecoveryDetailScreen(MaintenanceActions, Screen):
    BINDINGS = [  # noqa: RUF012
        DRILL_BINDING,
        EDIT_PLAN_BINDING,
        Binding("escape", "back", "Back", id="recovery.back"),
    ]

    def __init__(self, plan_id: int) -> None:
        super().__init__()
        self.plan_id = plan_id
        self.row: RecoveryRow | None = None
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static(id="recovery-header")
        with VerticalScroll(id="recovery-body"):
            yield Static(id="recovery-facts")
            yield Static(id="recovery-steps")
            yield Static(id="recovery-contacts")
            yield Static(id="recovery-drill")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#recovery-body").focus()
        self._load()

    def data_changed(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="recovery-detail", exit_on_error=False)
    def _load(self) -> None:
        app = self.app
        try:
            row = read_recovery_plan(app.desk, self.plan_id)
        except Exception as error:
            app.call_from_thread(app.report_fault, error)
            return
        app.call_from_thread(self._show, row)

    def _show(self, row: RecoveryRow | None) -> None:
        if not self.is_attached:
            return
        self.row, self.loaded = row, True
        t = self.app.texts
        if row is None:
            self._static("#recovery-header", Text(t("maintenance.plan_gone"), style="bold"))
            return
        self._static("#recovery-header", _header(t, row))
        self._static("#recovery-facts", _facts(t, row))
        self._static("#recovery-steps", _steps(t, row))
        self._static("#recovery-contacts", _contacts(t, row))
        self._static("#recovery-drill", _drill(t, row))

    def _static(self, selector: str, content: Text | Table) -> None:
        self.query_one(selector, Static).update(content)

    def selected_recovery(self) -> RecoveryRow | None:
        return self.row

    def action_back(self) -> None:
        self.app.pop_screen()


def _header(t: Texts, row: RecoveryRow) -> Text:
    header = Text(no_wrap=True, overflow="ellipsis")
    header.append(f" {t('maintenance.tab_recovery')} ", style="bold reverse")
    gap(header, "  ")
    header.append(one_line(row.customer, 60))
    gap(header, " · ")
    header.append(one_line(row.plan.system, 60), style="bold")
    return header


def _facts(t: Texts, row: RecoveryRow) -> Table:
    plan = row.plan
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row(Text("RTO"), Text(minutes_text(t, plan.rto_minutes)))
    rpo = Text(minutes_text(t, plan.rpo_minutes), style=SOON_STYLE if row.rpo_warning else "")
    if row.rpo_warning:
        rpo.append(f"  {one_line(row.rpo_warning)}")
    table.add_row(Text("RPO"), rpo)
    table.add_row(Text(t("maintenance.col_next_drill")),
                  Text(f"{row.next_drill_on.isoformat()}  "
                       f"{t(f'maintenance.drill_{row.drill_state}')}",
                       style=DRILL_STYLE.get(row.drill_state, "")))  # fmt: skip
    every = t("maintenance.days", days=plan.drill_interval_days)
    table.add_row(Text(t("maintenance.drill_every")), Text(every))
    return table


def _steps(t: Texts, row: RecoveryRow) -> Text:
    lines = [Text(t("maintenance.steps"), style="bold underline")]
    for number, step in enumerate(row.plan.steps, start=1):
        line = Text(f"{number:>2}. ", style="bold")
        line.append(printable(str(step)))
        lines.append(line)
    return Text("\n").join([Text(""), *lines])


def _contacts(t: Texts, row: RecoveryRow) -> Text:
    lines = [Text(t("maintenance.contacts"), style="bold underline")]
    for contact in row.plan.contacts:
        data = contact if isinstance(contact, dict) else {"name": str(contact)}
        line = Text(one_line(str(data.get("name", "")), 60), style="bold")
        for part in ("phone", "role"):
            if data.get(part):
                gap(line, "  ")
                line.append(one_line(str(data[part]), 60))
        lines.append(line)
    return Text("\n").join([Text(""), *lines])


def _drill(t: Texts, row: RecoveryRow) -> Text:
    plan = row.plan
    lines = [Text(t("maintenance.last_drill"), style="bold underline")]
    if plan.last_drill_on is None:
        lines.append(Text(t("maintenance.never"), style="dim"))
    else:
        lines.append(Text(plan.last_drill_on.isoformat(), style="bold"))
        if plan.last_drill_notes:
            lines.append(Text(printable(plan.last_drill_notes)))
    return Text("\n").join([Text(""), *lines])
