"""Deadline alerts (key 3): the active ones, the acknowledged ones and the whole history,
newest first, with who is on duty.

`A` acknowledges the selected alert (with the older open ones of its target; acking a
breach stops its reminders), `z` snoozes it, `enter` opens its ticket. Lists are read in
a worker and re-read on every change. The summary holds the ticket's title, text from
outside: it is shown literally.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static, Tab, Tabs

from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import fit, one_line, printable
from helpdesk_tui.services import alerts as use
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import AlertClaim
from helpdesk_tui.tui.alert_text import (
    LATE_STYLE,
    alert_key,
    count_text,
    duty_text,
    gap,
    level_style,
    local_time,
    moment_text,
    recipients_text,
    summary_text,
)
from helpdesk_tui.tui.change_runner import apply_change
from helpdesk_tui.tui.widgets.key_bar import KeyBar

STATES = ("active", "acked", "all")
LIST_LIMIT = 200
SNOOZE_MINUTES = (15, 30, 60, 120)
DEFAULT_SNOOZE = 30
SUMMARY_ROOM = 40  # an extra column is shown only if the summary keeps this much
MIN_SUMMARY = 12
SCROLLBAR = 1
# Cells carry their own trailing space (no DataTable padding): a span starting with
# spaces is drawn shifted in SVG exports.
SEPARATOR = 1


@dataclass(frozen=True)
class AlertColumn:
    name: str
    width: int


ALWAYS = (AlertColumn("key", 10), AlertColumn("what", 18), AlertColumn("due", 11),
          AlertColumn("late", 4))  # fmt: skip
STATE = AlertColumn("state", 10)  # acknowledged by, snoozed until: not in the active list
EXTRA = (AlertColumn("to", 12), AlertColumn("delivered", 24))  # while the summary keeps room


def alert_columns(width: int, state: str) -> list[AlertColumn]:
    """Fixed widths for a table `width` cells wide; the summary takes what is left."""
    columns = list(ALWAYS) + ([STATE] if state != "active" else [])
    room = width - SCROLLBAR - sum(c.width + SEPARATOR for c in columns)
    for extra in EXTRA:
        if room - (extra.width + SEPARATOR) >= SUMMARY_ROOM:
            columns.append(extra)
            room -= extra.width + SEPARATOR
    return [*columns, AlertColumn("summary", max(room - SEPARATOR, MIN_SUMMARY))]


@dataclass(frozen=True)
class AlertsView:
    state: str
    alerts: list[AlertClaim]
    active: list[AlertClaim]
    duty: dict[DutyRole, list[str]]


class AlertTable(DataTable):
    DEFAULT_CSS = """
    AlertTable { height: 1fr; scrollbar-size-vertical: 1; }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("j,down", "cursor_down", "Down", show=False, id="alerts.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="alerts.up"),
        Binding("g,home", "scroll_top", "Top", show=False, id="alerts.top"),
        Binding("G,end", "scroll_bottom", "Bottom", show=False, id="alerts.bottom"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="alerts.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="alerts.page_up"),
        Binding("enter", "select_cursor", "Open", id="alerts.open"),
    ]


class AlertsScreen(Screen):
    DEFAULT_CSS = """
    AlertsScreen { layout: vertical; }
    AlertsScreen #alerts-header {
        height: 1; background: $panel; text-wrap: nowrap; text-overflow: ellipsis;
    }
    AlertsScreen #alert-detail {
        height: 7; border: round $primary 40%; padding: 0 1; border-title-color: $text-muted;
    }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("A", "acknowledge", "Acknowledge", id="alerts.ack"),
        Binding("z", "snooze", "Snooze", id="alerts.snooze"),
        Binding("tab", "next_list(1)", "Next list", id="alerts.next_list"),
        Binding("shift+tab", "next_list(-1)", "Previous list", show=False,
                id="alerts.previous_list"),
        Binding("escape", "back", "Back", id="alerts.back"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.view: AlertsView | None = None
        self._state = "active"
        self._loads = 0  # only the newest load is shown
        self._columns_for: tuple[int, str] | None = None

    def compose(self) -> ComposeResult:
        t = self.app.texts
        yield Static(id="alerts-header")
        yield Tabs(*(Tab(t(f"alert.{_tab_label(s)}"), id=f"alerts-{s}") for s in STATES))
        yield AlertTable(cursor_type="row", cell_padding=0)
        yield Static(id="alert-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(Tabs).can_focus = False  # tab switches lists; the table keeps focus
        self.query_one(AlertTable).focus()
        self.query_one("#alert-detail").border_title = self.app.texts("alert.title")
        self._paint_header(None)
        self.reload()

    # -- data ---------------------------------------------------------------

    @property
    def table(self) -> AlertTable:
        return self.query_one(AlertTable)

    @property
    def state(self) -> str:
        return self._state

    def reload(self) -> None:
        self._loads += 1
        self._load(self._loads, self._state)

    def data_changed(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="alerts", exit_on_error=False)
    def _load(self, load: int, state: str) -> None:
        reader = self.app.reader
        try:
            shown = reader.alerts(state, limit=LIST_LIMIT)
            active = shown if state == "active" else reader.alerts("active", limit=LIST_LIMIT)
            view = AlertsView(state, shown, active, reader.duty_now())
        except Exception as error:  # keep showing what we had; say why it is not fresh
            self.app.call_from_thread(self.app.report_fault, error)
            return
        self.app.call_from_thread(self._show, load, view)

    def _show(self, load: int, view: AlertsView) -> None:
        if load != self._loads or not self.is_attached:
            return  # a newer load is on its way, or the screen is gone
        keep = self.selected_alert()
        self.view = view
        self._paint_header(view)
        self._fill_table(view, keep.id if keep else None)
        self._paint_detail()

    def on_resize(self) -> None:
        if self.view is not None:
            keep = self.selected_alert()
            self._fill_table(self.view, keep.id if keep else None)

    def selected_alert(self) -> AlertClaim | None:
        if self.view is None or not self.view.alerts:
            return None
        row = self.table.cursor_row
        return self.view.alerts[row] if 0 <= row < len(self.view.alerts) else None

    # -- painting -----------------------------------------------------------

    def _paint_header(self, view: AlertsView | None) -> None:
        t = self.app.texts
        header = Text()
        header.append(t("alert.title"), style="bold reverse")
        gap(header, "  ")
        header.append(self.app.desk.actor, style="dim")
        if view is not None:
            gap(header, "   ")
            header.append_text(count_text(t, view.active, LIST_LIMIT))
            gap(header, "   ")
            header.append_text(duty_text(t, view.duty))
        self.query_one("#alerts-header", Static).update(header)

    def _fill_table(self, view: AlertsView, keep_id: int | None) -> None:
        table, t, zone = self.table, self.app.texts, self.app.desk.zone
        columns = alert_columns(self.size.width, view.state)  # the table spans the screen
        table.clear(columns=True)
        for column in columns:
            label = (t(f"alert.col_{column.name}"), "bold")
            table.add_column(_cell(label, column.width), width=column.width + SEPARATOR)
        now = self.app.desk.now()
        for alert in view.alerts:
            cells = _row(t, alert, zone, now)
            table.add_row(*(_cell(cells[c.name], c.width) for c in columns), key=str(alert.id))
        ids = [alert.id for alert in view.alerts]
        if keep_id in ids:
            table.move_cursor(row=ids.index(keep_id), animate=False)

    def _paint_detail(self) -> None:
        detail = self.query_one("#alert-detail", Static)
        alert = self.selected_alert()
        if alert is None:
            detail.update(Text(self.app.texts("alert.none"), style="dim"))
            return
        detail.update(describe(self.app.texts, alert, self.app.desk.zone, self.app.desk.now()))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._paint_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        state = (event.tab.id or "").removeprefix("alerts-")
        if state in STATES and state != self._state:
            self._state = state
            self.reload()

    # -- keys ---------------------------------------------------------------

    def action_next_list(self, step: int) -> None:
        tabs = self.query_one(Tabs)
        if step > 0:
            tabs.action_next_tab()
        else:
            tabs.action_previous_tab()

    def action_back(self) -> None:
        self.app.action_switch("queue")

    def action_open(self) -> None:
        from helpdesk_tui.tui.screens.workspace import WorkspaceScreen

        alert = self.selected_alert()
        if alert is None:
            return
        if alert.ticket_id is None:
            self.app.notify(self.app.texts("alert.no_ticket"), severity="warning")
            return
        self.app.push_screen(WorkspaceScreen(alert.ticket_id))

    def action_acknowledge(self) -> None:
        alert = self._alert_to_change()
        if alert is not None:
            alert_id = alert.id or 0
            done = self.app.texts("alert.acked_toast", id=alert_id)
            self.change(done, lambda desk: use.acknowledge(desk, alert_id))

    def action_snooze(self) -> None:
        from helpdesk_tui.tui.screens.forms import ChoiceScreen

        alert = self._alert_to_change()
        if alert is None:
            return
        t, alert_id = self.app.texts, alert.id or 0
        choices = [(str(m), t("alert.minutes", minutes=m)) for m in SNOOZE_MINUTES]

        def chosen(values: dict[str, Any] | None) -> None:
            if values is not None:
                minutes = int(values["choice"])
                done = t("alert.snoozed_toast", id=alert_id, minutes=minutes)
                self.change(done, lambda desk: use.snooze(desk, alert_id, minutes))

        title = t("alert.snooze_title", id=alert_id)
        self.app.push_screen(ChoiceScreen(title, choices, str(DEFAULT_SNOOZE)), chosen)

    def _alert_to_change(self) -> AlertClaim | None:
        if self.app.read_only:
            self.app.notify(self.app.texts("message.read_only"), severity="warning")
            return None
        alert = self.selected_alert()
        if alert is None:
            self.app.notify(self.app.texts("alert.no_selection"), severity="warning")
        return alert

    @work(thread=True, group="alert-change", exit_on_error=False)
    def change(self, done: str, apply: Callable[[Desk], Any]) -> None:
        """Run a use case; its refusal (one clear line) or the success is a toast."""
        if apply_change(self.app, apply, lambda: done):
            self.app.call_from_thread(self.reload)


def _tab_label(state: str) -> str:
    return "history" if state == "all" else state


def _cell(value: tuple[str, str], width: int) -> Text:
    text, style = value
    return Text(fit(text, width) + " " * SEPARATOR, style=style)


def _row(t: Texts, alert: AlertClaim, zone, now: datetime) -> dict[str, tuple[str, str]]:
    """Each cell's text and style; every text from outside passes one_line."""
    return {
        "key": (alert_key(t, alert), "bold"),
        "what": (moment_text(t, alert), level_style(alert.level)),
        "due": (local_time(alert.due_at, zone), "dim"),
        "late": (t("alert.late_short") if alert.late else "", LATE_STYLE),
        "state": (_state(t, alert, zone, now), "#5faf5f" if alert.acked_at else "dim"),
        "to": (recipients_text(alert), ""),
        "delivered": (one_line(alert.delivered_by) or "—", "dim"),
        "summary": (summary_text(alert, 300), ""),
    }


def _state(t: Texts, alert: AlertClaim, zone, now: datetime) -> str:
    if alert.acked_at is not None:
        return f"✓ {one_line(alert.acked_by)}"
    if alert.snoozed_until is not None and alert.snoozed_until > now:
        return t("alert.state_snoozed", at=local_time(alert.snoozed_until, zone))
    return ""


def describe(t: Texts, alert: AlertClaim, zone, now: datetime) -> Text:
    """The selected alert in full: what, when, to whom, who delivered and acknowledged
    it, and what it is about (literally, line breaks and all controls made visible)."""
    text = Text()
    text.append(alert_key(t, alert), style="bold")
    gap(text, "  ")
    text.append(moment_text(t, alert), style=level_style(alert.level))
    gap(text, "  ")
    text.append(t("alert.due", at=local_time(alert.due_at, zone)))
    gap(text, "  ")
    text.append(t("alert.fired", at=local_time(alert.fired_at, zone)), style="dim")
    if alert.late:
        gap(text, "  ")
        text.append(t("alert.late"), style=LATE_STYLE)
    text.append("\n")
    text.append(t("alert.to", people=recipients_text(alert)))
    gap(text, " · ")
    if alert.delivered_at is not None:
        text.append(t("alert.delivered", who=one_line(alert.delivered_by, 120)), style="dim")
    else:
        text.append(t("alert.undelivered"), style=LATE_STYLE)
    if alert.acked_at is not None:
        who, at = one_line(alert.acked_by, 64), local_time(alert.acked_at, zone)
        text.append("\n")
        text.append(t("alert.acked_by", who=who, at=at), style="#5faf5f")
    elif alert.snoozed_until is not None and alert.snoozed_until > now:
        text.append("\n")
        text.append(t("alert.snoozed", at=local_time(alert.snoozed_until, zone)), style="dim")
    text.append("\n")
    text.append(printable(alert.summary))
    return text
