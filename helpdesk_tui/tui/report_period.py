"""The period a report covers: a calendar month, quarter or year in the desk's zone, and
the steps the reports screen takes through them (`[` / `]` and `m`). Pure: dates in,
dates out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Span(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def months(self) -> int:
        return {Span.MONTH: 1, Span.QUARTER: 3, Span.YEAR: 12}[self]

    def following(self) -> Span:
        spans = list(Span)
        return spans[(spans.index(self) + 1) % len(spans)]


@dataclass(frozen=True)
class Period:
    span: Span
    first: date  # the first day of the month, quarter or year

    @property
    def last(self) -> date:
        return _add_months(self.first, self.span.months) - timedelta(days=1)

    def shifted(self, step: int) -> Period:
        return Period(self.span, _add_months(self.first, step * self.span.months))

    def widened(self, today: date) -> Period:
        """The next span (month → quarter → year → month) around this one; back to a month,
        today's when this period holds today, else its first."""
        anchor = today if self.contains(today) else self.first
        return period_containing(anchor, self.span.following())

    @property
    def label(self) -> str:
        """`2026-11`, `2026-Q4` or `2026`: the same in both languages, and a file name part."""
        if self.span is Span.MONTH:
            return f"{self.first:%Y-%m}"
        if self.span is Span.QUARTER:
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return f"{self.first.year}"

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last


def period_containing(day: date, span: Span = Span.MONTH) -> Period:
    month = (day.month - 1) // span.months * span.months + 1
    return Period(span, date(day.year, month, 1))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
