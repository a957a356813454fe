"""Work calendars: table-driven cases (holidays, 调休, DST) and hypothesis invariants."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk_tui.domain.calendar import (
    CalendarError,
    WorkCalendar,
    always_on,
    parse_calendar,
    parse_calendar_toml,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
CALENDARS_DIR = Path(__file__).resolve().parents[2] / "data" / "calendars"
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def load(name: str, default_timezone: str = "UTC") -> WorkCalendar:
    return parse_calendar_toml((CALENDARS_DIR / f"{name}.toml").read_text(), default_timezone)


def every_day(*windows: str, extra: str = "") -> str:
    listed = ", ".join(f'"{window}"' for window in windows)
    days = "\n".join(f"{day} = [{listed}]" for day in ("mon", "tue", "wed", "thu", "fri", "sat"))
    return f"{extra}\n[hours]\n{days}\nsun = [{listed}]\n"


CN_OFFICE = load("cn-office")
EU_BERLIN = load("eu-berlin")
# Not always-on (it has a holiday), so the general path runs through DST nights.
BERLIN_WHOLE_DAYS = parse_calendar_toml(
    'name = "berlin-days"\ntimezone = "Europe/Berlin"\nholidays = ["12-25"]'
)
BERLIN_NIGHTS = parse_calendar_toml(
    every_day("01:00-05:00", "22:00-24:00", extra='name = "nights"\ntimezone = "Europe/Berlin"')
)
SAO_PAULO_SHIFTS = parse_calendar_toml(
    'name = "sp"\ntimezone = "America/Sao_Paulo"\nholidays = ["2026-02-16..2026-02-17"]\n'
    '[hours]\nmon = ["00:00-01:00", "09:00-18:00"]\nsat = ["09:00-13:00"]'
)
SAO_PAULO_WHOLE_DAYS = parse_calendar_toml(
    'name = "sp-days"\ntimezone = "America/Sao_Paulo"\nholidays = ["12-25"]'
)
SAO_PAULO_MIDNIGHTS = parse_calendar_toml(
    every_day("00:00-01:00", "09:00-10:00", extra='name = "sp-mid"\ntimezone = "America/Sao_Paulo"')
)
PLAIN_TOML = """
name = "plain"
timezone = "Asia/Shanghai"
holidays = ["01-01", "2026-05-01..2026-05-05", "2026-06-01", "02-29"]
workdays = ["2026-05-09", "2026-01-01"]
[hours]
mon = ["09:00-18:00"]
tue = ["09:00-18:00"]
wed = ["09:00-18:00"]
thu = ["09:00-18:00"]
fri = ["09:00-18:00"]
"""
PLAIN = parse_calendar_toml(PLAIN_TOML)


def local(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)


def total(windows: list[tuple[datetime, datetime]]) -> timedelta:
    return sum((end - start for start, end in windows), timedelta())


# --- the package's facts the tables below rely on --------------------------------------


def test_chinese_calendar_2026_facts() -> None:
    national_day = [date(2026, 10, day) for day in range(1, 8)]
    assert not any(chinese_calendar.is_workday(day) for day in national_day)
    assert chinese_calendar.is_workday(date(2026, 10, 8))
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # a 调休 Saturday
    assert chinese_calendar.is_workday(date(2026, 9, 20))  # a 调休 Sunday
    assert not chinese_calendar.is_workday(date(2026, 9, 25))  # Mid-Autumn Festival


# --- 24x7 ----------------------------------------------------------------------------


def test_always_on_counts_plain_elapsed_time() -> None:
    calendar = always_on("Asia/Shanghai")
    start = local(SHANGHAI, 2026, 10, 1, 23, 30)
    assert calendar.is_always_on
    assert calendar.add(start, 72 * HOUR) == start + 72 * HOUR
    assert calendar.add(start, 72 * HOUR).tzinfo is UTC
    assert calendar.between(start, start + 5 * HOUR) == 5 * HOUR
    assert calendar.between(start + 5 * HOUR, start) == -5 * HOUR
    assert calendar.is_working_day(date(2026, 10, 1))


def test_24x7_file_uses_the_default_timezone() -> None:
    calendar = load("24x7", default_timezone="Asia/Shanghai")
    assert calendar.name == "24x7"
    assert calendar.timezone == SHANGHAI
    assert calendar.is_always_on
    assert calendar.windows_on(date(2026, 3, 1)) == [
        (datetime(2026, 2, 28, 16, tzinfo=UTC), datetime(2026, 3, 1, 16, tzinfo=UTC))
    ]


@pytest.mark.parametrize(
    "text",
    [
        'name = "x"\nholidays = ["12-25"]',
        'name = "x"\npreset = "cn"',
        'name = "x"\n[hours]\nmon = ["00:00-24:00"]',
        every_day("00:00-12:00", "12:00-24:00", extra='name = "x"'),
    ],
    ids=["holiday", "preset", "weekday-missing", "split-windows"],
)
def test_not_always_on(text: str) -> None:
    assert not parse_calendar_toml(text).is_always_on


# --- cn-office: 09:00-12:00 / 13:30-18:00 Asia/Shanghai with the "cn" preset ----------

CN_ADD_CASES = [
    ("inside the morning", (2026, 3, 16, 9, 30), 1, (2026, 3, 16, 10, 30)),
    ("rolls over lunch", (2026, 3, 16, 11, 0), 2, (2026, 3, 16, 14, 30)),
    ("starts at lunch", (2026, 3, 16, 12, 15), 1, (2026, 3, 16, 14, 30)),
    ("ends exactly at lunch", (2026, 3, 16, 11, 0), 1, (2026, 3, 16, 12, 0)),
    ("ends exactly at closing", (2026, 3, 16, 17, 0), 1, (2026, 3, 16, 18, 0)),
    ("starts before opening", (2026, 3, 16, 7, 0), 1, (2026, 3, 16, 10, 0)),
    ("overnight", (2026, 3, 16, 17, 0), 2, (2026, 3, 17, 10, 0)),
    ("starts after closing", (2026, 3, 16, 20, 0), 1, (2026, 3, 17, 10, 0)),
    ("over a weekend", (2026, 3, 20, 17, 0), 2, (2026, 3, 23, 10, 0)),
    ("starts on a Saturday", (2026, 3, 21, 10, 0), 1, (2026, 3, 23, 10, 0)),
    ("over Mid-Autumn", (2026, 9, 24, 17, 0), 2, (2026, 9, 28, 10, 0)),
    ("over National Day", (2026, 9, 30, 17, 0), 2, (2026, 10, 8, 10, 0)),
    ("72 h over National Day", (2026, 9, 28, 9, 0), 72, (2026, 10, 15, 15, 0)),
    ("into a 调休 Saturday", (2026, 10, 9, 17, 0), 2, (2026, 10, 10, 10, 0)),
    ("into a 调休 Sunday", (2026, 9, 19, 10, 0), 1, (2026, 9, 20, 10, 0)),
    ("a full working day", (2026, 3, 16, 9, 0), 7.5, (2026, 3, 16, 18, 0)),
]


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [case[1:] for case in CN_ADD_CASES],
    ids=[case[0] for case in CN_ADD_CASES],
)
def test_cn_office_add(start: tuple, hours: float, due: tuple) -> None:
    started = local(SHANGHAI, *start)
    result = CN_OFFICE.add(started, hours * HOUR)
    assert result == local(SHANGHAI, *due)
    assert result.tzinfo is UTC
    assert CN_OFFICE.between(started, result) == hours * HOUR


CN_BETWEEN_CASES = [
    ("a working day", (2026, 3, 16, 0, 0), (2026, 3, 17, 0, 0), 7.5),
    ("a week", (2026, 3, 16, 0, 0), (2026, 3, 23, 0, 0), 37.5),
    ("lunch only", (2026, 3, 16, 12, 0), (2026, 3, 16, 13, 30), 0),
    ("National Day", (2026, 10, 1, 0, 0), (2026, 10, 8, 0, 0), 0),
    ("the 调休 week", (2026, 10, 8, 0, 0), (2026, 10, 12, 0, 0), 22.5),
    ("backwards", (2026, 3, 17, 0, 0), (2026, 3, 16, 0, 0), -7.5),
]


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [case[1:] for case in CN_BETWEEN_CASES],
    ids=[case[0] for case in CN_BETWEEN_CASES],
)
def test_cn_office_between(start: tuple, end: tuple, hours: float) -> None:
    assert CN_OFFICE.between(local(SHANGHAI, *start), local(SHANGHAI, *end)) == hours * HOUR


@pytest.mark.parametrize(
    ("day", "worked"),
    [
        (date(2026, 3, 16), True),
        (date(2026, 3, 21), False),
        (date(2026, 10, 1), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),
        (date(2026, 9, 20), True),
        (date(2026, 9, 25), False),
    ],
)
def test_cn_office_working_days(day: date, worked: bool) -> None:
    assert CN_OFFICE.is_working_day(day) is worked


def test_cn_makeup_saturday_uses_makeup_hours() -> None:
    assert CN_OFFICE.windows_on(date(2026, 10, 10)) == [
        (local(SHANGHAI, 2026, 10, 10, 9), local(SHANGHAI, 2026, 10, 10, 12)),
        (local(SHANGHAI, 2026, 10, 10, 13, 30), local(SHANGHAI, 2026, 10, 10, 18)),
    ]


CN_WEEKDAYS = """
[hours]
mon = ["09:00-12:00", "13:30-18:00"]
tue = ["09:00-12:00", "13:30-18:00"]
wed = ["09:00-12:00", "13:30-18:00"]
thu = ["09:00-12:00", "13:30-18:00"]
fri = ["09:00-12:00", "13:30-18:00"]
"""


def cn_preset_with(lists: str) -> WorkCalendar:
    return parse_calendar_toml(
        f'name = "cn"\ntimezone = "Asia/Shanghai"\npreset = "cn"\n{lists}\n{CN_WEEKDAYS}'
    )


def test_file_lists_override_the_preset() -> None:
    calendar = cn_preset_with(
        'holidays = ["2026-03-16", "2026-03-17"]\nworkdays = ["2026-10-05", "2026-03-17"]'
    )
    assert not calendar.is_working_day(date(2026, 3, 16))
    assert calendar.is_working_day(date(2026, 3, 17))  # workdays win over holidays
    assert calendar.is_working_day(date(2026, 10, 5))  # an official holiday, worked anyway
    assert calendar.add(local(SHANGHAI, 2026, 9, 30, 17), 2 * HOUR) == local(
        SHANGHAI, 2026, 10, 5, 10
    )


def test_preset_falls_back_to_weekly_hours_for_years_the_package_lacks() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2040, 10, 1))
    calendar = cn_preset_with('holidays = ["2040-10-02"]')
    assert calendar.is_working_day(date(2040, 10, 1))  # a Monday
    assert not calendar.is_working_day(date(2040, 10, 2))  # the file's own holiday
    assert not calendar.is_working_day(date(2040, 10, 6))  # a Saturday
    assert calendar.add(local(SHANGHAI, 2040, 10, 1, 17), 2 * HOUR) == local(
        SHANGHAI, 2040, 10, 3, 10
    )


# --- holidays, ranges, yearly dates and make-up days without a preset ---------------


@pytest.mark.parametrize(
    ("day", "worked"),
    [
        (date(2027, 1, 1), False),  # yearly 01-01
        (date(2026, 1, 1), True),  # workdays win over the yearly holiday
        (date(2026, 4, 30), True),
        (date(2026, 5, 4), False),  # inside the range
        (date(2026, 5, 5), False),  # the range is inclusive
        (date(2026, 5, 6), True),
        (date(2026, 5, 9), True),  # a make-up Saturday
        (date(2026, 5, 10), False),
        (date(2026, 6, 1), False),
        (date(2028, 2, 29), False),  # yearly 02-29 in a leap year
        (date(2027, 3, 1), True),  # and nothing in other years
    ],
)
def test_plain_working_days(day: date, worked: bool) -> None:
    assert PLAIN.is_working_day(day) is worked


def test_plain_parsed_lists() -> None:
    assert PLAIN.yearly_holidays == frozenset({(1, 1), (2, 29)})
    assert PLAIN.holidays == frozenset({date(2026, 5, d) for d in range(1, 6)} | {date(2026, 6, 1)})
    assert PLAIN.workdays == frozenset({date(2026, 5, 9), date(2026, 1, 1)})
    assert PLAIN.hours[5] == () and PLAIN.hours[0] == ((540, 1080),)


def test_plain_add_over_a_holiday_range() -> None:
    due = PLAIN.add(local(SHANGHAI, 2026, 4, 30, 17), 2 * HOUR)
    assert due == local(SHANGHAI, 2026, 5, 6, 10)


def test_makeup_day_defaults_to_monday_hours() -> None:
    assert PLAIN.makeup_hours == ((540, 1080),)
    assert total(PLAIN.windows_on(date(2026, 5, 9))) == 9 * HOUR


def test_makeup_day_without_monday_hours_uses_nine_to_six() -> None:
    calendar = parse_calendar_toml(
        'name = "x"\nworkdays = ["2026-03-22"]\n[hours]\ntue = ["10:00-11:00"]'
    )
    assert calendar.makeup_hours == ((540, 1080),)
    assert calendar.windows_on(date(2026, 3, 22)) == [
        (datetime(2026, 3, 22, 9, tzinfo=UTC), datetime(2026, 3, 22, 18, tzinfo=UTC))
    ]


def test_explicit_makeup_hours() -> None:
    calendar = parse_calendar_toml(
        'name = "x"\nworkdays = ["2026-03-22"]\nmakeup_hours = ["14:00-16:00", "10:00-12:00"]\n'
        '[hours]\nmon = ["09:00-18:00"]'
    )
    assert calendar.makeup_hours == ((600, 720), (840, 960))
    assert total(calendar.windows_on(date(2026, 3, 22))) == 4 * HOUR
    assert total(calendar.windows_on(date(2026, 3, 23))) == 9 * HOUR


def test_bare_toml_dates_are_accepted() -> None:
    calendar = parse_calendar_toml('name = "x"\nholidays = [2026-03-16]\n' + CN_WEEKDAYS)
    assert not calendar.is_working_day(date(2026, 3, 16))


def test_missing_hours_table_means_every_day() -> None:
    calendar = parse_calendar({"name": "x", "timezone": "Europe/Berlin", "holidays": ["01-01"]})
    assert all(calendar.hours[weekday] == ((0, 1440),) for weekday in range(7))
    assert calendar.windows_on(date(2026, 1, 1)) == []


# --- DST: Europe/Berlin ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 28), 6), (date(2026, 3, 29), 5), (date(2026, 10, 25), 7)],
    ids=["normal night", "spring forward", "fall back"],
)
def test_berlin_night_window_is_real_elapsed_time(day: date, hours: int) -> None:
    # 01:00-05:00 gives 4 h, 3 h and 5 h; 22:00-24:00 adds 2 h.
    assert total(BERLIN_NIGHTS.windows_on(day)) == hours * HOUR


def test_berlin_spring_forward_windows() -> None:
    assert BERLIN_NIGHTS.windows_on(date(2026, 3, 29))[0] == (
        datetime(2026, 3, 29, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 3, tzinfo=UTC),
    )


def test_berlin_fall_back_windows() -> None:
    assert BERLIN_NIGHTS.windows_on(date(2026, 10, 25))[0] == (
        datetime(2026, 10, 24, 23, tzinfo=UTC),
        datetime(2026, 10, 25, 4, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("windows", "hours"),
    [
        (["01:00-02:30", "02:30-04:00"], 2),
        (["01:00-02:30", "03:00-04:00"], 2),  # would overlap in UTC without clamping
        (["02:00-03:00"], 0),  # entirely inside the gap
        (["02:30-03:00"], 0),  # fold=0 puts 02:30 after 03:00
        (["02:00-02:30"], 0.5),  # fold=0: 02:30 CET is 03:30 CEST
    ],
)
def test_windows_in_the_spring_gap_never_overlap_or_run_backwards(
    windows: list[str], hours: float
) -> None:
    calendar = parse_calendar_toml(
        every_day(*windows, extra='name = "g"\ntimezone = "Europe/Berlin"')
    )
    spans = calendar.windows_on(date(2026, 3, 29))
    assert total(spans) == hours * HOUR
    assert_ordered(spans)


BERLIN_CASES = [
    (
        "business hours over spring forward",
        EU_BERLIN,
        (2026, 3, 27, 16, 0),
        2,
        datetime(2026, 3, 30, 7, tzinfo=UTC),  # Monday 09:00 CEST
    ),
    (
        "business hours over fall back",
        EU_BERLIN,
        (2026, 10, 23, 16, 0),
        2,
        datetime(2026, 10, 26, 8, tzinfo=UTC),  # Monday 09:00 CET
    ),
    (
        "24 h of whole days over spring forward",
        BERLIN_WHOLE_DAYS,
        (2026, 3, 28, 12, 0),
        24,
        datetime(2026, 3, 29, 11, tzinfo=UTC),  # 13:00 CEST
    ),
    (
        "nights over fall back",
        BERLIN_NIGHTS,
        (2026, 10, 24, 23, 0),
        6,
        datetime(2026, 10, 25, 4, tzinfo=UTC),  # 05:00 CET: the night had 5 working hours
    ),
    (
        "eu-berlin over Easter",
        EU_BERLIN,
        (2026, 4, 2, 16, 0),
        2,
        datetime(2026, 4, 7, 7, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize(
    ("calendar", "start", "hours", "due"),
    [case[1:] for case in BERLIN_CASES],
    ids=[case[0] for case in BERLIN_CASES],
)
def test_berlin_add(calendar: WorkCalendar, start: tuple, hours: int, due: datetime) -> None:
    started = local(BERLIN, *start)
    assert calendar.add(started, hours * HOUR) == due
    assert calendar.between(started, due) == hours * HOUR


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [((2026, 3, 29), (2026, 3, 30), 23), ((2026, 10, 25), (2026, 10, 26), 25)],
)
def test_berlin_whole_days_across_dst(start: tuple, end: tuple, hours: int) -> None:
    assert BERLIN_WHOLE_DAYS.between(local(BERLIN, *start), local(BERLIN, *end)) == hours * HOUR


def test_eu_berlin_file() -> None:
    assert EU_BERLIN.timezone == BERLIN
    assert not EU_BERLIN.is_working_day(date(2027, 10, 3))
    assert not EU_BERLIN.is_working_day(date(2026, 12, 29))
    assert EU_BERLIN.between(local(BERLIN, 2026, 10, 23, 12), local(BERLIN, 2026, 10, 26, 12)) == (
        9 * HOUR
    )


# --- America/Sao_Paulo: DST used to start at midnight (2018-11-04 00:00 did not exist) --


def test_sao_paulo_day_without_midnight() -> None:
    assert SAO_PAULO_WHOLE_DAYS.windows_on(date(2018, 11, 3)) == [
        (datetime(2018, 11, 3, 3, tzinfo=UTC), datetime(2018, 11, 4, 3, tzinfo=UTC))
    ]
    assert SAO_PAULO_WHOLE_DAYS.windows_on(date(2018, 11, 4)) == [
        (datetime(2018, 11, 4, 3, tzinfo=UTC), datetime(2018, 11, 5, 2, tzinfo=UTC))
    ]


def test_sao_paulo_day_with_two_eleven_pms() -> None:
    assert total(SAO_PAULO_WHOLE_DAYS.windows_on(date(2019, 2, 16))) == 25 * HOUR


def test_sao_paulo_window_at_a_missing_midnight_is_empty() -> None:
    spans = SAO_PAULO_MIDNIGHTS.windows_on(date(2018, 11, 4))
    assert spans == [(datetime(2018, 11, 4, 11, tzinfo=UTC), datetime(2018, 11, 4, 12, tzinfo=UTC))]


def test_sao_paulo_add_across_the_missing_midnight() -> None:
    start = local(SAO_PAULO, 2018, 11, 3, 23, 30)
    assert SAO_PAULO_WHOLE_DAYS.add(start, HOUR) == datetime(2018, 11, 4, 3, 30, tzinfo=UTC)
    assert SAO_PAULO_MIDNIGHTS.add(start, HOUR) == datetime(2018, 11, 4, 12, tzinfo=UTC)
    assert SAO_PAULO_MIDNIGHTS.between(start, start + 24 * HOUR) == HOUR


def test_sao_paulo_has_no_dst_now() -> None:
    assert SAO_PAULO_SHIFTS.windows_on(date(2026, 3, 16)) == [
        (datetime(2026, 3, 16, 3, tzinfo=UTC), datetime(2026, 3, 16, 4, tzinfo=UTC)),
        (datetime(2026, 3, 16, 12, tzinfo=UTC), datetime(2026, 3, 16, 21, tzinfo=UTC)),
    ]


def assert_ordered(spans: list[tuple[datetime, datetime]]) -> None:
    for start, end in spans:
        assert start < end
    for (_, earlier_end), (later_start, _) in pairwise(spans):
        assert earlier_end <= later_start


@pytest.mark.parametrize(
    "zone",
    ["America/Sao_Paulo", "Europe/Berlin", "America/Havana", "America/Santiago", "Asia/Beirut"],
)
def test_spans_stay_ordered_through_every_transition(zone: str) -> None:
    calendar = parse_calendar_toml(
        every_day(
            "00:00-00:30",
            "00:30-01:00",
            "02:00-02:30",
            "03:00-04:00",
            "23:00-24:00",
            extra=f'name = "z"\ntimezone = "{zone}"',
        )
    )
    day, spans = date(2010, 1, 1), []
    while day < date(2027, 1, 1):
        spans.extend(calendar.windows_on(day))
        day += timedelta(days=1)
    assert_ordered(spans)


# --- properties ----------------------------------------------------------------------

PROPERTY_CALENDARS = [
    always_on(),
    CN_OFFICE,
    EU_BERLIN,
    BERLIN_WHOLE_DAYS,
    BERLIN_NIGHTS,
    SAO_PAULO_SHIFTS,
    PLAIN,
]
calendars = st.sampled_from(PROPERTY_CALENDARS)
instants = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2026, 12, 31, 23, 59),
    timezones=st.sampled_from([UTC, SHANGHAI, BERLIN, SAO_PAULO]),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400))
property_settings = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@property_settings
@given(calendars, instants, durations)
def test_add_never_goes_back(calendar: WorkCalendar, start: datetime, work: timedelta) -> None:
    assert calendar.add(start, work) >= start


@property_settings
@given(calendars, instants, durations, durations)
def test_add_composes(
    calendar: WorkCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    assert calendar.add(calendar.add(start, first), second) == calendar.add(start, first + second)


@property_settings
@given(calendars, instants, durations)
def test_between_inverts_add(calendar: WorkCalendar, start: datetime, work: timedelta) -> None:
    assert calendar.between(start, calendar.add(start, work)) == work


@property_settings
@given(calendars, instants, durations, durations)
def test_between_is_additive_and_bounded(
    calendar: WorkCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    start = start.astimezone(UTC)  # so that + and - below are real elapsed time
    middle, end = start + first, start + first + second
    whole = calendar.between(start, end)
    assert calendar.between(start, middle) + calendar.between(middle, end) == whole
    assert timedelta(0) <= whole <= end - start
    assert calendar.between(end, start) == -whole


def reference_between(calendar: WorkCalendar, start: datetime, end: datetime) -> timedelta:
    """Minute by minute: is this local minute inside a window of a worked day?"""
    worked, moment = 0, start
    while moment < end:
        wall = moment.astimezone(calendar.timezone)
        if calendar.is_working_day(wall.date()):
            windows = calendar.hours[wall.weekday()] or calendar.makeup_hours
            minute = wall.hour * 60 + wall.minute
            worked += any(low <= minute < high for low, high in windows)
        moment += MINUTE
    return worked * MINUTE


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([CN_OFFICE, EU_BERLIN, BERLIN_NIGHTS, PLAIN]),
    st.integers(0, 7 * 365 * 24 * 60),
    st.integers(0, 5 * 24 * 60),
)
def test_between_matches_a_minute_by_minute_count(
    calendar: WorkCalendar, offset: int, length: int
) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC) + offset * MINUTE
    end = start + length * MINUTE
    assert calendar.between(start, end) == reference_between(calendar, start, end)


# --- errors --------------------------------------------------------------------------

BAD_CALENDARS = [
    ("unknown key", 'name = "x"\ncolour = "red"', "calendar 'x': unknown key 'colour'"),
    ("unknown day", 'name = "x"\n[hours]\nmonday = []', "unknown key 'hours.monday'"),
    (
        "unknown timezone",
        'name = "x"\ntimezone = "Mars/Olympus"',
        "unknown timezone 'Mars/Olympus'",
    ),
    ("zone folder", 'name = "x"\ntimezone = "Europe"', "unknown timezone 'Europe'"),
    ("timezone type", 'name = "x"\ntimezone = 8', "timezone must be a zone name"),
    ("bad time", 'name = "x"\n[hours]\nmon = ["9am-5pm"]', "hours.mon: bad time '9am-5pm'"),
    ("hour 25", 'name = "x"\n[hours]\nmon = ["09:00-25:00"]', "bad time '09:00-25:00'"),
    ("minute 60", 'name = "x"\n[hours]\ntue = ["09:60-10:00"]', "hours.tue: bad time"),
    ("24:30", 'name = "x"\n[hours]\nmon = ["23:00-24:30"]', "bad time '23:00-24:30'"),
    (
        "end before start",
        'name = "x"\n[hours]\nmon = ["10:00-09:00"]',
        "hours.mon: window 10:00-09:00 does not end after it starts",
    ),
    (
        "empty window",
        'name = "x"\n[hours]\nmon = ["10:00-10:00"]',
        "window 10:00-10:00 does not end after it starts",
    ),
    (
        "overlap",
        'name = "x"\n[hours]\nwed = ["11:00-13:00", "09:00-12:00"]',
        "hours.wed: windows 09:00-12:00 and 11:00-13:00 overlap",
    ),
    ("bad date", 'name = "x"\nholidays = ["2026-02-30"]', "holidays: bad date '2026-02-30'"),
    ("slashes", 'name = "x"\nholidays = ["2026/01/01"]', "holidays: bad date '2026/01/01'"),
    ("bad month", 'name = "x"\nholidays = ["13-01"]', "holidays: bad date '13-01'"),
    ("bad yearly day", 'name = "x"\nholidays = ["02-30"]', "holidays: bad date '02-30'"),
    ("yearly workday", 'name = "x"\nworkdays = ["10-01"]', "workdays: bad date '10-01'"),
    ("number date", 'name = "x"\nholidays = [20260101]', "holidays: bad date 20260101"),
    (
        "range backwards",
        'name = "x"\nholidays = ["2026-10-08..2026-10-01"]',
        "holidays: range '2026-10-08..2026-10-01' ends before it starts",
    ),
    (
        "range too long",
        'name = "x"\nworkdays = ["2000-01-01..2030-01-01"]',
        "workdays: range '2000-01-01..2030-01-01' is longer than",
    ),
    ("bad range end", 'name = "x"\nholidays = ["2026-10-01..10-07"]', "bad date '10-07'"),
    ("unknown preset", 'name = "x"\npreset = "us"', "unknown preset 'us' (known: cn)"),
    ("no working time", 'name = "x"\n[hours]', "calendar 'x': no working time"),
    ("all days empty", 'name = "x"\n[hours]\nmon = []\nsun = []', "no working time"),
    ("no name", 'timezone = "UTC"', "calendar needs a 'name'"),
    ("empty name", 'name = " "', "calendar needs a 'name'"),
    ("holidays not a list", 'name = "x"\nholidays = "01-01"', "holidays must be a list"),
    ("day not a list", 'name = "x"\n[hours]\nmon = "09:00-18:00"', "hours.mon must be a list"),
    ("hours not a table", 'name = "x"\nhours = ["09:00-18:00"]', "hours must be a table"),
    ("empty makeup hours", 'name = "x"\nmakeup_hours = []', "makeup_hours must list"),
    ("not toml", 'name = "x"\nhours = [', "calendar is not valid TOML"),
]


@pytest.mark.parametrize(
    ("text", "message"),
    [case[1:] for case in BAD_CALENDARS],
    ids=[case[0] for case in BAD_CALENDARS],
)
def test_bad_calendar(text: str, message: str) -> None:
    with pytest.raises(CalendarError) as caught:
        parse_calendar_toml(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_bad_default_timezone() -> None:
    with pytest.raises(CalendarError, match="unknown timezone 'Nowhere/City'"):
        parse_calendar_toml('name = "x"', default_timezone="Nowhere/City")


def test_data_must_be_a_table() -> None:
    with pytest.raises(CalendarError, match="calendar must be a table"):
        parse_calendar(["name"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"hours": {7: ((540, 600),)}}, "unknown weekday 7"),
        ({"hours": {0: ((600, 540),)}}, "hours.mon: window 10:00-09:00 does not end"),
        ({"hours": {0: ((1380, 1500),)}}, "hours.mon: window 23:00-25:00 is outside a day"),
        ({"hours": {}}, "no working time"),
        ({"hours": {0: ((0, 1440),)}, "preset": "us"}, "unknown preset 'us'"),
        ({"hours": {0: ((0, 1440),)}, "makeup_hours": ((60, 0),)}, "makeup_hours: window"),
        ({"hours": {0: ((0, 1440),)}, "timezone": "Nope/Zone"}, "unknown timezone"),
    ],
)
def test_bad_direct_construction(fields: dict, message: str) -> None:
    arguments = {"name": "direct", "timezone": BERLIN, **fields}
    with pytest.raises(CalendarError) as caught:
        WorkCalendar(**arguments)
    assert str(caught.value).startswith("calendar 'direct': ")
    assert message in str(caught.value)


def test_always_on_rejects_an_unknown_zone() -> None:
    with pytest.raises(CalendarError, match="unknown timezone 'Nope/Zone'"):
        always_on("Nope/Zone")


@pytest.mark.parametrize("calendar", [always_on(), CN_OFFICE], ids=["24x7", "cn-office"])
def test_naive_datetimes_are_refused(calendar: WorkCalendar) -> None:
    aware, naive = datetime(2026, 3, 16, 9, tzinfo=UTC), datetime(2026, 3, 16, 9)
    with pytest.raises(CalendarError, match="start 2026-03-16T09:00:00 is naive"):
        calendar.add(naive, HOUR)
    with pytest.raises(CalendarError, match=r"start .* is naive"):
        calendar.between(naive, aware)
    with pytest.raises(CalendarError, match=r"end .* is naive"):
        calendar.between(aware, naive)


@pytest.mark.parametrize("calendar", [always_on(), CN_OFFICE], ids=["24x7", "cn-office"])
def test_negative_work_is_refused(calendar: WorkCalendar) -> None:
    with pytest.raises(CalendarError, match="must not be negative"):
        calendar.add(datetime(2026, 3, 16, tzinfo=UTC), -MINUTE)


def test_zero_work_returns_the_start_in_utc() -> None:
    start = local(SHANGHAI, 2026, 10, 3, 12)  # a holiday
    assert CN_OFFICE.add(start, timedelta(0)) == start
    assert CN_OFFICE.add(start, timedelta(0)).tzinfo is UTC


def test_add_gives_up_after_ten_years_without_working_time() -> None:
    calendar = parse_calendar_toml('name = "once"\nworkdays = ["2020-01-06"]\n[hours]')
    assert calendar.add(datetime(2020, 1, 1, tzinfo=UTC), HOUR) == datetime(
        2020, 1, 6, 10, tzinfo=UTC
    )
    with pytest.raises(CalendarError, match="calendar 'once': no working time in the 3653 days"):
        calendar.add(datetime(2021, 1, 1, tzinfo=UTC), HOUR)


def test_out_of_range_is_a_calendar_error() -> None:
    with pytest.raises(CalendarError, match="out of range"):
        CN_OFFICE.add(datetime(9999, 12, 30, tzinfo=UTC), 72 * HOUR)


# --- value semantics -----------------------------------------------------------------


def test_calendars_are_values() -> None:
    again = load("cn-office")
    assert again == CN_OFFICE
    assert hash(again) == hash(CN_OFFICE)
    assert {CN_OFFICE: 1}[again] == 1
    copy = pickle.loads(pickle.dumps(CN_OFFICE))
    assert copy == CN_OFFICE
    assert copy.add(local(SHANGHAI, 2026, 9, 30, 17), 2 * HOUR) == local(SHANGHAI, 2026, 10, 8, 10)


def test_shipped_calendars_parse() -> None:
    names = sorted(path.stem for path in CALENDARS_DIR.glob("*.toml"))
    assert {"24x7", "cn-office", "eu-berlin"} <= set(names)
    for name in names:
        assert load(name).name == name
