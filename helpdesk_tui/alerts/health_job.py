"""Server health collection as a periodic job of the alert scheduler (`helpdesk daemon`,
and any console's AlertRunner.scheduler).

Every process may schedule it; only the holder of the "health-collection" lease
collects. The holder renews the lease each round; if it stops, another process takes over
once the lease has lapsed (three intervals).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from helpdesk_tui.config import Settings
from helpdesk_tui.domain.monitoring_policy import SEED_MONITORING, MonitoringPolicy
from helpdesk_tui.monitoring.node_exporter import ScrapeSource
from helpdesk_tui.reference_data import load_monitoring_policy
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.health_collector import (
    RoundReport,
    anything_to_collect,
    collect_round,
)
from helpdesk_tui.services.job_lease import hold, release
from helpdesk_tui.services.server_health import TIMEOUT

log = logging.getLogger(__name__)

LEASE = "health-collection"
JOB_ID = "health-collection"
LEASE_INTERVALS = 3


def add_health_collection(
    scheduler: AsyncIOScheduler, desk: Desk, settings: Settings, owner: str
) -> bool:
    """Schedule the rounds (the first at once); False when `health_every` is 0 (off)."""
    if settings.health_every <= 0:
        return False
    scraper = ScrapeSource(timeout=TIMEOUT)  # lives as long as the job: it remembers counters
    policy = load_monitoring_policy(settings.monitoring_policy)  # a bad file: refused at start
    scheduler.add_job(
        run_health_round,
        IntervalTrigger(seconds=settings.health_every, timezone="UTC"),
        args=(desk, settings, owner, scraper, policy),
        id=JOB_ID,
        replace_existing=True,
        next_run_time=datetime.now().astimezone(),
        coalesce=True,
        max_instances=1,  # a slow round is never overlapped by the next
        misfire_grace_time=None,
    )
    return True


async def run_health_round(
    desk: Desk, settings: Settings, owner: str, scraper: ScrapeSource | None = None,
    policy: MonitoringPolicy = SEED_MONITORING,
) -> RoundReport | None:  # fmt: skip
    """One round if this process holds the lease; never raises (a failing round must not
    stop the alerts)."""
    try:
        if not await asyncio.to_thread(anything_to_collect, desk, settings.prometheus_url):
            return None
        if not await asyncio.to_thread(hold, desk, LEASE, owner, lease_ttl(settings)):
            return None
        report = await asyncio.to_thread(
            collect_round,
            desk,
            settings.prometheus_url,
            keep_days=settings.health_keep_days,
            scraper=scraper,
            policy=policy,
        )
    except Exception:
        log.exception("health collection round failed")
        return None
    log.debug("health round: %d samples, %d pruned", report.samples, report.pruned)
    return report


async def give_up_health_lease(desk: Desk, owner: str) -> None:
    """On a clean stop: let another process take over at once, not after the lease lapses."""
    try:
        await asyncio.to_thread(release, desk, LEASE, owner)
    except Exception:
        log.exception("could not release the health-collection lease")


def lease_ttl(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.health_every * LEASE_INTERVALS)
