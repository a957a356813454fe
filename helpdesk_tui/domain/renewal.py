"""Cloud renewal warnings (云续费预警): 30, 14, 7 and 1 days before a resource expires,
then on the day it expires, unless it renews itself."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

WARN_DAYS = (30, 14, 7, 1)
EXPIRED = "expired"


def target_for(days: int) -> str:
    return f"renewal_{days}"


def renewal_moments(expires_on: date, zone: tzinfo) -> dict[str, datetime]:
    """Each warning at 09:00 local on its day, and the expiry at 00:00 of the day itself."""
    expiry = datetime.combine(expires_on, time(0, 0), zone)
    moments = {
        target_for(days): datetime.combine(expires_on - timedelta(days=days), time(9, 0), zone)
        for days in WARN_DAYS
    }
    moments[EXPIRED] = expiry
    return moments


def days_left(expires_on: date, today: date) -> int:
    return (expires_on - today).days
