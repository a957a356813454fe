"""Planning return visits (回访) as a job of the alert scheduler: at start, then every day
just after midnight in the desk's zone. Planning is idempotent and safe when several
processes run it at once (each visit's key is unique), so every process may schedule it
and no lease is needed."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.visits import plan_visits

log = logging.getLogger(__name__)

JOB_ID = "visit-planning"
PLAN_AT = (0, 5)  # hour, minute local: a new day's visits are due from the morning


def add_visit_planning(scheduler: AsyncIOScheduler, desk: Desk) -> None:
    hour, minute = PLAN_AT
    scheduler.add_job(
        plan_now,
        CronTrigger(hour=hour, minute=minute, timezone=desk.zone),
        args=(desk,),
        id=JOB_ID,
        replace_existing=True,
        next_run_time=datetime.now().astimezone(),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
    )


async def plan_now(desk: Desk) -> int:
    """Plan what is due; never raises (a failed planning must not stop the alerts)."""
    try:
        planned = await asyncio.to_thread(plan_visits, desk)
    except Exception:
        log.exception("planning return visits failed")
        return 0
    if planned:
        log.info("%d return visit(s) planned", len(planned))
    return len(planned)
