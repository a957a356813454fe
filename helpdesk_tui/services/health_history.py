"""Reading the stored health history: each server's latest sample, the disk history
behind the capacity trend, the findings of the latest rounds, one server's samples.

What is kept (see health_retention): every sample of the last RAW_KEEP, then the first
sample of each hour up to the configured number of days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import extract, or_, select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.health import Finding, days_until_full
from helpdesk_tui.services.health_records import disk_percents, findings_of
from helpdesk_tui.store.models import Customer, HealthIncident, HealthSample, Server

RAW_KEEP = timedelta(hours=48)
TREND_SPAN = timedelta(days=14)
FORESEEABLE_DAYS = 5 * 365

Points = list[tuple[datetime, float]]


def latest_samples(
    session: Session, server_ids: Sequence[int], now: datetime
) -> dict[int, HealthSample]:
    """Each server's newest sample at or before `now`: one index probe per server, in
    one statement."""
    if not server_ids:
        return {}
    newest = (
        select(HealthSample.id)
        .where(HealthSample.server_id == Server.id, HealthSample.collected_at <= now)
        .order_by(HealthSample.collected_at.desc())
        .limit(1)
        .correlate(Server)
        .scalar_subquery()
    )
    chosen = select(newest).where(Server.id.in_(server_ids))
    query = select(HealthSample).where(HealthSample.id.in_(chosen))
    return {sample.server_id: sample for sample in session.scalars(query)}


def disk_history(
    session: Session, server_ids: Sequence[int], now: datetime
) -> dict[int, dict[str, Points]]:
    """server → mount → (instant, percent) about hourly over TREND_SPAN: the thinned
    samples older than RAW_KEEP, and of the raw ones those taken in the first minute of
    an hour (a round every minute or more often leaves one there)."""
    if not server_ids:
        return {}
    query = (
        select(HealthSample.server_id, HealthSample.collected_at, HealthSample.disks)
        .where(
            HealthSample.server_id.in_(server_ids),
            HealthSample.collected_at >= now - TREND_SPAN,
            HealthSample.collected_at <= now,
            or_(
                HealthSample.collected_at < now - RAW_KEEP,
                extract("minute", HealthSample.collected_at) == 0,
            ),
        )
        .order_by(HealthSample.server_id, HealthSample.collected_at)
    )
    found: dict[int, dict[str, Points]] = defaultdict(lambda: defaultdict(list))
    for server_id, at, disks in session.execute(query):
        for mount, percent in disk_percents(disks).items():
            found[server_id][mount].append((at, percent))
    return found


def trends(
    points: dict[str, Points], now: datetime, current: dict[str, float]
) -> dict[str, float | None]:
    """mount → days until full, from the history and the current use; None when it
    cannot be told or lies beyond FORESEEABLE (a flat line is full in 10^30 days)."""
    found = {}
    for mount, percent in current.items():
        days = days_until_full([*points.get(mount, []), (now, percent)])
        found[mount] = days if days is not None and days <= FORESEEABLE_DAYS else None
    return found


def recent_findings(
    session: Session, server_id: int, rounds: int, now: datetime
) -> list[list[Finding]]:
    """The findings of the server's latest `rounds` samples, oldest first."""
    query = (
        select(HealthSample.findings)
        .where(HealthSample.server_id == server_id, HealthSample.collected_at <= now)
        .order_by(HealthSample.collected_at.desc())
        .limit(max(rounds, 1))
    )
    return [findings_of(entries) for entries in reversed(list(session.scalars(query)))]


def samples_between(
    session: Session, server_id: int, since: datetime, until: datetime
) -> list[HealthSample]:
    query = (
        select(HealthSample)
        .where(
            HealthSample.server_id == server_id,
            HealthSample.collected_at >= since,
            HealthSample.collected_at <= until,
        )
        .order_by(HealthSample.collected_at)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class IncidentRow:
    incident: HealthIncident
    server: str
    customer: str


def list_incidents(
    session: Session, *, include_cleared: bool = False, limit: int = 500
) -> list[IncidentRow]:
    """Open incidents (and, with `include_cleared`, the cleared ones too), newest first."""
    query = (
        select(HealthIncident, Server.name, Customer.name)
        .join(Server, Server.id == HealthIncident.server_id)
        .join(Customer, Customer.id == Server.customer_id)
        .order_by(HealthIncident.id.desc())
        .limit(limit)
    )
    if not include_cleared:
        query = query.where(HealthIncident.cleared_at.is_(None))
    return [IncidentRow(i, server, customer) for i, server, customer in session.execute(query)]
