"""`helpdesk daemon`: the alert scheduler with no console, for the hours nobody watches,
the daily backup of the desk's database, server health collection and the daily planning
of return visits (回访).

It sweeps on a schedule, wakes at the next alert moment, and re-arms that wake-up within a
second of any change made elsewhere (the change feed), until SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import timedelta

from helpdesk_tui.alerts.backup_job import add_daily_backup
from helpdesk_tui.alerts.health_job import add_health_collection, give_up_health_lease
from helpdesk_tui.alerts.routing import remote_sender
from helpdesk_tui.alerts.runner import AlertRunner, process_name
from helpdesk_tui.alerts.visit_job import add_visit_planning
from helpdesk_tui.config import Settings
from helpdesk_tui.reference_data import load_monitoring_policy
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.changes import ChangeFeed

log = logging.getLogger(__name__)
FEED_POLL = 0.5  # seconds


def serve(desk: Desk, settings: Settings, sweep_seconds: int) -> None:
    load_monitoring_policy(settings.monitoring_policy)  # a bad file: one line, before anything
    asyncio.run(_serve(desk, settings, sweep_seconds))


async def _serve(desk: Desk, settings: Settings, sweep_seconds: int) -> None:
    owner = process_name("daemon")
    send = remote_sender(settings.notifiers, settings.lang, settings.zone)
    runner = AlertRunner(desk, owner, send, sweep_every=timedelta(seconds=sweep_seconds))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    feed = ChangeFeed(desk.store.engine)
    runner.start()
    assert runner.scheduler is not None
    add_daily_backup(runner.scheduler, desk, settings, owner)
    add_health_collection(runner.scheduler, desk, settings, owner)
    add_visit_planning(runner.scheduler, desk)
    log.info("alert daemon %s started on %s", owner, desk.store.engine.url.render_as_string())
    try:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), FEED_POLL)
            except TimeoutError:
                if await asyncio.to_thread(feed.changed):
                    await runner.rearm()
    finally:
        await runner.stop()
        await give_up_health_lease(desk, owner)
        feed.close()
        log.info("alert daemon %s stopped after %d sweeps", owner, runner.sweeps)
