"""Opening the full-screen console (and the wall, which is the same app, read-only)."""

from __future__ import annotations

from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.config import Settings


def open_console(settings: Settings, *, wall: bool = False) -> None:
    desk = ready_desk(settings)  # refuses a missing or out-of-date database, before the screen
    from helpdesk_tui.tui.app import HelpdeskApp

    app = HelpdeskApp(  # a bad [notifiers] table is refused here too, before the screen
        desk,
        settings.lang,
        read_only=wall,
        keymap=settings.keymap,
        wall=wall,
        notifiers=settings.notifiers,
        run_alerts=not wall,  # the console sweeps and delivers alerts; the wall only shows
        settings=settings,  # for the health collection the console's scheduler runs
    )
    app.run()
