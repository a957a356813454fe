"""Beside the queue: the selected ticket's description, both SLA bars and latest work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from helpdesk_tui.domain.sla import TargetState, stored_states
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line, printable
from helpdesk_tui.store.queries import TicketDetail
from helpdesk_tui.store.queue import QueueRow
from helpdesk_tui.tui.clock_text import SEVERITY_STYLE, STATE_STYLE, bar_colour, duration

BAR_WIDTH = 16
DESCRIPTION_LINES = 6


@dataclass(frozen=True)
class TargetView:
    """One SLA target as a bar shows it."""

    state: TargetState
    started: datetime  # when the customer reported the fault
    due: datetime | None
    done_at: datetime | None = None  # the first response, or the resolution
    remaining: timedelta | None = None  # a paused fix clock: working time left ...
    target: timedelta | None = None  # ... of this much

    @property
    def window(self) -> timedelta:
        return self.due - self.started if self.due is not None else timedelta(0)

    def used(self, now: datetime) -> float:
        """How far along the way to the deadline, 0..1 (wall time; working time when paused)."""
        if self.state is TargetState.PAUSED:
            if self.remaining is None or not self.target:
                return 0.0  # how much is used is not known here: an empty bar, and the text
            return 1 - self.remaining / self.target
        if self.due is None or not self.window:
            return 1.0
        return ((self.done_at or now) - self.started) / self.window


def response_view(row: QueueRow, now: datetime) -> TargetView:
    state = stored_states(row, now)[0]
    return TargetView(state, row.reported_at, row.response_due_at, row.first_response_at)


def fix_view(row: QueueRow, now: datetime, target: timedelta | None = None) -> TargetView:
    state = stored_states(row, now)[1]
    seconds = row.fix_remaining_seconds
    remaining = timedelta(seconds=seconds) if seconds is not None else None
    done = row.resolved_at
    return TargetView(state, row.reported_at, row.resolve_due_at, done, remaining, target)


def sla_bar(texts: Texts, label: str, view: TargetView, now: datetime, zone: ZoneInfo) -> Text:
    """`Response ██████░░░░ 2h05m left · due 14:30`."""
    filled = round(max(0.0, min(view.used(now), 1.0)) * BAR_WIDTH)
    line = Text(label, style="bold")
    line.append(" " * max(1, 5 - cell_len(label)))
    line.append("█" * filled, style=bar_colour(view.state, view.due, now, view.window))
    line.append("░" * (BAR_WIDTH - filled), style="dim")
    line.append(" ")
    line.append(_verdict(texts, view, now, zone), style=STATE_STYLE[view.state])
    return line


def _verdict(texts: Texts, view: TargetView, now: datetime, zone: ZoneInfo) -> str:
    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%m-%d %H:%M") if moment else ""

    state, due = view.state, view.due
    if state is TargetState.RUNNING and due is not None:
        left_text = texts("summary.remaining", time=duration(due - now))
        return f"{left_text} · {texts('summary.due', time=local(due))}"
    if state is TargetState.BREACHED:
        late = (now - due) if due is not None else -(view.remaining or timedelta(0))
        return texts("summary.overdue", time=duration(late))
    if state is TargetState.PAUSED:
        return texts("summary.paused_left", time=duration(view.remaining or timedelta(0)))
    if state is TargetState.MET:
        return texts("summary.met_at", time=local(view.done_at))
    if state is TargetState.MET_LATE:
        return texts("summary.late_at", time=local(view.done_at))
    return texts.state(state.value)


class TicketSummary(Static):
    DEFAULT_CSS = """
    TicketSummary { padding: 0 1; height: 1fr; }
    """

    def __init__(self, texts: Texts, zone: ZoneInfo, **kwargs) -> None:
        super().__init__(**kwargs)
        self.texts, self.zone = texts, zone
        self.row: QueueRow | None = None
        self.detail: TicketDetail | None = None

    def show(self, row: QueueRow | None, detail: TicketDetail | None, now: datetime) -> None:
        self.row, self.detail = row, detail
        self.update(self._render_summary(now))

    def tick(self, now: datetime) -> None:
        if self.row is not None:  # same size every second: no layout pass
            self.update(self._render_summary(now), layout=False)

    def _render_summary(self, now: datetime) -> RenderableType:
        row = self.row
        if row is None:
            return Text(self.texts("summary.none"), style="dim")
        t = self.texts
        heading = Text()
        heading.append(f"{row.key} ", style="bold")
        heading.append(t.severity(row.severity), style=SEVERITY_STYLE[row.severity])
        heading.append(f" · {t.status(row.status)}")
        parts: list[RenderableType] = [
            heading,
            Text(one_line(row.title), style="bold"),
            Text(f"{one_line(row.customer)} · {one_line(row.assignee or '—')}", style="dim"),
            Text(
                t(
                    "summary.reported",
                    time=row.reported_at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M"),
                    channel=t.channel(row.channel),
                ),
                style="dim",
            ),
            Text(""),
            sla_bar(t, t("summary.response"), response_view(row, now), now, self.zone),
            sla_bar(t, t("summary.fix"), fix_view(row, now), now, self.zone),
        ]
        parts.extend(self._description_and_log())
        return Group(*parts)

    def _description_and_log(self) -> list[RenderableType]:
        if self.detail is None:
            return []
        parts: list[RenderableType] = []
        description = self.detail.row.ticket.description
        if description:
            lines = printable(description).splitlines()[:DESCRIPTION_LINES]
            parts += [Text(""), Text("\n".join(lines))]
        parts += [Text(""), Text(self.texts("summary.latest"), style="bold underline")]
        if not self.detail.work_log:
            parts.append(Text(self.texts("summary.no_log"), style="dim"))
        for entry in self.detail.work_log[-3:]:
            when = entry.at.astimezone(self.zone).strftime("%m-%d %H:%M")
            parts.append(Text(f"{when} {one_line(entry.author)}", style="dim"))
            parts.append(Text(one_line(entry.text, 300)))
        return parts
