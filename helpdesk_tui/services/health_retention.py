"""Keeping the health history small: every sample of the last RAW_KEEP (48 h), then the
first sample of each server and hour, up to `keep_days`; cleared incidents as long.

Cheap enough for every round: the hours that aged past RAW_KEEP since the previous round
are thinned (usually none, one at the turn of an hour), and whatever aged past
`keep_days` is deleted through the index on collected_at.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, select
from sqlalchemy.orm import Session

from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.health_alerts import KIND
from helpdesk_tui.services.health_history import RAW_KEEP
from helpdesk_tui.store.models import AlertTimer, HealthIncident, HealthSample

HOUR = timedelta(hours=1)
BATCH = 1000  # old incidents removed per round


def prune(desk: Desk, now: datetime, keep_days: int, previous_round: datetime | None) -> int:
    """Thin and delete; returns how many samples went. `previous_round` (None: unknown)
    says how far back the hours that aged since then reach."""
    with desk.store.write() as session:
        gone = _thin(session, now, previous_round)
        gone += _expire_samples(session, now - timedelta(days=keep_days))
        _expire_incidents(session, now - timedelta(days=keep_days))
        return gone


def floor_hour(instant: datetime) -> datetime:
    return instant.replace(minute=0, second=0, microsecond=0)


def _thin(session: Session, now: datetime, previous_round: datetime | None) -> int:
    end = floor_hour(now - RAW_KEEP)
    start = floor_hour(min(previous_round or now, now) - RAW_KEEP) - HOUR
    window = and_(HealthSample.collected_at >= start, HealthSample.collected_at < end)
    first_of_hour = (
        select(func.min(HealthSample.id))
        .where(window)
        .group_by(HealthSample.server_id, _hour_of(session, HealthSample.collected_at))
    )
    thinned = delete(HealthSample).where(window, HealthSample.id.not_in(first_of_hour))
    return session.execute(thinned).rowcount or 0


def _hour_of(session: Session, column) -> ColumnElement:
    if session.get_bind().dialect.name == "postgresql":
        return func.date_trunc("hour", column)
    return func.strftime("%Y-%m-%d %H", column)  # SQLite keeps UTC instants as text


def _expire_samples(session: Session, before: datetime) -> int:
    expired = delete(HealthSample).where(HealthSample.collected_at < before)
    return session.execute(expired).rowcount or 0


def _expire_incidents(session: Session, before: datetime) -> None:
    old = select(HealthIncident.id).where(HealthIncident.cleared_at < before).limit(BATCH)
    ids = list(session.scalars(old))
    if not ids:
        return
    subjects = [f"{KIND}:{incident_id}" for incident_id in ids]
    session.execute(delete(AlertTimer).where(AlertTimer.subject.in_(subjects)))
    session.execute(delete(HealthIncident).where(HealthIncident.id.in_(ids)))
