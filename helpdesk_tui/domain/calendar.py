"""Work calendars: when the SLA clock runs.

A calendar has a time zone, weekly working windows in local wall-clock time, holidays
(dates, ranges, yearly MM-DD), make-up working days (调休) and an optional official
holiday preset. Working time is real elapsed time inside the windows, so DST is
handled by the zone. Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from helpdesk_tui.domain import cn_holidays

MINUTES_PER_DAY = 24 * 60
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PRESETS = ("cn",)
DEFAULT_MAKEUP_HOURS = ((9 * 60, 18 * 60),)
# add() gives up after this many consecutive days without working time (about 10 years).
MAX_IDLE_DAYS = 3653
MAX_RANGE_DAYS = 3653

Window = tuple[int, int]  # local (start_minute, end_minute); end may be 1440
Span = tuple[int, int]  # (start, end) in microseconds since the Unix epoch, UTC
WorkedDay = tuple[tuple[Span, ...], int]  # a local date's spans and their total length

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_WHOLE_DAY: tuple[Window, ...] = ((0, MINUTES_PER_DAY),)
_CACHE_LIMIT = 50_000
# Keeps a spare day at both ends, for the neighbouring days that add/between look at.
_FIRST_ORDINAL = date.min.toordinal() + 1
_LAST_ORDINAL = date.max.toordinal() - 1


class CalendarError(ValueError):
    """Bad calendar data or a bad question to a calendar; the message is one line."""


@dataclass(frozen=True)
class WorkCalendar:
    """Weekly local windows, holidays and make-up days in one zone; answers in UTC.

    A local date is worked if it is a make-up day, or if it is no holiday (listed,
    yearly or from the preset) and its weekday has windows. Build one with
    `parse_calendar`, `parse_calendar_toml` or `always_on`.
    """

    name: str
    timezone: ZoneInfo
    hours: Mapping[int, tuple[Window, ...]] = field(hash=False)
    holidays: frozenset[date] = frozenset()
    yearly_holidays: frozenset[tuple[int, int]] = frozenset()
    workdays: frozenset[date] = frozenset()
    preset: str | None = None
    makeup_hours: tuple[Window, ...] = ()
    _always_on: bool = field(init=False, repr=False, compare=False)
    _worked_days: dict[int, WorkedDay] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        try:
            self._normalise()
        except CalendarError as error:
            raise CalendarError(f"calendar {self.name!r}: {error}") from None

    def _normalise(self) -> None:
        if self.preset is not None and self.preset not in PRESETS:
            raise CalendarError(f"unknown preset {self.preset!r} (known: {', '.join(PRESETS)})")
        hours = _checked_week(self.hours)
        makeup = _checked_windows(self.makeup_hours, "makeup_hours")
        values = {
            "timezone": _zone(self.timezone),
            "hours": hours,
            "holidays": frozenset(self.holidays),
            "yearly_holidays": frozenset(self.yearly_holidays),
            "workdays": frozenset(self.workdays),
            "makeup_hours": makeup or hours[0] or DEFAULT_MAKEUP_HOURS,
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)
        if not any(hours.values()) and not self.workdays and self.preset is None:
            raise CalendarError("no working time: no day has hours and no workdays are listed")
        always_on = all(windows == _WHOLE_DAY for windows in hours.values()) and not (
            self.holidays or self.yearly_holidays or self.preset
        )
        object.__setattr__(self, "_always_on", always_on)

    @property
    def is_always_on(self) -> bool:
        """True for a 24x7 calendar: every day 00:00-24:00, no holidays, no preset."""
        return self._always_on

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays or (day.month, day.day) in self.yearly_holidays:
            return False
        if self.preset == "cn":
            official = cn_holidays.official_workday(day)
            if official is not None:
                return official
        return bool(self.hours[day.weekday()])

    def windows_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The UTC intervals worked on the local date `day`, in order."""
        spans, _ = self._worked_day(day.toordinal())
        return [(_from_micros(start), _from_micros(end)) for start, end in spans]

    def add(self, start: datetime, work: timedelta) -> datetime:
        """The instant when `work` of working time has elapsed since `start` (UTC)."""
        start = _as_utc(start, "start")
        if work < timedelta(0):
            raise CalendarError(f"working time to add must not be negative, got {work}")
        if not work or self.is_always_on:
            return start + work
        try:
            return _from_micros(self._add_micros(start, work // _MICROSECOND))
        except OverflowError:
            raise CalendarError(f"{start.isoformat()} + {work} is out of range") from None

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in [start, end]; negative when end is before start."""
        start, end = _as_utc(start, "start"), _as_utc(end, "end")
        if end < start:
            return -self.between(end, start)
        if self.is_always_on:
            return end - start
        try:
            return timedelta(microseconds=self._between_micros(start, end))
        except OverflowError:
            raise CalendarError(f"{start.isoformat()}..{end.isoformat()} is out of range") from None

    def _add_micros(self, start: datetime, remaining: int) -> int:
        cursor = _to_micros(start)
        # Start a day early: around DST at midnight a day's spans can reach past its date.
        ordinal = self._local_date(start).toordinal() - 1
        idle_days = 0
        while idle_days <= MAX_IDLE_DAYS:
            spans, worked = self._worked_day(ordinal)
            ordinal += 1
            if not spans:
                idle_days += 1
                continue
            idle_days = 0
            if cursor <= spans[0][0] and remaining > worked:
                remaining -= worked  # the whole day is used up
                cursor = spans[-1][1]
                continue
            for span_start, span_end in spans:
                if span_end <= cursor:
                    continue
                begin = max(span_start, cursor)
                if remaining <= span_end - begin:
                    return begin + remaining
                remaining -= span_end - begin
                cursor = span_end
        last_day = date.fromordinal(ordinal - 1)
        raise CalendarError(
            f"calendar {self.name!r}: no working time in the {MAX_IDLE_DAYS} days up to {last_day}"
        )

    def _between_micros(self, start: datetime, end: datetime) -> int:
        low, high = _to_micros(start), _to_micros(end)
        first_ordinal = self._local_date(start).toordinal() - 1
        last_ordinal = self._local_date(end).toordinal() + 1
        total = 0
        for ordinal in range(first_ordinal, last_ordinal + 1):
            spans, worked = self._worked_day(ordinal)
            if not spans:
                continue
            if low <= spans[0][0] and spans[-1][1] <= high:
                total += worked
                continue
            for span_start, span_end in spans:
                overlap = min(span_end, high) - max(span_start, low)
                if overlap > 0:
                    total += overlap
        return total

    def _local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.timezone).date()

    def _worked_day(self, ordinal: int) -> WorkedDay:
        worked_day = self._worked_days.get(ordinal)
        if worked_day is None:
            if not _FIRST_ORDINAL <= ordinal <= _LAST_ORDINAL:
                raise OverflowError("date out of range")
            if len(self._worked_days) >= _CACHE_LIMIT:
                self._worked_days.clear()
            spans = self._compute_spans(date.fromordinal(ordinal))
            worked_day = (spans, sum(end - start for start, end in spans))
            self._worked_days[ordinal] = worked_day
        return worked_day

    def _compute_spans(self, day: date) -> tuple[Span, ...]:
        if not self.is_working_day(day):
            return ()
        windows = self.hours[day.weekday()] or self.makeup_hours
        # A non-existent local time (DST gap) converts with fold=0 and can land after a
        # later wall-clock time, so keep spans ordered, non-overlapping and inside the day.
        floor = self._instant(day, 0)
        day_end = self._instant(day, MINUTES_PER_DAY)
        spans = []
        for start_minute, end_minute in windows:
            start = max(self._instant(day, start_minute), floor)
            end = min(max(self._instant(day, end_minute), start), day_end)
            if end > start:
                spans.append((start, end))
                floor = end
        return tuple(spans)

    def _instant(self, day: date, minute: int) -> int:
        wall_clock = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
        return _to_micros(wall_clock.replace(tzinfo=self.timezone))


def always_on(tz: ZoneInfo | str = "UTC", name: str = "24x7") -> WorkCalendar:
    """A calendar where every instant is working time."""
    return WorkCalendar(name=name, timezone=_zone(tz), hours=_every_day(_WHOLE_DAY))


def parse_calendar_toml(text: str, default_timezone: str = "UTC") -> WorkCalendar:
    """A calendar from the text of a calendar TOML file (DESIGN.md §3)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CalendarError(f"calendar is not valid TOML: {error}") from None
    return parse_calendar(data, default_timezone)


_TOP_LEVEL_KEYS = ("name", "timezone", "holidays", "workdays", "preset", "makeup_hours", "hours")
_WINDOW_PATTERN = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH_DAY_PATTERN = re.compile(r"(\d{2})-(\d{2})")


def parse_calendar(data: Mapping[str, Any], default_timezone: str = "UTC") -> WorkCalendar:
    """A calendar from a parsed calendar TOML table."""
    if not isinstance(data, Mapping):
        raise CalendarError(f"calendar must be a table, got {type(data).__name__}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise CalendarError("calendar needs a 'name' (a non-empty string)")
    try:
        _reject_unknown_keys(data, _TOP_LEVEL_KEYS, "")
        holidays, yearly_holidays = _parse_days(data.get("holidays", []), "holidays", yearly=True)
        workdays, _ = _parse_days(data.get("workdays", []), "workdays", yearly=False)
        fields: dict[str, Any] = {
            "timezone": _zone(data.get("timezone", default_timezone)),
            "hours": _parse_week(data["hours"]) if "hours" in data else _every_day(_WHOLE_DAY),
            "holidays": holidays,
            "yearly_holidays": yearly_holidays,
            "workdays": workdays,
            "preset": _parse_preset(data.get("preset")),
            "makeup_hours": _parse_makeup_hours(data.get("makeup_hours")),
        }
    except CalendarError as error:
        raise CalendarError(f"calendar {name!r}: {error}") from None
    return WorkCalendar(name=name, **fields)


def _reject_unknown_keys(table: Mapping[str, Any], known: Iterable[str], where: str) -> None:
    unknown = sorted(str(key) for key in set(table) - set(known))
    if unknown:
        raise CalendarError(f"unknown key {where + unknown[0]!r} (known: {', '.join(known)})")


def _parse_preset(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value in PRESETS:
        return value
    raise CalendarError(f"unknown preset {value!r} (known: {', '.join(PRESETS)})")


def _parse_makeup_hours(value: object) -> tuple[Window, ...]:
    if value is None:
        return ()
    windows = _parse_windows(value, "makeup_hours")
    if not windows:
        raise CalendarError("makeup_hours must list at least one window")
    return windows


def _parse_week(table: object) -> dict[int, tuple[Window, ...]]:
    if not isinstance(table, Mapping):
        raise CalendarError("hours must be a table with keys mon..sun")
    _reject_unknown_keys(table, WEEKDAY_KEYS, "hours.")
    return {
        weekday: _parse_windows(table.get(key, []), f"hours.{key}")
        for weekday, key in enumerate(WEEKDAY_KEYS)
    }


def _parse_windows(value: object, where: str) -> tuple[Window, ...]:
    if not isinstance(value, list):
        raise CalendarError(f'{where} must be a list like ["09:00-18:00"]')
    return tuple(_parse_window(item, where) for item in value)


def _parse_window(text: object, where: str) -> Window:
    match = _WINDOW_PATTERN.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise CalendarError(f"{where}: bad time {text!r} (expected HH:MM-HH:MM)")
    start_hour, start_minute, end_hour, end_minute = map(int, match.groups())
    if not (_is_clock_time(start_hour, start_minute) and _is_clock_time(end_hour, end_minute)):
        raise CalendarError(f"{where}: bad time {text!r} (hours 00-24, minutes 00-59)")
    return start_hour * 60 + start_minute, end_hour * 60 + end_minute


def _is_clock_time(hour: int, minute: int) -> bool:
    return (0 <= hour <= 23 and 0 <= minute <= 59) or (hour, minute) == (24, 0)


def _parse_days(
    value: object, where: str, *, yearly: bool
) -> tuple[frozenset[date], frozenset[tuple[int, int]]]:
    if not isinstance(value, list):
        raise CalendarError(f'{where} must be a list like ["2026-10-01", "2026-10-01..2026-10-07"]')
    dates: set[date] = set()
    month_days: set[tuple[int, int]] = set()
    for item in value:
        if isinstance(item, date) and not isinstance(item, datetime):
            dates.add(item)  # a bare TOML date
        elif not isinstance(item, str):
            raise CalendarError(f"{where}: bad date {item!r} (expected a string)")
        elif ".." in item:
            dates.update(_parse_range(item.strip(), where))
        elif yearly and _MONTH_DAY_PATTERN.fullmatch(item.strip()):
            month_days.add(_parse_month_day(item.strip(), where))
        else:
            dates.add(_parse_date(item.strip(), where))
    return frozenset(dates), frozenset(month_days)


def _parse_range(text: str, where: str) -> list[date]:
    first_text, _, last_text = text.partition("..")
    first, last = _parse_date(first_text.strip(), where), _parse_date(last_text.strip(), where)
    if last < first:
        raise CalendarError(f"{where}: range {text!r} ends before it starts")
    length = (last - first).days + 1
    if length > MAX_RANGE_DAYS:
        raise CalendarError(f"{where}: range {text!r} is longer than {MAX_RANGE_DAYS} days")
    return [first + timedelta(days=offset) for offset in range(length)]


def _parse_date(text: str, where: str) -> date:
    if not _DATE_PATTERN.fullmatch(text):
        raise CalendarError(f"{where}: bad date {text!r} (expected YYYY-MM-DD)")
    try:
        return date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    except ValueError as error:
        raise CalendarError(f"{where}: bad date {text!r} ({error})") from None


def _parse_month_day(text: str, where: str) -> tuple[int, int]:
    month, day = (int(part) for part in text.split("-"))
    try:
        date(2000, month, day)  # a leap year, so "02-29" is valid (it applies in leap years)
    except ValueError as error:
        raise CalendarError(f"{where}: bad date {text!r} ({error})") from None
    return month, day


def _checked_week(hours: object) -> dict[int, tuple[Window, ...]]:
    if not isinstance(hours, Mapping):
        raise CalendarError("hours must map weekdays 0 (Mon) .. 6 (Sun) to windows")
    unknown = [weekday for weekday in hours if weekday not in range(7)]
    if unknown:
        raise CalendarError(f"hours: unknown weekday {unknown[0]!r} (use 0 for Mon .. 6 for Sun)")
    return {
        weekday: _checked_windows(hours.get(weekday, ()), f"hours.{key}")
        for weekday, key in enumerate(WEEKDAY_KEYS)
    }


def _checked_windows(windows: Iterable[Window], where: str) -> tuple[Window, ...]:
    ordered = sorted((start, end) for start, end in windows)
    for start, end in ordered:
        if end <= start:
            raise CalendarError(
                f"{where}: window {_window_text(start, end)} does not end after it starts"
            )
        if start < 0 or end > MINUTES_PER_DAY:
            raise CalendarError(f"{where}: window {_window_text(start, end)} is outside a day")
    for earlier, later in pairwise(ordered):
        if later[0] < earlier[1]:
            raise CalendarError(
                f"{where}: windows {_window_text(*earlier)} and {_window_text(*later)} overlap"
            )
    return tuple(ordered)


def _window_text(start: int, end: int) -> str:
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def _every_day(windows: tuple[Window, ...]) -> dict[int, tuple[Window, ...]]:
    return dict.fromkeys(range(7), windows)


def _zone(key: object) -> ZoneInfo:
    if isinstance(key, ZoneInfo):
        return key
    if not isinstance(key, str) or not key.strip():
        raise CalendarError(f"timezone must be a zone name like 'Asia/Shanghai', got {key!r}")
    try:
        return ZoneInfo(key.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise CalendarError(f"unknown timezone {key!r}") from None


def _as_utc(moment: object, what: str) -> datetime:
    if not isinstance(moment, datetime):
        raise CalendarError(f"{what} must be a datetime, got {type(moment).__name__}")
    if moment.utcoffset() is None:
        raise CalendarError(f"{what} {moment.isoformat()} is naive; give it a time zone")
    return moment.astimezone(UTC)


def _to_micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _from_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)
