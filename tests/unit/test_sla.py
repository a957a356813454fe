"""The SLA clocks of DESIGN.md §3, table-driven, on 24x7 and on an office calendar."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.domain.calendar import always_on, parse_calendar
from helpdesk_tui.domain.severity import SEED_TARGETS, Severity
from helpdesk_tui.domain.sla import (
    ClockFacts,
    Pause,
    TargetState,
    deadlines,
    fix_clock,
    response_clock,
    stored_state,
    threshold_instant,
)

UTC = ZoneInfo("UTC")
SHANGHAI = ZoneInfo("Asia/Shanghai")
H = timedelta(hours=1)
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday
ALWAYS = always_on("UTC")
OFFICE = parse_calendar(
    {
        "name": "office",
        "timezone": "Asia/Shanghai",
        "hours": {d: ["09:00-12:00", "13:30-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
    }
)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("severity", "response_h", "fix_h"),
    [
        (Severity.URGENT, 1, 24),
        (Severity.SERIOUS, 2, 24),
        (Severity.MEDIUM, 8, 48),
        (Severity.MINOR, 8, 72),
    ],
)
def test_seed_targets_give_deadlines_from_reported_at(severity, response_h, fix_h):
    targets = SEED_TARGETS[severity]
    due = deadlines(ClockFacts(reported_at=T0), ALWAYS, targets.response, targets.fix)
    assert due.response_due_at == at(response_h)
    assert due.resolve_due_at == at(fix_h)
    assert due.fix_remaining is None


@pytest.mark.parametrize(
    ("facts", "now", "expected"),
    [
        (ClockFacts(T0), at(0.5), TargetState.RUNNING),
        (ClockFacts(T0), at(1.01), TargetState.BREACHED),
        (ClockFacts(T0, first_response_at=at(0.9)), at(30), TargetState.MET),
        (ClockFacts(T0, first_response_at=at(1)), at(30), TargetState.MET),
        (ClockFacts(T0, first_response_at=at(1.5)), at(30), TargetState.MET_LATE),
        (ClockFacts(T0, cancelled_at=at(0.5)), at(30), TargetState.CANCELLED),
        # the response clock never pauses
        (ClockFacts(T0, pauses=(Pause(at(0.2), None),)), at(2), TargetState.BREACHED),
    ],
)
def test_response_clock_states(facts, now, expected):
    assert response_clock(facts, ALWAYS, H, now).state is expected


@pytest.mark.parametrize(
    ("facts", "now", "state", "due"),
    [
        (ClockFacts(T0, at(0.5)), at(10), TargetState.RUNNING, at(24)),
        (ClockFacts(T0, at(0.5)), at(25), TargetState.BREACHED, at(24)),
        # waiting for the customer for 3 h moves the fix deadline by 3 h
        (
            ClockFacts(T0, at(0.5), pauses=(Pause(at(2), at(5)),)),
            at(10),
            TargetState.RUNNING,
            at(27),
        ),
        # while waiting, there is no running deadline
        (ClockFacts(T0, at(0.5), pauses=(Pause(at(2), None),)), at(40), TargetState.PAUSED, None),
        # a deadline already missed before the pause stays missed
        (
            ClockFacts(T0, at(0.5), pauses=(Pause(at(30), None),)),
            at(40),
            TargetState.BREACHED,
            at(24),
        ),
        # resolved in time, then waiting for acceptance: met
        (
            ClockFacts(T0, at(0.5), resolved_at=at(20), pauses=(Pause(at(20), None),)),
            at(100),
            TargetState.MET,
            at(24),
        ),
        (
            ClockFacts(T0, at(0.5), resolved_at=at(26), pauses=(Pause(at(26), None),)),
            at(100),
            TargetState.MET_LATE,
            at(24),
        ),
        # reopened after 10 h awaiting acceptance: those 10 h do not count
        (
            ClockFacts(T0, at(0.5), pauses=(Pause(at(20), at(30)),)),
            at(31),
            TargetState.RUNNING,
            at(34),
        ),
        (ClockFacts(T0, at(0.5), cancelled_at=at(3)), at(40), TargetState.CANCELLED, at(24)),
    ],
)
def test_fix_clock_states(facts, now, state, due):
    clock = fix_clock(facts, ALWAYS, 24 * H, now)
    assert clock.state is state
    assert clock.due_at == due


def test_fix_clock_counts_only_running_time():
    facts = ClockFacts(T0, at(0.5), pauses=(Pause(at(2), at(5)), Pause(at(8), None)))
    clock = fix_clock(facts, ALWAYS, 24 * H, at(50))
    assert clock.used == 5 * H  # 0-2 and 5-8
    assert clock.remaining == 19 * H


def test_paused_ticket_stores_remaining_work():
    facts = ClockFacts(T0, at(0.5), pauses=(Pause(at(2), at(5)), Pause(at(8), None)))
    due = deadlines(facts, ALWAYS, H, 24 * H)
    assert due.resolve_due_at is None
    assert due.fix_remaining == 19 * H
    assert due.next_due_at(facts) is None


def test_severity_change_recomputes_from_reported_at():
    facts = ClockFacts(T0)
    before = deadlines(facts, ALWAYS, *_targets(Severity.MINOR))
    after = deadlines(facts, ALWAYS, *_targets(Severity.URGENT))
    assert (before.response_due_at, before.resolve_due_at) == (at(8), at(72))
    assert (after.response_due_at, after.resolve_due_at) == (at(1), at(24))


def _targets(severity: Severity) -> tuple[timedelta, timedelta]:
    return SEED_TARGETS[severity].response, SEED_TARGETS[severity].fix


def test_next_due_is_response_until_answered_then_fix():
    unanswered = ClockFacts(T0)
    answered = ClockFacts(T0, first_response_at=at(0.5))
    assert deadlines(unanswered, ALWAYS, H, 24 * H).next_due_at(unanswered) == at(1)
    assert deadlines(answered, ALWAYS, H, 24 * H).next_due_at(answered) == at(24)


@pytest.mark.parametrize(
    ("reported", "severity", "response_due", "fix_due"),
    [
        # Friday 17:00: one hour left that day, the second on Monday morning
        (local(2026, 11, 20, 17, 0), Severity.SERIOUS, local(2026, 11, 23, 10, 0), None),
        # before lunch: the break is not working time
        (local(2026, 11, 23, 11, 30), Severity.URGENT, local(2026, 11, 23, 14, 0), None),
        # medium: 8 h of office time = one day and half an hour
        (local(2026, 11, 23, 9, 0), Severity.MEDIUM, local(2026, 11, 24, 9, 30), None),
        # reported at night: the clock starts at the next opening
        (
            local(2026, 11, 24, 22, 0),
            Severity.URGENT,
            local(2026, 11, 25, 10, 0),
            local(2026, 11, 30, 10, 30),  # 24 h = three 7.5 h days, a weekend, 1.5 h
        ),
    ],
)
def test_office_calendar_deadlines(reported, severity, response_due, fix_due):
    due = deadlines(ClockFacts(reported), OFFICE, *_targets(severity))
    assert due.response_due_at == response_due
    if fix_due:
        assert due.resolve_due_at == fix_due


def test_waiting_overnight_on_office_calendar_costs_no_office_time():
    reported = local(2026, 11, 23, 9, 0)
    pause = Pause(local(2026, 11, 23, 17, 0), local(2026, 11, 24, 9, 0))
    facts = ClockFacts(reported, reported, pauses=(pause,))
    # the 17:00-18:00 hour was lost to waiting: the deadline moves by that one office hour
    plain = deadlines(ClockFacts(reported, reported), OFFICE, H, 24 * H).resolve_due_at
    moved = deadlines(facts, OFFICE, H, 24 * H).resolve_due_at
    assert OFFICE.between(plain, moved) == H


@pytest.mark.parametrize(("percent", "hours"), [(50, 12), (75, 18), (90, 21.6), (100, 24)])
def test_warning_thresholds(percent, hours):
    facts = ClockFacts(T0, at(0.1))
    assert threshold_instant(facts, ALWAYS, 24 * H, percent, fix=True) == at(hours)


def test_thresholds_move_with_pauses():
    facts = ClockFacts(T0, at(0.1), pauses=(Pause(at(1), at(3)),))
    assert threshold_instant(facts, ALWAYS, 24 * H, 50, fix=True) == at(14)
    assert threshold_instant(facts, ALWAYS, H, 50, fix=False) == at(0.5)


@pytest.mark.parametrize(
    ("due", "done", "cancelled", "remaining", "now", "state"),
    [
        (at(1), None, None, None, at(0.5), TargetState.RUNNING),
        (at(1), None, None, None, at(2), TargetState.BREACHED),
        (at(1), at(0.5), None, None, at(2), TargetState.MET),
        (at(1), at(1.5), None, None, at(2), TargetState.MET_LATE),
        (at(1), None, at(0.2), None, at(2), TargetState.CANCELLED),
        (None, None, None, 3 * H, at(2), TargetState.PAUSED),
        (None, None, None, -H, at(2), TargetState.BREACHED),
    ],
)
def test_stored_state(due, done, cancelled, remaining, now, state):
    found = stored_state(
        due_at=due, done_at=done, cancelled_at=cancelled, paused_remaining=remaining, now=now
    )
    assert found is state


durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5))
offsets = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20))


@given(start=offsets, pause_at=offsets, pause_len=durations, target=durations)
def test_a_pause_never_brings_a_deadline_forward(start, pause_at, pause_len, target):
    reported = local(2026, 9, 1, 0, 0) + start
    pause = Pause(reported + pause_at, reported + pause_at + pause_len)
    for calendar in (ALWAYS, OFFICE):
        plain = deadlines(ClockFacts(reported), calendar, H, target).resolve_due_at
        paused = deadlines(ClockFacts(reported, pauses=(pause,)), calendar, H, target)
        assert paused.resolve_due_at is not None and plain is not None
        assert paused.resolve_due_at >= plain >= reported
