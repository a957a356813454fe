"""The alert moments of one target: warnings, breach, reminders, catch-up (pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk_tui.domain.alert_rules import BREACH, Moment, Schedule, build_schedule, sweep_step

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
M = timedelta(minutes=1)
H = timedelta(hours=1)


def one_hour_target(repeat: timedelta | None = 30 * M) -> Schedule:
    """Response in one hour of 24x7 time: 50 % at +30 min, 75 % at +45, 90 % at +54."""
    return build_schedule("response", T0 + H, (50, 75, 90), lambda p: T0 + H * p / 100, repeat)


@pytest.mark.parametrize(
    ("minutes", "threshold", "repeat"),
    [
        (29, None, None),
        (30, 50, 0),
        (44, 50, 0),
        (45, 75, 0),
        (54, 90, 0),
        (60, BREACH, 0),
        (89, BREACH, 0),
        (90, BREACH, 1),
        (125, BREACH, 2),
    ],
)
def test_latest_moment(minutes, threshold, repeat):
    latest = one_hour_target().latest_until(T0 + minutes * M)
    if threshold is None:
        assert latest is None
    else:
        assert (latest.threshold, latest.repeat) == (threshold, repeat)


@pytest.mark.parametrize(
    ("after_minutes", "expected_minutes", "threshold"),
    [
        (None, 30, 50), (30, 45, 75), (50, 54, 90),
        (54, 60, BREACH), (60, 90, BREACH), (95, 120, BREACH),
    ],
)  # fmt: skip
def test_next_moment(after_minutes, expected_minutes, threshold):
    after = None if after_minutes is None else T0 + after_minutes * M
    following = one_hour_target().next_after(after)
    assert following.at == T0 + expected_minutes * M
    assert following.threshold == threshold


def test_no_reminders_without_a_repeat():
    assert one_hour_target(repeat=None).next_after(T0 + H) is None
    assert one_hour_target(repeat=None).latest_until(T0 + 5 * H).repeat == 0


def test_moments_until_lists_every_one_in_order():
    moments = one_hour_target().moments_until(T0 + 121 * M)
    assert [(m.threshold, m.repeat) for m in moments] == [
        (50, 0), (75, 0), (90, 0), (100, 0), (100, 1), (100, 2),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("fired_upto", "now", "fires", "next_at"),
    [
        # on time: each moment fires once, then the timer waits for the next
        (None, 30, (50, 0), 45),
        (30, 45, (75, 0), 54),
        # asked again at the same moment: nothing new
        (45, 45, None, 54),
        # down from +20 to +58: one catch-up alert (90 %), not three, then the breach
        (20, 58, (90, 0), 60),
        # the breach, then reminders every 30 minutes
        (54, 60, (BREACH, 0), 90),
        (60, 90, (BREACH, 1), 120),
        # down through three reminder slots: the latest only
        (60, 155, (BREACH, 3), 180),
    ],
)
def test_sweep_step(fired_upto, now, fires, next_at):
    upto = None if fired_upto is None else T0 + fired_upto * M
    step = sweep_step(one_hour_target(), upto, None, T0 + now * M)
    assert (None if step.fire is None else (step.fire.threshold, step.fire.repeat)) == fires
    assert step.next_at == T0 + next_at * M
    assert step.fired_upto == (step.fire.at if step.fire else upto)


def test_an_acknowledged_breach_stops_the_reminders_of_that_deadline():
    schedule = one_hour_target()
    step = sweep_step(schedule, T0 + H, schedule.due_at, T0 + 100 * M)
    assert step.fire is None and step.next_at is None


def test_an_acknowledged_breach_of_an_old_deadline_does_not_silence_a_new_one():
    schedule = one_hour_target()
    step = sweep_step(schedule, T0 + H, schedule.due_at - H, T0 + 90 * M)
    assert step.fire.repeat == 1


def test_a_met_or_paused_target_stops_its_timer():
    step = sweep_step(None, T0, None, T0 + 5 * H)
    assert (step.fire, step.next_at, step.fired_upto) == (None, None, T0)


def test_a_later_deadline_alerts_again_from_its_own_moments():
    """Severity lowered after the 90 % warning: the new, later 50 % moment alerts again."""
    later = build_schedule("fix", T0 + 8 * H, (50, 75, 90), lambda p: T0 + 8 * H * p / 100, None)
    step = sweep_step(later, T0 + 54 * M, None, T0 + 4 * H)
    assert (step.fire.threshold, step.fire.at) == (50, T0 + 4 * H)


@pytest.mark.parametrize(
    ("threshold", "level"), [(50, "info"), (75, "warning"), (90, "warning"), (100, "critical")]
)
def test_levels(threshold, level):
    assert Moment("fix", threshold, T0).level() == level


def test_late_means_more_than_a_minute_after_the_moment():
    moment = Moment("fix", 50, T0)
    assert not moment.is_late(T0 + 59 * timedelta(seconds=1))
    assert moment.is_late(T0 + 61 * timedelta(seconds=1))
