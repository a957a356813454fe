"""The console application: one desk, live data, remappable keys."""

from __future__ import annotations

import contextlib
import gc
import os
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, ScreenStackError
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen

from helpdesk_tui.alerts.notifiers import parse_notifier_settings
from helpdesk_tui.domain.errors import HelpdeskError
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line, printable
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.reads import DeskReader
from helpdesk_tui.store.changes import ChangeFeed
from helpdesk_tui.tui.alert_announcer import AlertAnnouncer
from helpdesk_tui.tui.commands import DeskCommands

if TYPE_CHECKING:
    from collections.abc import Callable

    from helpdesk_tui.alerts.runner import AlertRunner
    from helpdesk_tui.config import Settings

CHANGE_POLL_SECONDS = 0.5  # changes made elsewhere show within a second


def _main_screen() -> Screen:
    from helpdesk_tui.tui.screens.main import MainScreen

    return MainScreen()


def _wall_screen() -> Screen:
    from helpdesk_tui.tui.screens.wall import WallScreen

    return WallScreen()


def _alerts_screen() -> Screen:
    from helpdesk_tui.tui.screens.alerts import AlertsScreen

    return AlertsScreen()


def _training_screen() -> Screen:
    from helpdesk_tui.tui.screens.training import TrainingScreen

    return TrainingScreen()


def _health_screen() -> Screen:
    from helpdesk_tui.tui.screens.health import HealthScreen

    return HealthScreen()


def _maintenance_screen() -> Screen:
    from helpdesk_tui.tui.screens.maintenance import MaintenanceScreen

    return MaintenanceScreen()


def _contracts_screen() -> Screen:
    from helpdesk_tui.tui.screens.contracts import ContractsScreen

    return ContractsScreen()


def _visits_screen() -> Screen:
    from helpdesk_tui.tui.screens.visits import VisitsScreen

    return VisitsScreen()


def _reports_screen() -> Screen:
    from helpdesk_tui.tui.screens.reports import ReportsScreen

    return ReportsScreen()


class HelpdeskApp(App):
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {DeskCommands}
    MODES = {  # noqa: RUF012
        "queue": _main_screen,
        "wall": _wall_screen,
        "alerts": _alerts_screen,
        "training": _training_screen,
        "health": _health_screen,
        "maintenance": _maintenance_screen,
        "contracts": _contracts_screen,
        "visits": _visits_screen,
        "reports": _reports_screen,
    }
    TITLE = "helpdesk"
    BINDINGS = [  # noqa: RUF012
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("1", "switch('queue')", "Queue", show=False, id="app.screen_queue"),
        Binding("2", "switch('wall')", "Wall", show=False, id="app.screen_wall"),
        Binding("3", "switch('alerts')", "Alerts", show=False, id="app.screen_alerts"),
        Binding("4", "switch('training')", "Training", show=False, id="app.screen_training"),
        Binding("5", "switch('health')", "Health", show=False, id="app.screen_health"),
        Binding(
            "6", "switch('maintenance')", "Maintenance", show=False, id="app.screen_maintenance"
        ),
        Binding("7", "switch('contracts')", "Contracts", show=False, id="app.screen_contracts"),
        Binding("8", "switch('visits')", "Visits", show=False, id="app.screen_visits"),
        Binding("9", "switch('reports')", "Reports", show=False, id="app.screen_reports"),
    ]

    def __init__(
        self,
        desk: Desk,
        lang: str,
        *,
        read_only: bool = False,
        keymap: dict[str, str] | None = None,
        wall: bool = False,
        notifiers: dict[str, Any] | None = None,
        run_alerts: bool = False,
        settings: Settings | None = None,
    ) -> None:
        """`notifiers` is the config file's [notifiers] table. `run_alerts` runs the alert
        scheduler in this console (the command line turns it on; tests leave it off so
        nothing sweeps behind a snapshot); a read-only console or the wall never does.
        `settings` (the command line's) lets that scheduler collect server health too."""
        super().__init__()
        self.desk = desk
        self.reader = DeskReader(desk)
        self.texts = Texts(lang)
        self.read_only = read_only
        self.start_on_wall = wall
        self._keymap = keymap or {}
        self._feed = ChangeFeed(desk.store.engine)
        self._settled = False
        self._notifiers = notifiers or {}
        self._notifier_settings = parse_notifier_settings(self._notifiers)  # bad: InvalidInput
        self._run_alerts = run_alerts and not read_only and not wall
        self._settings = settings
        self._alerts: AlertRunner | None = None
        self._announcer: AlertAnnouncer | None = None
        self.changes = 0  # changes the feed reported so far
        self._changes_seen: dict[str, int] = {}  # by mode: what its screens last showed

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A stray q or 2 while a form or list is open must not quit or leave the call.
        return not (action in ("quit", "switch") and isinstance(self.screen, ModalScreen))

    def on_mount(self) -> None:
        self.title = self.texts("app.title")
        if self._keymap:
            self.set_keymap(self._keymap)
        self._feed.changed()  # the baseline
        self.set_interval(1.0, self._tick)
        self.set_interval(CHANGE_POLL_SECONDS, self._poll_changes)
        self.action_switch("wall" if self.start_on_wall else "queue")
        self._announcer = AlertAnnouncer(self, self._notifier_settings, os.environ)
        self._announcer.start(then=self._start_alert_runner if self._run_alerts else None)

    def _start_alert_runner(self) -> None:
        """After the newest alert id is noted, so what the catch-up sweep claims is news."""
        self._prepare_alert_runner()

    @work(thread=True, group="alert-runner", exit_on_error=False)
    def _prepare_alert_runner(self) -> None:
        # The scheduler and the remote channels' libraries load here, off the UI loop.
        from helpdesk_tui.alerts.routing import remote_sender
        from helpdesk_tui.alerts.runner import AlertRunner, process_name
        from helpdesk_tui.alerts.visit_job import add_visit_planning  # noqa: F401 (loads here)

        try:
            send = remote_sender(self._notifiers, self.texts.lang, self.desk.zone)
        except Exception as error:  # a channel's library missing: the console still works
            self.call_from_thread(self.report_fault, error)
            return
        runner = AlertRunner(self.desk, process_name("console"), send, on_delivered=self._delivered)
        collect = None
        if self._settings is not None:  # the health collector's libraries load here too
            from helpdesk_tui.alerts.health_job import add_health_collection as collect
        self.call_from_thread(self._run_alert_runner, runner, collect)

    def _run_alert_runner(self, runner: AlertRunner, collect: Callable | None = None) -> None:
        if self.is_running and self._alerts is None:
            self._alerts = runner
            runner.start()
            if runner.scheduler is not None:
                from helpdesk_tui.alerts.visit_job import add_visit_planning

                add_visit_planning(runner.scheduler, self.desk)
            if collect is not None and runner.scheduler is not None:  # joins the scheduler
                try:
                    collect(runner.scheduler, self.desk, self._settings, runner.owner)
                except HelpdeskError as error:  # a bad monitoring policy: alerts still run
                    self.notify(str(error), severity="error", timeout=15)
            if self._settled:  # what the scheduler loaded stays too: out of the GC's scans
                gc.freeze()

    def _delivered(self, alert_ids: list[int]) -> None:
        if self._announcer is not None:
            self._announcer.check()

    def write_to_terminal(self, data: bytes) -> None:
        """Raw bytes (a notification escape) for the terminal this console draws on. Call
        on the UI thread: the driver's writer then puts them between two frames."""
        driver = self._driver
        if driver is None:
            raise RuntimeError("the console has no terminal")
        driver.write(data.decode("utf-8", errors="replace"))
        driver.flush()

    def _tick(self) -> None:
        # A screen still composing or being torn down (or none left, while the console
        # exits) has nothing to repaint this second.
        with contextlib.suppress(NoMatches, ScreenStackError):
            tick = getattr(self.screen, "tick", None)
            if tick is not None:
                tick()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Toasts carry ticket titles and error text from outside: literal unless asked."""
        text = message if markup else printable(message)
        heading = one_line(title, 200)
        super().notify(text, title=heading, severity=severity, timeout=timeout, markup=markup)

    def settle(self) -> None:
        """After the first full load: what exists now lives as long as the console, so the
        garbage collector stops re-scanning it (full passes were stalling key presses)."""
        if not self._settled:
            self._settled = True
            gc.freeze()

    def report_fault(self, error: Exception) -> None:
        """A fault in a background job: shown, logged, never fatal."""
        self.log.error(repr(error))
        self.notify(f"{type(error).__name__}: {error}", severity="error", timeout=10)

    def _poll_changes(self) -> None:
        try:
            changed = self._feed.changed()
        except Exception as error:  # the database went away for a moment: try again later
            self.report_fault(error)
            return
        if changed:
            self.changes += 1
            self._refresh_screens()
            if self._announcer is not None:
                self._announcer.check()
            if self._alerts is not None:  # the next alert moment may have moved
                self.run_worker(self._alerts.rearm(), group="alert-rearm", exit_on_error=False)

    def _refresh_screens(self) -> None:
        """The current mode's screens re-read what they show."""
        self._changes_seen[self.current_mode] = self.changes
        for screen in self.screen_stack:
            refresh = getattr(screen, "data_changed", None)
            if refresh is not None:
                refresh()

    def action_switch(self, name: str) -> None:
        if self.current_mode == name:
            return
        if self.current_mode:
            self._changes_seen[self.current_mode] = self.changes
        self.switch_mode(name)
        seen = self._changes_seen.get(name)
        if seen is not None and seen != self.changes:  # changed while another mode showed
            self._refresh_screens()

    def action_help(self) -> None:
        from helpdesk_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, self.focused))

    def on_unmount(self) -> None:
        if self._alerts is not None:
            self._alerts.shutdown()
        self._feed.close()
