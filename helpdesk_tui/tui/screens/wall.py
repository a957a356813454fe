"""The duty desk's wall: read-only, high contrast, readable across a room.

Big open counts per severity with their breaches, the active alerts and who is on duty,
the servers that are down, and below them panes that rotate every few seconds: broken
promises, then the next deadlines.
"""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Digits, Label, Static

from helpdesk_tui.domain.sla import TargetState, stored_states
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.health_board import ServerCard
from helpdesk_tui.store.queue import QueueFilter, QueueRow
from helpdesk_tui.tui.alert_text import count_text, duty_text, gap
from helpdesk_tui.tui.clock_text import SEVERITY_STYLE, countdown
from helpdesk_tui.tui.maintenance_reads import read_board
from helpdesk_tui.tui.wall_health import wall_health_line
from helpdesk_tui.tui.widgets.alert_panes import ACTIVE_LIMIT, AlertOverview

ROTATE_SECONDS = 8
STATUS_EVERY = 60.0  # alerts, duty and health; a change elsewhere reloads at once too
LIST_ROWS = 12
PANES = ("breaches", "next")


class WallScreen(Screen):
    DEFAULT_CSS = """
    WallScreen { background: black; }
    #wall-title { height: 1; width: 100%; content-align: center middle; text-style: bold; }
    #wall-counts { height: auto; }
    .wall-card { width: 1fr; height: auto; border: heavy $primary; padding: 0 1; }
    .wall-card Digits { width: auto; }
    .wall-card Label { width: 100%; text-style: bold; }
    #wall-status { height: 1; padding: 0 1; text-style: bold; }
    #wall-health { height: 1; padding: 0 1; }
    #wall-pane { height: 1fr; border: heavy $secondary; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._pane = 0
        self._rows: dict[str, list[QueueRow]] = {"breaches": [], "next": []}

    def compose(self) -> ComposeResult:
        t = self.app.texts
        yield Label(f"{t('wall.title')} · {t('wall.read_only')}", id="wall-title")
        with Horizontal(id="wall-counts"):
            for severity in SEVERITY_STYLE:
                with Vertical(classes="wall-card", id=f"card-{severity}"):
                    yield Label(t.severity(severity), classes="wall-severity")
                    yield Digits("0", id=f"open-{severity}")
                    yield Label("", id=f"breached-{severity}")
        yield Static(id="wall-status")
        yield Static(id="wall-health")
        yield Static(id="wall-pane")

    def on_mount(self) -> None:
        for severity, style in SEVERITY_STYLE.items():
            self.query_one(f"#card-{severity} .wall-severity", Label).styles.color = style.split()[
                -1
            ]
        self.set_interval(ROTATE_SECONDS, self._rotate)
        self.set_interval(STATUS_EVERY, self._load_status)  # shifts change, snoozes end
        self.reload()

    def reload(self) -> None:
        self._load()
        self._load_status()

    def data_changed(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="wall", exit_on_error=False)
    def _load(self) -> None:
        reader = self.app.reader
        try:
            counts = reader.counts()
            breached_ids = reader.queue_ids(QueueFilter(breached=True))[:LIST_ROWS]
            next_ids = reader.queue_ids(QueueFilter())[: LIST_ROWS * 3]
            rows = reader.queue_rows(breached_ids + next_ids)
        except Exception as error:  # the wall keeps its last picture
            self.app.call_from_thread(self.app.report_fault, error)
            return
        now = self.app.desk.now()
        upcoming = [rows[i] for i in next_ids if i in rows and not _late(rows[i], now)]
        self._rows = {
            "breaches": [rows[i] for i in breached_ids if i in rows],
            "next": upcoming[:LIST_ROWS],
        }
        self.app.call_from_thread(self._paint_counts, counts)

    @work(thread=True, exclusive=True, group="wall-status", exit_on_error=False)
    def _load_status(self) -> None:
        reader = self.app.reader
        try:
            overview = AlertOverview(reader.alerts("active", ACTIVE_LIMIT), reader.duty_now())
            cards = read_board(self.app.desk)
        except Exception as error:
            self.app.call_from_thread(self.app.report_fault, error)
            return
        self.app.call_from_thread(self._paint_status, overview, cards)

    def _paint_status(self, overview: AlertOverview, cards: list[ServerCard]) -> None:
        t = self.app.texts
        self.query_one("#wall-health", Static).update(wall_health_line(t, cards))
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append_text(count_text(t, overview.active, ACTIVE_LIMIT))
        gap(line, "    ")
        line.append_text(duty_text(t, overview.duty, style="bold #ffffff"))
        self.query_one("#wall-status", Static).update(line)

    def _paint_counts(self, counts) -> None:
        t = self.app.texts
        for severity, count in counts.items():
            self.query_one(f"#open-{severity}", Digits).update(str(count.open))
            label = self.query_one(f"#breached-{severity}", Label)
            label.update(
                Text(
                    f"{t('header.breached')} {count.breached}",
                    style="bold white on #af0000" if count.breached else "dim",
                )
            )
        self.tick()

    def _rotate(self) -> None:
        self._pane = (self._pane + 1) % len(PANES)
        self.tick()

    def tick(self) -> None:
        name = PANES[self._pane]
        pane = self.query_one("#wall-pane", Static)
        pane.border_title = self.app.texts(f"wall.{name}")
        pane.update(self._table(self._rows[name], self.app.desk.now()))

    def _table(self, rows: list[QueueRow], now: datetime) -> Table | Text:
        t = self.app.texts
        if not rows:
            return Text(t("wall.none"), style="bold green")
        table = Table.grid(padding=(0, 2), expand=True)
        for _ in range(5):
            table.add_column(no_wrap=True)
        table.columns[3].ratio = 1
        for row in rows:
            response, fix = stored_states(row, now)
            due = row.response_due_at if row.first_response_at is None else row.resolve_due_at
            state = response if row.first_response_at is None else fix
            table.add_row(
                Text(row.key, style="bold"),
                Text(t.severity(row.severity), style=SEVERITY_STYLE[row.severity]),
                Text(one_line(row.customer, 20)),
                Text(one_line(row.title, 60)),
                Text(
                    countdown(state, due, now),
                    style="bold white on #af0000" if state is TargetState.BREACHED else "bold",
                ),
            )
        return table


def _late(row: QueueRow, now: datetime) -> bool:
    return any(state is TargetState.BREACHED for state in stored_states(row, now))
