"""When a customer's backup plan (存储备份) needs someone's attention:

- overdue: no success within its interval plus a quarter of it (a daily backup that
  has not worked for 30 hours), then again every interval until one works;
- restore check: a backup nobody has restored in 90 days is a hope, not a backup.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from helpdesk_tui.domain.errors import InvalidInput

RESTORE_CHECK_EVERY = timedelta(days=90)
LONGEST_INTERVAL_HOURS = 24 * 31


def check_plan(interval_hours: int, retention_days: int) -> None:
    if not 1 <= interval_hours <= LONGEST_INTERVAL_HOURS:
        raise InvalidInput("interval: expected 1 hour to 31 days")
    if not 1 <= retention_days <= 3650:
        raise InvalidInput("retention: expected 1 to 3650 days")
    if retention_days * 24 < interval_hours:
        raise InvalidInput("retention shorter than the interval keeps no backup at all")


def overdue_at(last_success: datetime | None, created: datetime, interval: timedelta) -> datetime:
    return (last_success or created) + interval + interval / 4


def restore_check_at(last_verified: datetime | None, created: datetime) -> datetime:
    return (last_verified or created) + RESTORE_CHECK_EVERY
