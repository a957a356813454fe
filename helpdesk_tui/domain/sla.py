"""SLA clocks (DESIGN.md §3): deadlines, pauses and the state of each target.

Both clocks start at `reported_at`. The response clock never pauses; the fix clock
pauses while the ticket is in a pausing status (waiting for the customer, resolved
awaiting acceptance). Everything is computed from the facts, so a severity change
simply re-evaluates with other targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

ZERO = timedelta(0)


class Clock(Protocol):
    """What the SLA maths needs of a work calendar."""

    def add(self, start: datetime, work: timedelta) -> datetime: ...
    def between(self, start: datetime, end: datetime) -> timedelta: ...


class TargetState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    MET_LATE = "met_late"
    BREACHED = "breached"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Pause:
    """An interval during which the fix clock stood still; `end` is None while it lasts."""

    start: datetime
    end: datetime | None = None


@dataclass(frozen=True)
class ClockFacts:
    """What happened to a ticket, as far as its clocks are concerned."""

    reported_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    cancelled_at: datetime | None = None
    pauses: Sequence[Pause] = ()

    @property
    def open_pause(self) -> Pause | None:
        if self.pauses and self.pauses[-1].end is None:
            return self.pauses[-1]
        return None

    @property
    def paused_seconds_closed(self) -> float:
        return sum(((p.end - p.start).total_seconds() for p in self.pauses if p.end), 0.0)


@dataclass(frozen=True)
class Deadlines:
    """What is stored on the ticket so that views and sweeps never recompute calendars."""

    response_due_at: datetime
    resolve_due_at: datetime | None  # None while waiting for the customer
    fix_remaining: timedelta | None  # working time left, kept while the fix clock waits

    def next_due_at(self, facts: ClockFacts) -> datetime | None:
        """The most urgent deadline still running, for ordering the queue."""
        if facts.cancelled_at or facts.resolved_at:
            return None
        if facts.first_response_at is None:
            return self.response_due_at
        return self.resolve_due_at


@dataclass(frozen=True)
class TargetClock:
    due_at: datetime | None
    state: TargetState
    target: timedelta
    used: timedelta  # working time consumed so far

    @property
    def fraction(self) -> float:
        return self.used / self.target if self.target else 1.0

    @property
    def remaining(self) -> timedelta:
        return self.target - self.used


def _fix_instant(facts: ClockFacts, clock: Clock, work: timedelta) -> datetime:
    """When `work` of fix-clock working time is used, skipping closed pauses.

    An open pause is ignored: the answer is when it would fall if the clock ran on.
    A deadline reached before a pause stays where it was.
    """
    cursor, remaining = facts.reported_at, work
    for pause in facts.pauses:
        if pause.end is None:
            break
        worked = clock.between(cursor, pause.start) if pause.start > cursor else ZERO
        if worked >= remaining:
            return clock.add(cursor, remaining)
        remaining -= worked
        cursor = max(cursor, pause.end)
    return clock.add(cursor, remaining)


def fix_used(facts: ClockFacts, clock: Clock, now: datetime) -> timedelta:
    """Working time the fix clock has run between reported_at and now, pauses excluded."""
    used, cursor = ZERO, facts.reported_at
    for pause in facts.pauses:
        stop = min(pause.start, now)
        if stop > cursor:
            used += clock.between(cursor, stop)
        if pause.end is None or pause.end >= now:
            return used
        cursor = max(cursor, pause.end)
    if now > cursor:
        used += clock.between(cursor, now)
    return used


def threshold_instant(
    facts: ClockFacts, clock: Clock, target: timedelta, percent: float, *, fix: bool
) -> datetime:
    """When `percent` of a target is used: the warning moments and (at 100) the deadline."""
    work = target * (percent / 100)
    if fix:
        return _fix_instant(facts, clock, work)
    return clock.add(facts.reported_at, work)


def deadlines(facts: ClockFacts, clock: Clock, response: timedelta, fix: timedelta) -> Deadlines:
    """Both deadlines; a resolved ticket keeps the fix deadline that held when it was resolved."""
    response_due = clock.add(facts.reported_at, response)
    pause = facts.open_pause
    if pause is None or facts.resolved_at is not None:
        return Deadlines(response_due, _fix_instant(facts, clock, fix), None)
    return Deadlines(response_due, None, fix - fix_used(facts, clock, pause.start))


def response_clock(
    facts: ClockFacts, clock: Clock, target: timedelta, now: datetime
) -> TargetClock:
    due = clock.add(facts.reported_at, target)
    answered = facts.first_response_at
    end = answered or facts.cancelled_at or now
    used = clock.between(facts.reported_at, max(end, facts.reported_at))
    if answered is not None:
        state = TargetState.MET if answered <= due else TargetState.MET_LATE
    elif facts.cancelled_at is not None:
        state = TargetState.CANCELLED
    else:
        state = TargetState.BREACHED if now > due else TargetState.RUNNING
    return TargetClock(due, state, target, used)


def fix_clock(facts: ClockFacts, clock: Clock, target: timedelta, now: datetime) -> TargetClock:
    due = _fix_instant(facts, clock, target)
    if facts.resolved_at is not None:
        used = fix_used(facts, clock, facts.resolved_at)
        state = TargetState.MET if facts.resolved_at <= due else TargetState.MET_LATE
        return TargetClock(due, state, target, used)
    if facts.cancelled_at is not None:
        return TargetClock(due, TargetState.CANCELLED, target, fix_used(facts, clock, now))
    used = fix_used(facts, clock, now)
    if used >= target and now > due:
        return TargetClock(due, TargetState.BREACHED, target, used)
    if facts.open_pause is not None:
        return TargetClock(None, TargetState.PAUSED, target, used)
    return TargetClock(due, TargetState.RUNNING, target, used)


def stored_state(
    *,
    due_at: datetime | None,
    done_at: datetime | None,
    cancelled_at: datetime | None,
    paused_remaining: timedelta | None,
    now: datetime,
) -> TargetState:
    """A target's state from the stored deadline alone (no calendar work), for views."""
    if done_at is not None and due_at is not None:
        return TargetState.MET if done_at <= due_at else TargetState.MET_LATE
    if cancelled_at is not None:
        return TargetState.CANCELLED
    if due_at is None:
        if paused_remaining is not None and paused_remaining < ZERO:
            return TargetState.BREACHED
        return TargetState.PAUSED
    return TargetState.BREACHED if now > due_at else TargetState.RUNNING


class StoredClocks(Protocol):
    """The deadline fields a stored ticket (or a row of the queue) carries."""

    response_due_at: datetime
    first_response_at: datetime | None
    resolve_due_at: datetime | None
    resolved_at: datetime | None
    cancelled_at: datetime | None
    fix_remaining_seconds: float | None


def stored_states(ticket: StoredClocks, now: datetime) -> tuple[TargetState, TargetState]:
    """The response and fix states of a stored ticket, without calendar work."""
    response = stored_state(
        due_at=ticket.response_due_at,
        done_at=ticket.first_response_at,
        cancelled_at=ticket.cancelled_at,
        paused_remaining=None,
        now=now,
    )
    remaining = ticket.fix_remaining_seconds
    fix = stored_state(
        due_at=ticket.resolve_due_at,
        done_at=ticket.resolved_at,
        cancelled_at=ticket.cancelled_at,
        paused_remaining=timedelta(seconds=remaining) if remaining is not None else None,
        now=now,
    )
    return response, fix
