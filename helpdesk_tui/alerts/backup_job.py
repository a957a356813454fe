"""The daily backup of the desk's database, run by `helpdesk daemon` (存储备份 for the desk
itself). Several daemons may run: the one whose claim of the day's slot goes in does it."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, time, timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from helpdesk_tui.config import Settings, default_backup_folder
from helpdesk_tui.services.alerts import claim_once
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store import backup
from helpdesk_tui.store.schema import known_revisions

log = logging.getLogger(__name__)


def add_daily_backup(
    scheduler: AsyncIOScheduler, desk: Desk, settings: Settings, owner: str
) -> None:
    if not settings.backup_daily:
        return
    hour, minute = (int(part) for part in settings.backup_daily.split(":"))
    scheduler.add_job(
        _run,
        CronTrigger(hour=hour, minute=minute, timezone=settings.tz),
        args=(desk, settings, owner),
        id="daily-backup",
        coalesce=True,
        misfire_grace_time=3600,
    )


async def _run(desk: Desk, settings: Settings, owner: str) -> None:
    try:
        await asyncio.to_thread(backup_once, desk, settings, owner)
    except Exception:  # a full disk must not stop the alerts
        log.exception("daily backup failed")


def backup_once(desk: Desk, settings: Settings, owner: str) -> Path | None:
    """Make today's backup unless another process has; returns the file made here."""
    slot = _todays_slot(desk.now(), settings)
    if not claim_once(desk, "job:daily-backup", slot, owner):
        return None
    folder = Path(settings.backup_dir or default_backup_folder())
    folder.mkdir(parents=True, exist_ok=True)
    kind = "sqlite" if desk.store.dialect == "sqlite" else "pg_dump"
    made = backup.create(desk.store.engine, folder / backup.backup_name(desk.now(), kind))
    backup.verify(made, known_revisions())
    removed = backup.prune(folder, settings.backup_keep)
    log.info("daily backup %s made and verified; %d old one(s) removed", made, len(removed))
    return made


def _todays_slot(now: datetime, settings: Settings) -> datetime:
    """The latest scheduled moment at or before `now` (the day's key for the claim)."""
    hour, minute = (int(part) for part in settings.backup_daily.split(":"))
    local = now.astimezone(settings.zone)
    slot = datetime.combine(local.date(), time(hour, minute), settings.zone)
    return slot if slot <= local else slot - timedelta(days=1)
