"""Duty roster rules (pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.roster import DutyRole, ShiftSlot, check_shift, on_duty, parse_role

T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
H = timedelta(hours=1)


def slot(who: str, role: DutyRole, start: float, end: float) -> ShiftSlot:
    return ShiftSlot(who, role, T0 + start * H, T0 + end * H)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (slot("lina", DutyRole.PRIMARY, 8, 8), "must end after it starts"),
        (slot("lina", DutyRole.PRIMARY, 8, 7), "must end after it starts"),
        (slot("lina", DutyRole.PRIMARY, 0, 24 * 7 + 1), "at most 7 days"),
        (slot("lina", DutyRole.BACKUP, 7, 9), "already on duty (primary)"),
    ],
)
def test_bad_shifts_are_refused(new, message):
    existing = [slot("lina", DutyRole.PRIMARY, 8, 16)]
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_shift(new, existing)


@pytest.mark.parametrize(
    "new",
    [
        slot("lina", DutyRole.PRIMARY, 16, 24),  # back to back
        slot("wangfang", DutyRole.PRIMARY, 8, 16),  # someone else at the same time
        slot("lina", DutyRole.PRIMARY, 0, 8),
    ],
)
def test_good_shifts_pass(new):
    check_shift(new, [slot("lina", DutyRole.PRIMARY, 8, 16)])


def test_on_duty_at_an_instant():
    shifts = [
        slot("lina", DutyRole.PRIMARY, 8, 16),
        slot("zhao", DutyRole.PRIMARY, 0, 8),
        slot("wang", DutyRole.MANAGER, 0, 24),
        slot("chen", DutyRole.BACKUP, 12, 20),
    ]
    assert on_duty(shifts, T0 + 8 * H) == {
        DutyRole.PRIMARY: ["lina"], DutyRole.BACKUP: [], DutyRole.MANAGER: ["wang"],
    }  # fmt: skip
    assert on_duty(shifts, T0 + 13 * H)[DutyRole.BACKUP] == ["chen"]
    assert on_duty(shifts, T0 + 24 * H) == {role: [] for role in DutyRole}


@pytest.mark.parametrize(
    ("text", "role"),
    [("primary", DutyRole.PRIMARY), ("Manager", DutyRole.MANAGER), ("备班", DutyRole.BACKUP),
     ("值班经理", DutyRole.MANAGER)],
)  # fmt: skip
def test_parse_role(text, role):
    assert parse_role(text) is role


def test_unknown_role():
    with pytest.raises(InvalidInput, match="unknown duty role"):
        parse_role("boss")
