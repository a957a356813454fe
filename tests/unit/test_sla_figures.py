"""The arithmetic behind the SLA and quality reports, table-driven: compliance percents
and breaches, the times to respond and fix (working and wall) that generated tickets
store, with pauses and reopened tickets, and the months of a trend."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk_tui.cli.sla_output import hours, percent_text
from helpdesk_tui.domain.calendar import always_on, parse_calendar_toml
from helpdesk_tui.domain.sla import ClockFacts, Pause
from helpdesk_tui.services.demo_tickets import _report_times
from helpdesk_tui.services.quality_report import QualityFigures
from helpdesk_tui.services.sla_report import SlaFigures, _months_back, percent

ZONE = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=ZONE)  # a Monday
H = 3600.0
OFFICE = parse_calendar_toml(
    """
name = "office"
timezone = "Asia/Shanghai"
[hours]
mon = ["09:00-12:00", "13:00-18:00"]
tue = ["09:00-12:00", "13:00-18:00"]
wed = ["09:00-12:00", "13:00-18:00"]
thu = ["09:00-12:00", "13:00-18:00"]
fri = ["09:00-12:00", "13:00-18:00"]
"""
)


def figures(met: int, missed: int, fix_met: int = 0, fix_missed: int = 0) -> SlaFigures:
    return SlaFigures("", met + missed, {}, met, missed, fix_met, fix_missed,
                      None, None, None, None)  # fmt: skip


@pytest.mark.parametrize(
    ("met", "missed", "expected"),
    [(0, 0, None), (1, 0, 100.0), (0, 3, 0.0), (3, 1, 75.0), (2, 1, 200 / 3)],
)
def test_compliance_is_the_share_of_decided_promises_kept(met, missed, expected):
    assert percent(met, missed) == (None if expected is None else pytest.approx(expected))
    row = figures(met, missed, fix_met=missed, fix_missed=met)
    assert row.response_percent == (None if expected is None else pytest.approx(expected))
    assert row.breaches == missed + met  # response missed + fix missed


@pytest.mark.parametrize(
    ("rated", "satisfied", "due", "done", "csat", "coverage"),
    [(0, 0, 0, 0, None, None), (4, 3, 2, 1, 75.0, 50.0), (1, 0, 3, 3, 0.0, 100.0)],
)
def test_quality_shares(rated, satisfied, due, done, csat, coverage):
    row = QualityFigures("甲", rated, rated, None, satisfied, 0, due, done, None, 0)
    assert row.csat_percent == csat
    assert row.visit_coverage_percent == coverage


def at(hours_after: float) -> datetime:
    return T0 + timedelta(hours=hours_after)


# (calendar, reported, answered, resolved, pauses (start, end) in hours after T0,
#  expected (response work, response wall, fix work, fix wall) in hours)
TIMES = {
    "open: nothing yet": (always_on(ZONE), None, None, (), (None, None, None, None)),
    "answered only": (always_on(ZONE), 1.5, None, (), (1.5, 1.5, None, None)),
    "answered and resolved, 24x7": (always_on(ZONE), 1, 10, ((10, None),), (1, 1, 10, 10)),
    "waiting for the customer is not fix time": (
        always_on(ZONE), 1, 30, ((2, 12), (30, None)), (1, 1, 20, 30)),
    "resolved while still waiting: the wait is not fix time": (
        always_on(ZONE), 1, 20, ((5, None),), (1, 1, 5, 20)),
    "reopened: the resolved pause does not count": (
        always_on(ZONE), 0.5, 20, ((4, 10), (20, None)), (0.5, 0.5, 14, 20)),
    "office hours: the lunch break and the night are not worked": (
        OFFICE, 4, 24, ((24, None),), (3, 4, 8, 24)),
    "office hours with a two-day pause": (
        OFFICE, 1, 72, ((8, 48), (72, None)), (1, 1, 7 + 8, 72)),
}  # fmt: skip


@pytest.mark.parametrize("name", list(TIMES))
def test_generated_tickets_store_the_times_the_services_would(name):
    calendar, answered, resolved, pauses, expected = TIMES[name]
    facts = ClockFacts(
        T0,
        at(answered) if answered is not None else None,
        at(resolved) if resolved is not None else None,
        None,
        tuple(Pause(at(s), at(e) if e is not None else None) for s, e in pauses),
    )
    found = _report_times(facts, calendar)
    assert tuple(None if v is None else round(v / H, 6) for v in found) == expected


@pytest.mark.parametrize(
    ("last", "count", "expected"),
    [
        (date(2026, 11, 25), 3, [(2026, 9), (2026, 10), (2026, 11)]),
        (date(2027, 2, 1), 4, [(2026, 11), (2026, 12), (2027, 1), (2027, 2)]),
        (date(2026, 1, 31), 1, [(2026, 1)]),
        (date(2026, 1, 31), 0, []),
    ],
)
def test_a_trend_is_whole_months_oldest_first(last, count, expected):
    assert _months_back(last.year, last.month, count) == expected


@pytest.mark.parametrize(
    ("seconds", "shown"), [(None, ""), (0.0, "0.0"), (5400.0, "1.5"), (3599.0, "1.0")]
)
def test_durations_are_hours_with_one_decimal(seconds, shown):
    assert hours(seconds) == shown


@pytest.mark.parametrize(("value", "shown"), [(None, ""), (100.0, "100.0"), (200 / 3, "66.7")])
def test_percents_have_one_decimal(value, shown):
    assert percent_text(value) == shown
