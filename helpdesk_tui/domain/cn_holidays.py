"""Official mainland-China working days (holidays and 调休) from the `chinese_calendar` package."""

from __future__ import annotations

from datetime import date
from functools import lru_cache


# The package re-derives its supported year range on every call, so remember answers.
@lru_cache(maxsize=65_536)
def official_workday(day: date) -> bool | None:
    """Whether `day` is an official working day, or None when the package has no data for its year.

    Official holidays are not working days; make-up working days (调休) are, even on a weekend.
    """
    # Imported here so that calendars without the "cn" preset never load the package.
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None
