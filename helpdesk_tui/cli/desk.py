"""Opening the desk for a subcommand, on a database whose schema is current."""

from __future__ import annotations

from helpdesk_tui.config import Settings
from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.services.desk import Desk, open_desk
from helpdesk_tui.store.engine import sqlite_file
from helpdesk_tui.store.schema import ensure_current


def ready_desk(settings: Settings) -> Desk:
    path = sqlite_file(settings.db)
    if path is not None and not path.exists():
        raise NotFound(f"no database at {path}: run `helpdesk init` (or `helpdesk demo`)")
    desk = open_desk(settings)
    ensure_current(desk.store.engine)
    return desk
