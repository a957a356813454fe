"""Countdowns and SLA colours as the console shows them."""

from __future__ import annotations

from datetime import datetime, timedelta

from helpdesk_tui.domain.sla import TargetState

SEVERITY_STYLE = {
    "urgent": "bold #ff5f5f",
    "serious": "bold #ffaf00",
    "medium": "#d7d75f",
    "minor": "#5fafd7",
}
STATE_STYLE = {
    TargetState.BREACHED: "bold #ffffff on #af0000",
    TargetState.RUNNING: "",
    TargetState.PAUSED: "dim",
    TargetState.MET: "#5faf5f",
    TargetState.MET_LATE: "#d7875f",
    TargetState.CANCELLED: "dim",
}
WARNING_STYLE = "bold #ffd700"  # running, with less than a quarter of the target left
BAR_COLOUR = {
    TargetState.BREACHED: "#d70000",
    TargetState.RUNNING: "#5faf5f",
    TargetState.PAUSED: "grey50",
    TargetState.MET: "#5faf5f",
    TargetState.MET_LATE: "#d7875f",
    TargetState.CANCELLED: "grey35",
}


def duration(delta: timedelta) -> str:
    """Compact and ticking: `45m12s` under an hour, `5h07m` under a day, then `2d03h`."""
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{seconds:02d}s"


def countdown(
    state: TargetState, due: datetime | None, now: datetime, remaining: timedelta | None = None
) -> str:
    if state is TargetState.RUNNING and due is not None:
        return duration(due - now)
    if state is TargetState.BREACHED and due is not None:
        return "+" + duration(now - due)
    if state is TargetState.BREACHED and remaining is not None:
        return "+" + duration(remaining)
    if state is TargetState.PAUSED:
        return "‖ " + duration(remaining) if remaining is not None else "‖"
    if state is TargetState.MET:
        return "✓"
    if state is TargetState.MET_LATE:
        return "✓ late"
    return "—"


def state_style(state: TargetState, due: datetime | None, now: datetime, window: timedelta) -> str:
    """`window` is the wall time from the report to the deadline: the last quarter warns."""
    if state is TargetState.RUNNING and due is not None and window and (due - now) < window / 4:
        return WARNING_STYLE
    return STATE_STYLE[state]


def bar_colour(state: TargetState, due: datetime | None, now: datetime, window: timedelta) -> str:
    if state_style(state, due, now, window) == WARNING_STYLE:
        return "#ffd700"
    return BAR_COLOUR[state]
