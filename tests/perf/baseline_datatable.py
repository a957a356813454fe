"""The console benchmark's baseline: a plain Textual `DataTable` with the same open tickets.

    python tests/perf/baseline_datatable.py DB

It shows the queue the console shows (same order, same columns: key, severity, status,
customer, title, assignee, response and fix countdowns as text, same colours) in one
`DataTable`, the way a careful user of the stock widget would write it: the rows are read
in a worker with the project's own `queue_ids` / `queue_rows`, loaded with one
`add_rows`, the columns get fixed widths, and once a second only the countdown cells of
the rows on screen are rewritten with `update_cell` (without `update_width`).
`bench_console.py` runs it on a pseudo-terminal beside the real console.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.severity import Severity, SlaPolicy
from helpdesk_tui.domain.sla import stored_states
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.desk import open_desk
from helpdesk_tui.services.reads import DeskReader
from helpdesk_tui.store.queue import QueueFilter, QueueRow
from helpdesk_tui.tui.clock_text import SEVERITY_STYLE, countdown, state_style

CHUNK = 5_000  # ids per `queue_rows` query
COLUMNS = (
    ("key", 8), ("severity", 4), ("status", 8), ("customer", 18), ("title", 0),
    ("assignee", 8), ("response", 9), ("fix", 9),
)  # fmt: skip
COUNTDOWNS = ("response", "fix")


def countdown_cells(row: QueueRow, policy: SlaPolicy, now: datetime) -> tuple[Text, Text]:
    response, fix = stored_states(row, now)
    targets = policy.targets.get(Severity(row.severity))
    remaining = row.fix_remaining_seconds
    return (
        Text(
            countdown(response, row.response_due_at, now),
            style=state_style(response, row.response_due_at, now, targets.response),
        ),
        Text(
            countdown(fix, row.resolve_due_at, now, _remaining(remaining)),
            style=state_style(fix, row.resolve_due_at, now, targets.fix),
        ),
    )


def _remaining(seconds: float | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=abs(seconds))


class QueueDataTable(DataTable):
    BINDINGS = [  # noqa: RUF012 - the console's vi keys, on the stock actions
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class BaselineApp(App):
    CSS = "QueueDataTable { height: 1fr; }"

    def __init__(self, db: str) -> None:
        super().__init__()
        self.desk = open_desk(load_settings(db=db))
        self.reader = DeskReader(self.desk)
        self.texts = Texts("en")
        self.rows: list[QueueRow] = []

    def compose(self) -> ComposeResult:
        yield QueueDataTable(cursor_type="row", zebra_stripes=False, id="queue")

    def on_mount(self) -> None:
        table = self.query_one(QueueDataTable)
        fixed = sum(width for _, width in COLUMNS) + 2 * len(COLUMNS)  # cell padding 1+1
        title = max(self.size.width - fixed - 2, 12)
        for name, width in COLUMNS:
            table.add_column(self.texts(f"column.{name}"), width=width or title, key=name)
        table.focus()
        self.load()
        self.set_interval(1.0, self.tick)

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        ids = self.reader.queue_ids(QueueFilter())
        found: dict[int, QueueRow] = {}
        for start in range(0, len(ids), CHUNK):
            found.update(self.reader.queue_rows(ids[start : start + CHUNK]))
        rows = [found[i] for i in ids if i in found]
        self.call_from_thread(self.show_rows, rows)

    def show_rows(self, rows: list[QueueRow]) -> None:
        t, now, policy = self.texts, self.desk.now(), self.desk.policy
        cells = []
        for row in rows:
            response, fix = countdown_cells(row, policy, now)
            cells.append(
                (
                    row.key,
                    Text(t.severity(row.severity), style=SEVERITY_STYLE[row.severity]),
                    Text(t.status(row.status), style="dim" if row.status == "waiting" else ""),
                    one_line(row.customer),
                    one_line(row.title),
                    one_line(row.assignee or t("queue.unassigned")),
                    response,
                    fix,
                )
            )
        self.rows = rows
        self.query_one(QueueDataTable).add_rows(cells)  # row keys are assigned in order

    def tick(self) -> None:
        """Rewrite the countdown cells of the rows on screen, and only those."""
        table = self.query_one(QueueDataTable)
        if not self.rows:
            return
        now, policy = self.desk.now(), self.desk.policy
        top = int(table.scroll_y)
        bottom = min(top + table.scrollable_content_region.height, len(self.rows))
        for index in range(top, bottom):
            response, fix = countdown_cells(self.rows[index], policy, now)
            table.update_cell_at((index, 6), response)
            table.update_cell_at((index, 7), fix)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/perf/baseline_datatable.py DB", file=sys.stderr)
        return 2
    BaselineApp(argv[0]).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
