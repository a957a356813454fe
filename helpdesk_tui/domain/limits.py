"""Bounds on what people type: titles, notes, ratings, minutes, instants."""

from __future__ import annotations

from datetime import datetime

from helpdesk_tui.domain.errors import InvalidInput

TITLE_MAX = 200
TEXT_MAX = 20_000
NAME_MAX = 120
MINUTES_MAX = 24 * 60 * 7


def required_text(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{field} must not be empty")
    return bounded_text(text, field, limit)


def bounded_text(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(f"{field} is too long ({len(text)} characters, at most {limit})")
    if "\x00" in text:
        raise InvalidInput(f"{field} contains a NUL character")
    return text


def rating(value: int) -> int:
    if not 1 <= value <= 5:
        raise InvalidInput(f"rating must be between 1 and 5, got {value}")
    return value


def minutes(value: int) -> int:
    if not 0 <= value <= MINUTES_MAX:
        raise InvalidInput(f"minutes must be between 0 and {MINUTES_MAX}, got {value}")
    return value


def event_time(at: datetime | None, now: datetime, previous: datetime) -> datetime:
    """When an action happened: now by default; back-dated, never future, never before the
    ticket's previous event."""
    when = now if at is None else at
    if when.tzinfo is None:
        raise InvalidInput("a time without a time zone cannot be placed")
    if when > now:
        raise InvalidInput(f"{when.isoformat()} is in the future")
    if when < previous:
        raise InvalidInput(
            f"{when.isoformat()} is before the ticket's previous event at {previous.isoformat()}"
        )
    return when
