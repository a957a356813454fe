"""The console application: one desk, live data, remappable keys."""

from __future__ import annotations

import gc

from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import printable
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.reads import DeskReader
from helpdesk_tui.store.changes import ChangeFeed
from helpdesk_tui.tui.commands import DeskCommands

CHANGE_POLL_SECONDS = 0.5  # changes made elsewhere show within a second


def _main_screen() -> Screen:
    from helpdesk_tui.tui.screens.main import MainScreen

    return MainScreen()


def _wall_screen() -> Screen:
    from helpdesk_tui.tui.screens.wall import WallScreen

    return WallScreen()


class HelpdeskApp(App):
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {DeskCommands}
    MODES = {"queue": _main_screen, "wall": _wall_screen}  # noqa: RUF012 - a stack each
    TITLE = "helpdesk"
    BINDINGS = [  # noqa: RUF012
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("1", "switch('queue')", "Queue", show=False, id="app.screen_queue"),
        Binding("2", "switch('wall')", "Wall", show=False, id="app.screen_wall"),
    ]

    def __init__(
        self,
        desk: Desk,
        lang: str,
        *,
        read_only: bool = False,
        keymap: dict[str, str] | None = None,
        wall: bool = False,
    ) -> None:
        super().__init__()
        self.desk = desk
        self.reader = DeskReader(desk)
        self.texts = Texts(lang)
        self.read_only = read_only
        self.start_on_wall = wall
        self._keymap = keymap or {}
        self._feed = ChangeFeed(desk.store.engine)
        self._settled = False

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

    def _tick(self) -> None:
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
        super().notify(text, title=title, severity=severity, timeout=timeout, markup=markup)

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
            for screen in self.screen_stack:  # the wall's stack or the queue's
                refresh = getattr(screen, "data_changed", None)
                if refresh is not None:
                    refresh()

    def action_switch(self, name: str) -> None:
        if self.current_mode != name:
            self.switch_mode(name)

    def action_help(self) -> None:
        from helpdesk_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, self.focused))

    def on_unmount(self) -> None:
        self._feed.close()
