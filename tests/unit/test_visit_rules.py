"""The return-visit rules (domain.visits): month arithmetic, the schedule's anchor, states,
keys and validation."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.visits import (
    Need,
    VisitMethod,
    VisitState,
    add_months,
    after_ticket_on,
    check_ad_hoc_day,
    check_needs,
    check_satisfaction,
    followed_up,
    next_scheduled_on,
    parse_method,
    parse_need_channel,
    scheduled_key,
    visit_moments,
    visit_state,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-01-15", 3, "2026-04-15"),
        ("2026-01-31", 1, "2026-02-28"),  # no Feb 31: the month's last day
        ("2028-01-31", 1, "2028-02-29"),  # leap year
        ("2024-02-29", 12, "2025-02-28"),  # Feb 29 a year on
        ("2024-02-29", 48, "2028-02-29"),  # and four years on
        ("2026-08-31", 3, "2026-11-30"),
        ("2026-11-30", 3, "2027-02-28"),  # across the year end
        ("2026-12-31", 1, "2027-01-31"),
        ("2026-05-31", 0, "2026-05-31"),
        ("2026-03-31", -1, "2026-02-28"),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(D(day), months) == D(expected)


TODAY = D("2026-11-20")


@pytest.mark.parametrize(
    ("every", "done", "skipped", "expected"),
    [
        (3, None, None, "2027-02-20"),  # never visited: a period from the day first seen
        (3, "2026-08-31", None, "2026-11-30"),  # from the last visit made
        (3, "2026-06-01", None, "2026-09-01"),  # natural date kept: overdue, not moved
        (3, "2026-06-01", "2026-09-01", "2026-12-01"),  # a cancelled one skips its period
        (3, "2026-10-01", "2026-09-01", "2027-01-01"),  # the later anchor wins
        (1, "2026-01-31", None, "2026-02-28"),
        (12, "2024-02-29", None, "2025-02-28"),
        (0, "2026-10-01", None, None),  # no schedule
    ],
)
def test_next_scheduled_visit(every, done, skipped, expected):
    due = next_scheduled_on(every, done and D(done), skipped and D(skipped), TODAY)
    assert due == (D(expected) if expected else None)


@pytest.mark.parametrize(
    ("status", "due", "state"),
    [
        ("planned", "2026-11-19", VisitState.OVERDUE),
        ("planned", "2026-11-20", VisitState.DUE),
        ("planned", "2026-11-21", VisitState.UPCOMING),
        ("done", "2026-11-01", VisitState.DONE),
        ("cancelled", "2026-11-01", VisitState.CANCELLED),
    ],
)
def test_visit_state(status, due, state):
    assert visit_state(status, D(due), TODAY) is state


def test_follow_up_is_for_urgent_and_serious_a_few_days_after_acceptance():
    assert followed_up("urgent") and followed_up("serious")
    assert not followed_up("medium") and not followed_up("minor")
    assert after_ticket_on(D("2026-12-30")) == D("2027-01-02")


def test_keys_name_customer_and_day():
    assert scheduled_key(7, D("2027-02-28")) == "every:7:2027-02-28"


def test_alert_moments_are_nine_local_on_the_day_and_the_next_morning():
    zone = ZoneInfo("Asia/Shanghai")
    due, overdue = visit_moments(D("2026-11-20"), zone)
    assert due == datetime(2026, 11, 20, 9, 0, tzinfo=zone)
    assert overdue == datetime(2026, 11, 21, 9, 0, tzinfo=zone)


@pytest.mark.parametrize("score", [1, 3, 5])
def test_satisfaction_in_range(score):
    assert check_satisfaction(score) == score


@pytest.mark.parametrize("score", [0, 6, -1, True, 4.5])
def test_satisfaction_out_of_range_refused(score):
    with pytest.raises(InvalidInput, match="satisfaction"):
        check_satisfaction(score)


@pytest.mark.parametrize(
    ("text", "method"),
    [("phone", VisitMethod.PHONE), ("Onsite", VisitMethod.ONSITE), ("上门", VisitMethod.ONSITE),
     ("e-mail", VisitMethod.EMAIL), ("电话", VisitMethod.PHONE)],
)  # fmt: skip
def test_methods(text, method):
    assert parse_method(text) is method


def test_unknown_method_refused():
    with pytest.raises(InvalidInput, match=r"phone\|onsite\|email"):
        parse_method("pigeon")


def test_a_need_comes_by_survey_or_proactive_only():
    assert parse_need_channel("调查") is Channel.SURVEY
    assert parse_need_channel("proactive") is Channel.PROACTIVE
    with pytest.raises(InvalidInput, match="survey"):
        parse_need_channel("phone")
    with pytest.raises(InvalidInput):
        check_needs([Need("x", channel=Channel.EMAIL)])
    with pytest.raises(InvalidInput, match="empty"):
        check_needs([Need("  ")])


def test_an_ad_hoc_visit_is_never_in_the_past():
    assert check_ad_hoc_day(TODAY, TODAY) == TODAY
    with pytest.raises(InvalidInput, match="past"):
        check_ad_hoc_day(D("2026-11-19"), TODAY)
    with pytest.raises(InvalidInput, match="months away"):
        check_ad_hoc_day(D("2029-01-01"), TODAY)
