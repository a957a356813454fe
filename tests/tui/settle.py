"""Waiting for the console to finish loading, by condition rather than by sleeping."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

STEPS = 50  # pauses of 0.05 s at most: 2.5 s


async def until(pilot: Pilot, condition: Callable[[], bool]) -> None:
    for _ in range(STEPS):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the console did not get there in time")


async def queue_loaded(pilot: Pilot) -> None:
    """The queue has its rows, the side pane its ticket and the status line its alerts."""
    from helpdesk_tui.tui.widgets.alert_panes import AlertStatusLine
    from helpdesk_tui.tui.widgets.queue_table import QueueTable
    from helpdesk_tui.tui.widgets.ticket_summary import TicketSummary

    def ready() -> bool:
        screen = pilot.app.screen
        tables = screen.query(QueueTable)
        if not tables or not tables.first().ids:
            return False
        if not all(line.loaded for line in screen.query(AlertStatusLine)):
            return False
        summaries = screen.query(TicketSummary)
        return (
            not summaries or summaries.first().detail is not None or not summaries.first().display
        )

    await until(pilot, ready)


async def alerts_loaded(pilot: Pilot) -> None:
    """Key 3 pressed on a loaded queue, and the alerts screen has its list."""
    await queue_loaded(pilot)
    await pilot.press("3")
    await until(pilot, lambda: getattr(pilot.app.screen, "view", None) is not None)


async def training_loaded(pilot: Pilot) -> None:
    """Key 4 pressed on a loaded queue, and the calendar has the sessions it shows."""
    from helpdesk_tui.tui.screens.training import TrainingScreen

    await queue_loaded(pilot)
    await pilot.press("4")
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, TrainingScreen) and pilot.app.screen.loaded,
    )


async def health_loaded(pilot: Pilot) -> None:
    """Key 5 pressed on a loaded queue, and the health cards are painted."""
    from helpdesk_tui.tui.screens.health import HealthScreen
    from helpdesk_tui.tui.widgets.card_grid import CardGrid

    await queue_loaded(pilot)
    await pilot.press("5")
    await until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, HealthScreen)
            and pilot.app.screen.loaded
            and pilot.app.screen.query_one(CardGrid).now is not None
        ),
    )


async def maintenance_loaded(pilot: Pilot, tab: str = "backups") -> None:
    """Key 6 pressed on a loaded queue, its lists read, and `tab` shown."""
    from helpdesk_tui.tui.screens.maintenance import MaintenanceScreen

    await queue_loaded(pilot)
    await pilot.press("6")
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, MaintenanceScreen) and pilot.app.screen.loaded,
    )
    while pilot.app.screen.active_tab != tab:
        await pilot.press("tab")
    await pilot.pause()
