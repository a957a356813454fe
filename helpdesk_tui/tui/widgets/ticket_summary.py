"""Beside the queue: the selected ticket's description, both SLA bars and latest work."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from helpdesk_tui.domain.severity import Severity, SlaPolicy
from helpdesk_tui.domain.sla import TargetState
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line, printable
from helpdesk_tui.store.queries import TicketDetail
from helpdesk_tui.store.queue import QueueRow
from helpdesk_tui.tui.clock_text import SEVERITY_STYLE, STATE_STYLE, bar_colour, duration
from helpdesk_tui.tui.widgets.queue_table import row_states

BAR_WIDTH = 24
DESCRIPTION_LINES = 6


def sla_bar(
    texts: Texts,
    label: str,
    state: TargetState,
    due: datetime | None,
    target: timedelta,
    now: datetime,
    zone: ZoneInfo,
    remaining: timedelta | None = None,
) -> Text:
    """`Response ██████░░░░ 2h05m left · due 14:30`: share of the target used so far."""
    if due is not None and state in (TargetState.RUNNING, TargetState.BREACHED):
        left = due - now
        used = 1 - left / target if target else 1
    elif remaining is not None:
        left, used = remaining, 1 - remaining / target if target else 1
    else:
        left, used = timedelta(0), 1.0
    filled = round(max(0.0, min(used, 1.0)) * BAR_WIDTH)
    line = Text(f"{label:<4} ", style="bold")
    line.append("█" * filled, style=bar_colour(state, due, now, target))
    line.append("░" * (BAR_WIDTH - filled), style="dim")
    line.append(" " + _verdict(texts, state, due, left, now, zone), style=STATE_STYLE[state])
    return line


def _verdict(
    texts: Texts,
    state: TargetState,
    due: datetime | None,
    left: timedelta,
    now: datetime,
    zone: ZoneInfo,
) -> str:
    when = due.astimezone(zone).strftime("%m-%d %H:%M") if due else ""
    if state is TargetState.RUNNING:
        return (
            f"{texts('summary.remaining', time=duration(left))} · {texts('summary.due', time=when)}"
        )
    if state is TargetState.BREACHED:
        late = (now - due) if due else -left
        return texts("summary.overdue", time=duration(late))
    if state is TargetState.PAUSED:
        return texts("summary.paused_left", time=duration(left))
    if state is TargetState.MET:
        return texts("summary.met_at", time=when)
    if state is TargetState.MET_LATE:
        return texts("summary.late_at", time=when)
    return texts.state(state.value)


class TicketSummary(Static):
    DEFAULT_CSS = """
    TicketSummary { padding: 0 1; height: 1fr; }
    """

    def __init__(self, texts: Texts, policy: SlaPolicy, zone: ZoneInfo, **kwargs) -> None:
        super().__init__(**kwargs)
        self.texts, self.policy, self.zone = texts, policy, zone
        self.row: QueueRow | None = None
        self.detail: TicketDetail | None = None

    def show(self, row: QueueRow | None, detail: TicketDetail | None, now: datetime) -> None:
        self.row, self.detail = row, detail
        self.update(self._render_summary(now))

    def tick(self, now: datetime) -> None:
        if self.row is not None:
            self.update(self._render_summary(now))

    def _render_summary(self, now: datetime) -> RenderableType:
        row = self.row
        if row is None:
            return Text(self.texts("summary.none"), style="dim")
        t = self.texts
        targets = self.policy.targets[Severity(row.severity)]
        response, fix = row_states(row, now)
        remaining = (
            timedelta(seconds=row.fix_remaining_seconds)
            if row.fix_remaining_seconds is not None
            else None
        )
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
            sla_bar(
                t,
                t("summary.response"),
                response,
                row.response_due_at,
                targets.response,
                now,
                self.zone,
            ),
            sla_bar(
                t, t("summary.fix"), fix, row.resolve_due_at, targets.fix, now, self.zone, remaining
            ),
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
