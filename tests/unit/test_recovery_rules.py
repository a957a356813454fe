"""The rules of disaster-recovery plans (灾难恢复预案): what a plan must hold, when its
drill is due, and when its RPO outruns the backups."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.recovery import (
    EmergencyContact,
    check_drill_date,
    check_drill_interval,
    check_objectives,
    clean_steps,
    drill_moments,
    drill_state,
    next_drill_on,
    parse_contact,
    parse_contacts,
    rpo_warning,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTH = 30 * 24 * 60


@pytest.mark.parametrize(
    ("rto", "rpo", "refused"),
    [(240, 60, None), (1, 1, None), (MONTH, MONTH, None), (0, 60, "RTO"), (240, 0, "RPO"),
     (-5, 60, "RTO"), (MONTH + 1, 60, "RTO"), (240, MONTH + 1, "RPO"), (True, 60, "RTO")],
)  # fmt: skip
def test_objectives_are_positive_and_at_most_30_days(rto, rpo, refused):
    if refused is None:
        check_objectives(rto, rpo)
    else:
        with pytest.raises(InvalidInput, match=refused):
            check_objectives(rto, rpo)


@pytest.mark.parametrize(("days", "ok"), [(29, False), (30, True), (180, True), (730, True),
                                          (731, False), (0, False)])  # fmt: skip
def test_drill_interval_is_30_to_730_days(days, ok):
    if ok:
        check_drill_interval(days)
    else:
        with pytest.raises(InvalidInput, match="drill interval"):
            check_drill_interval(days)


@pytest.mark.parametrize(
    ("steps", "refused"),
    [([], "at least one step"), (["  "], "must not be empty"), (["切换", ""], "must not be empty"),
     (["x" * 501], "too long"), (["步骤"] * 51, "too many"), (["a\x00b"], "NUL")],
)  # fmt: skip
def test_bad_steps_are_refused(steps, refused):
    with pytest.raises(InvalidInput, match=refused):
        clean_steps(steps)


def test_steps_are_trimmed_and_kept_in_order():
    assert clean_steps(["  切换到备库 ", "恢复备份"]) == ["切换到备库", "恢复备份"]


HOTLINE = EmergencyContact("值班台", "400-800-1234", "7x24 服务热线")


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("张三 13800000000 DBA", EmergencyContact("张三", "13800000000", "DBA")),
        ("张三 13800000000", EmergencyContact("张三", "13800000000", "")),
        ("Zhang San +86-138-0000-0000", EmergencyContact("Zhang San", "+86-138-0000-0000")),
        ("值班台 400-800-1234 7x24 服务热线", HOTLINE),
        ("  李四   0571-88886666   科长 ", EmergencyContact("李四", "0571-88886666", "科长")),
    ],
)
def test_a_contact_is_name_phone_and_role(entry, expected):
    assert parse_contact(entry) == expected


@pytest.mark.parametrize(
    "entry", ["张三", "13800000000 DBA", "张三 call-me", "", "张三 123", "名" * 61 + " 13800000000"]
)
def test_a_contact_without_a_name_or_a_phone_is_refused(entry):
    with pytest.raises(InvalidInput, match="contact"):
        parse_contact(entry)


def test_a_plan_needs_someone_to_call():
    with pytest.raises(InvalidInput, match="at least one emergency contact"):
        parse_contacts([])


@pytest.mark.parametrize(
    ("last", "created", "days", "due"),
    [(None, date(2026, 11, 1), 180, date(2027, 4, 30)),
     (date(2026, 12, 1), date(2026, 11, 1), 30, date(2026, 12, 31)),
     (date(2025, 1, 1), date(2026, 11, 1), 365, date(2026, 1, 1))],  # drilled before typed in
)  # fmt: skip
def test_the_next_drill_is_an_interval_after_the_last_or_the_start(last, created, days, due):
    assert next_drill_on(last, created, days) == due


@pytest.mark.parametrize(
    ("today", "state"),
    [(date(2026, 11, 16), "ok"), (date(2026, 11, 17), "due_soon"), (date(2026, 11, 30), "due_soon"),
     (date(2026, 12, 1), "due"), (date(2026, 12, 2), "overdue")],
)  # fmt: skip
def test_drill_state_around_the_due_day(today, state):
    assert drill_state(date(2026, 12, 1), today) == state


def test_drill_alerts_come_14_days_before_and_on_the_day_at_nine():
    warning, due = drill_moments(date(2026, 12, 1), SHANGHAI)
    assert warning == datetime(2026, 11, 17, 9, 0, tzinfo=SHANGHAI)
    assert due == datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("on", "previous", "refused"),
    [(date(2026, 11, 20), None, None), (date(2026, 11, 20), date(2026, 11, 20), None),
     (date(2026, 11, 21), None, "future"), (date(2026, 11, 1), date(2026, 11, 2), "later drill")],
)  # fmt: skip
def test_a_drill_date_is_not_in_the_future_nor_before_the_last_one(on, previous, refused):
    today = date(2026, 11, 20)
    if refused is None:
        check_drill_date(on, today, previous)
    else:
        with pytest.raises(InvalidInput, match=refused):
            check_drill_date(on, today, previous)


@pytest.mark.parametrize(
    ("rpo", "hours", "warned"),
    [(60, 24, True), (1439, 24, True), (1440, 24, False), (2880, 24, False), (59, 1, True),
     (60, 1, False)],
)  # fmt: skip
def test_an_rpo_shorter_than_the_backup_interval_is_worth_a_warning(rpo, hours, warned):
    message = rpo_warning(rpo, hours)
    assert (message is not None) == warned
    if warned:
        assert f"{hours} h" in message and f"RPO {rpo} min" in message
