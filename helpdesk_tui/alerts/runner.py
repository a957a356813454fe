"""The alert scheduler that runs in every console and in `helpdesk daemon`.

APScheduler's AsyncIOScheduler, in memory (its job store is never shared: the database is
the truth, DESIGN.md §4). Two jobs: a periodic sweep (catching up at start, and taking
over claims whose deliverer died), and a one-shot wake-up at the next alert moment so an
alert fires within a second of its time, re-armed whenever the data changes. The database
work runs in a thread, never on the event loop (the console's UI lives there).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from helpdesk_tui.services import alerts
from helpdesk_tui.services.alerts import AlertMessage
from helpdesk_tui.services.desk import Desk

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(seconds=30)
WAKE_JOB = "next-moment"


def process_name(role: str) -> str:
    """Who delivered, as the alert list shows it: host, process and what kind of process."""
    return f"{role}@{socket.gethostname()}:{os.getpid()}"


class AlertRunner:
    def __init__(
        self,
        desk: Desk,
        owner: str,
        send: Callable[[AlertMessage], str],
        *,
        sweep_every: timedelta = SWEEP_EVERY,
        on_delivered: Callable[[list[int]], None] | None = None,
    ) -> None:
        self.desk, self.owner, self._send = desk, owner, send
        self._sweep_every = sweep_every
        self._on_delivered = on_delivered
        self.scheduler: AsyncIOScheduler | None = None  # other periodic jobs may join it
        self._sweeper: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self.sweeps = 0

    def start(self) -> None:
        """Call from a running event loop; the first sweep (the catch-up) runs at once.

        The scheduler's jobs only wake one long-lived sweeper task: a job never runs a
        sweep itself, so no job instance is ever skipped or left half-done at shutdown.
        """
        self._wake = asyncio.Event()
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.scheduler.add_job(
            self._kick,
            IntervalTrigger(seconds=self._sweep_every.total_seconds(), timezone="UTC"),
            id="sweep",
            next_run_time=datetime.now().astimezone(),
            coalesce=True,
            misfire_grace_time=None,
        )
        self.scheduler.start()

    def shutdown(self) -> None:
        """Stop scheduling; a sweep already in its thread finishes on its own."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._sweeper is not None:
            self._sweeper.cancel()

    async def stop(self) -> None:
        """Shut down and wait until the sweeper has let go (for a clean daemon exit)."""
        self.shutdown()
        if self._sweeper is not None:
            await asyncio.gather(self._sweeper, return_exceptions=True)

    async def _kick(self) -> None:  # a coroutine: APScheduler runs it on the loop itself
        self._wake.set()

    async def _sweep_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self.sweep_now()

    async def sweep_now(self) -> list[int]:
        """Sweep until nothing due is left, deliver, then arm the wake-up for what's next."""
        async with self._lock:
            try:
                delivered = await asyncio.to_thread(self._sweep_and_deliver)
                next_at = await asyncio.to_thread(alerts.next_timer_at, self.desk)
            except Exception:  # a database hiccup: log it, the next sweep tries again
                log.exception("alert sweep failed")
                return []
        self.sweeps += 1
        self._arm(next_at)
        if delivered and self._on_delivered:
            self._on_delivered(delivered)
        return delivered

    async def rearm(self) -> None:
        """Something changed (another process, a use case here): the next moment may too."""
        try:
            next_at = await asyncio.to_thread(alerts.next_timer_at, self.desk)
        except Exception:
            log.exception("reading the next alert moment failed")
            return
        self._arm(next_at)

    def _sweep_and_deliver(self) -> list[int]:
        delivered: list[int] = []
        while True:
            claimed = alerts.sweep(self.desk, self.owner)
            alerts.deliver(self.desk, self.owner, claimed, self._send)
            delivered += claimed
            if len(claimed) < alerts.BATCH:
                return delivered

    def _arm(self, next_at: datetime | None) -> None:
        scheduler = self.scheduler
        if scheduler is None or not scheduler.running:
            return
        if next_at is None:
            if scheduler.get_job(WAKE_JOB):
                scheduler.remove_job(WAKE_JOB)
            return
        # The desk clock may differ from the wall clock (tests); wait the same interval.
        delay = max((next_at - self.desk.now()).total_seconds(), 0.0)
        when = datetime.now().astimezone() + timedelta(seconds=delay)
        scheduler.add_job(
            self._kick,
            DateTrigger(run_date=when),
            id=WAKE_JOB,
            replace_existing=True,
            misfire_grace_time=None,
        )
