"""Training rules (seed §1.2), pure and table-driven."""

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.training import (
    Audience,
    Category,
    Mode,
    SessionStatus,
    Slot,
    advisories,
    check_outcome,
    check_trainers_free,
    materials_due,
    materials_late,
    needs_agreement,
    session_end,
)

T0 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
D, H = timedelta(days=1), timedelta(hours=1)


def slot(trainers: str, start: float, end: float, session_id: int | None = None) -> Slot:
    return Slot(session_id, "系统操作培训", frozenset(trainers.split(",")), T0 + start * H,
                T0 + end * H)  # fmt: skip


@pytest.mark.parametrize(
    ("new", "refused"),
    [
        (slot("lina", 2, 4), True),  # inside
        (slot("lina", -1, 1), True),  # across the start
        (slot("wangfang,lina", 7, 9), True),  # one shared trainer is enough
        (slot("lina", 8, 10), False),  # back to back
        (slot("wangfang", 2, 4), False),  # another trainer
        (slot("lina", 2, 4, session_id=1), False),  # the session itself, moved
    ],
)
def test_a_trainer_cannot_teach_twice_at_once(new, refused):
    existing = [slot("lina", 0, 8, session_id=1)]
    if refused:
        with pytest.raises(InvalidInput, match="lina already teaches"):
            check_trainers_free(new, existing)
    else:
        check_trainers_free(new, existing)


def test_a_session_needs_a_trainer():
    with pytest.raises(InvalidInput, match="trainer"):
        check_trainers_free(Slot(None, "x", frozenset(), T0, T0 + H), [])


@pytest.mark.parametrize(
    ("end", "expected", "error"),
    [
        (None, T0 + 8 * H, None),  # one training day
        (T0 + 2 * D, T0 + 2 * D, None),
        (T0, None, "end after"),
        (T0 - H, None, "end after"),
        (T0 + 15 * D, None, "14 days"),
    ],
)
def test_session_end(end, expected, error):
    if error:
        with pytest.raises(InvalidInput, match=error):
            session_end(T0, end)
    else:
        assert session_end(T0, end) == expected


@pytest.mark.parametrize(
    ("status", "now", "flagged"),
    [
        (SessionStatus.PROPOSED, T0 - 8 * D, False),
        (SessionStatus.PROPOSED, T0 - 7 * D, True),
        (SessionStatus.PROPOSED, T0 - H, True),
        (SessionStatus.PROPOSED, T0, False),  # it has started: too late to flag
        (SessionStatus.AGREED, T0 - D, False),
        (SessionStatus.CANCELLED, T0 - D, False),
    ],
)
def test_a_proposed_session_close_to_its_start_is_flagged(status, now, flagged):
    assert needs_agreement(status, T0, now) is flagged


@pytest.mark.parametrize(
    ("ready", "status", "now", "late"),
    [
        (False, SessionStatus.AGREED, T0 - 3 * D - H, False),  # not due yet
        (False, SessionStatus.AGREED, T0 - 3 * D, True),
        (False, SessionStatus.PROPOSED, T0 - D, True),
        (True, SessionStatus.AGREED, T0 - D, False),
        (False, SessionStatus.CANCELLED, T0 - D, False),
        (False, SessionStatus.AGREED, T0 + H, False),  # the session is on: moot
    ],
)
def test_materials_are_due_three_days_before(ready, status, now, late):
    assert materials_due(T0) == T0 - 3 * D
    assert materials_late(ready, status, T0, now) is late


@pytest.mark.parametrize(
    ("audience", "count", "advised"),
    [(Audience.ADMINS, 0, True), (Audience.ADMINS, 1, False), (Audience.ADMINS, 3, False),
     (Audience.ADMINS, 4, True), (Audience.USERS, 40, False)],
)  # fmt: skip
def test_administrators_are_trained_one_to_three_at_a_time(audience, count, advised):
    assert bool(advisories(audience, count)) is advised


@pytest.mark.parametrize(
    ("attended", "feedback", "error"),
    [(10, 4.5, None), (0, None, None), (-1, None, "attended"), (10, 0, "feedback"),
     (10, 5.1, "feedback")],
)  # fmt: skip
def test_outcome(attended, feedback, error):
    if error:
        with pytest.raises(InvalidInput, match=error):
            check_outcome(attended, 10, feedback)
    else:
        check_outcome(attended, 10, feedback)


@pytest.mark.parametrize(
    ("enum", "text", "member"),
    [(Category, "维护管理与故障诊断处理", Category.MAINTENANCE),
     (Audience, "系统管理员", Audience.ADMINS),
     (Mode, "Desk_Side", Mode.DESK_SIDE), (SessionStatus, "已确认", SessionStatus.AGREED)],
)  # fmt: skip
def test_names_in_either_language(enum, text, member):
    assert enum.parse(text) is member


def test_an_unknown_name_lists_the_choices():
    with pytest.raises(InvalidInput, match="leaders"):
        Audience.parse("students")
