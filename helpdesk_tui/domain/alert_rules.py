"""When alerts fall due (DESIGN.md §3): warnings at the policy's percentages of a target,
the breach at its deadline, then reminders every `repeat` until someone acknowledges.

A schedule is the whole series for one target of one subject (a ticket's response or fix,
later a training session's materials, a renewal ...). The sweep asks two questions of it:
which moment is the latest one that has come (`latest_until`), and which comes next
(`next_after`). Pure: every instant comes in as an argument.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

BREACH = 100
LATE_AFTER = timedelta(seconds=60)  # delivered later than this after its moment: "late"


@dataclass(frozen=True)
class Moment:
    """One alert moment. `at` is part of the alert's unique key: a moved deadline moves
    its moments, so it alerts again; an unchanged one never alerts twice."""

    target: str
    threshold: int  # percent of the target; BREACH (100) is the deadline itself
    at: datetime
    repeat: int = 0  # reminders after the breach: 1, 2, ...
    fixed_level: str | None = None  # for kinds whose one moment is not a broken promise

    @property
    def is_breach(self) -> bool:
        return self.threshold >= BREACH

    def level(self) -> str:
        if self.fixed_level:
            return self.fixed_level
        if self.is_breach:
            return "critical"
        return "warning" if self.threshold >= 75 else "info"

    def is_late(self, fired_at: datetime) -> bool:
        return fired_at - self.at > LATE_AFTER


@dataclass(frozen=True)
class Schedule:
    target: str
    warnings: tuple[tuple[int, datetime], ...]  # (percent, instant), in order
    due_at: datetime
    repeat: timedelta | None = None  # None: no reminders after the breach
    level: str | None = None  # the due moment's level, when it is not "critical"

    def moments_until(self, until: datetime) -> list[Moment]:
        """Every moment at or before `until` (reminders included), in order."""
        found = [Moment(self.target, p, at) for p, at in self.warnings if at <= until]
        if self.due_at <= until:
            found.append(self._reminder(0))
            if self.repeat:
                count = int((until - self.due_at) / self.repeat)
                found += [self._reminder(k) for k in range(1, count + 1)]
        return found

    def latest_until(self, until: datetime) -> Moment | None:
        if self.due_at <= until:
            if self.repeat:
                return self._reminder(int((until - self.due_at) / self.repeat))
            return self._reminder(0)
        passed = [Moment(self.target, p, at) for p, at in self.warnings if at <= until]
        return passed[-1] if passed else None

    def next_after(self, instant: datetime | None, *, reminders: bool = True) -> Moment | None:
        """The first moment strictly after `instant` (None: the very first one)."""
        for percent, at in self.warnings:
            if instant is None or at > instant:
                return Moment(self.target, percent, at)
        if instant is None or self.due_at > instant:
            return self._reminder(0)
        if not (self.repeat and reminders):
            return None
        return self._reminder(int((instant - self.due_at) / self.repeat) + 1)

    def _reminder(self, k: int) -> Moment:
        """The due moment itself (k = 0) or the k-th reminder after it."""
        if k == 0:
            return Moment(self.target, BREACH, self.due_at, fixed_level=self.level)
        assert self.repeat is not None
        at = self.due_at + k * self.repeat
        return Moment(self.target, BREACH, at, repeat=k, fixed_level=self.level)


def build_schedule(
    target: str,
    due_at: datetime,
    percents: tuple[int, ...],
    instant_for: Callable[[int], datetime],
    repeat: timedelta | None,
) -> Schedule:
    """`instant_for(percent)` says when that share of the target is used (calendar work)."""
    warnings = tuple((p, instant_for(p)) for p in sorted(percents) if 0 < p < BREACH)
    return Schedule(target, warnings, due_at, repeat)


@dataclass(frozen=True)
class Step:
    """What a sweep does with one due timer: claim `fire` (if any), then wait for `next_at`."""

    fire: Moment | None
    next_at: datetime | None
    fired_upto: datetime | None


def sweep_step(
    schedule: Schedule | None,
    fired_upto: datetime | None,
    acked_due_at: datetime | None,
    now: datetime,
) -> Step:
    """Catch-up fires once: of the moments that came since the last one fired, only the
    latest is claimed (after a night with the daemon down, one late alert, not twelve)."""
    if schedule is None:  # the target is met, paused or cancelled: nothing more to say
        return Step(None, None, fired_upto)
    reminders = acked_due_at != schedule.due_at
    latest = schedule.latest_until(now)
    if latest is not None and latest.repeat and not reminders:
        latest = None  # the breach was acknowledged: no more reminders for this deadline
    fire = latest if latest is not None and (fired_upto is None or latest.at > fired_upto) else None
    upto = fire.at if fire else fired_upto
    following = schedule.next_after(max(upto, now) if upto else now, reminders=reminders)
    return Step(fire, following.at if following else None, upto)


def first_timer(schedule: Schedule | None, fired_upto: datetime | None) -> datetime | None:
    """When a timer should wake after its subject changed: the first moment after the last
    one fired, even if that is already past (the sweep then fires it, late if it is)."""
    if schedule is None:
        return None
    following = schedule.next_after(fired_upto)
    return following.at if following else None
