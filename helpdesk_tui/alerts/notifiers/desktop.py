"""Pop-up notifications on the desktop of the machine running the console, through plyer.

Only where a desktop session is local: a console reached over SSH gets OSC sequences
instead (terminal.py). Showing happens on a daemon thread, so `send` returns at once.

Nothing may reach this process's stdout/stderr (the caller may be a full-screen TUI), and
redirecting fd 2 is not an option in a threaded process. plyer's own Linux choice breaks
that: its `notification` proxy prints tracebacks when a backend fails to import, its
`instance()` warns on stderr, and its notify-send / gdbus backends let the child inherit
stderr (and a controlling terminal it could open). So on Linux we pick the backend here:
plyer's in-process D-Bus backend when dbus-python is installed, else notify-send run with
output captured and in a new session (no controlling terminal). On macOS and Windows plyer's
backends are in-process; we import them directly, bypassing the printing proxy.
"""

from __future__ import annotations

import html
import importlib
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from helpdesk_tui.alerts.notifiers.message import Delivery, Notification, failed, log
from helpdesk_tui.safe_text import one_line, printable

APP_NAME = "helpdesk"
TITLE_LIMIT = 120
BODY_LIMIT = 400
NOTIFY_SEND_TIMEOUT = 10.0
_PLYER_PLATFORMS = {"darwin": "macosx", "win32": "win", "cygwin": "win"}
_NOTIFY_SEND_URGENCY = {"info": "low", "warning": "normal", "critical": "critical"}


def has_desktop_session(env: Mapping[str, str], platform: str | None = None) -> bool:
    """A desktop in front of whoever runs the console: macOS or Windows (`platform` defaults
    to sys.platform), or a local X11 (DISPLAY ":0", not a forwarded "host:10") or Wayland
    display; never over SSH."""
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return False
    if (platform or sys.platform) in _PLYER_PLATFORMS:
        return True
    display = env.get("DISPLAY", "")
    return bool(env.get("WAYLAND_DISPLAY")) or display.startswith((":", "unix:"))


class _Backend(Protocol):
    def show(self, title: str, body: str, urgency: str) -> None: ...


class _PlyerBackend:
    def __init__(self, facade: Any, *, escape_markup: bool) -> None:
        self._facade = facade
        self._escape_markup = escape_markup

    def show(self, title: str, body: str, urgency: str) -> None:
        # Linux notification servers read <b>, <a href> ... in the body: show it literally
        message = html.escape(body, quote=False) if self._escape_markup else body
        self._facade.notify(title=title, message=message, app_name=APP_NAME, timeout=10)


class _NotifySend:
    def __init__(self, executable: str, env: Mapping[str, str]) -> None:
        self._executable = executable
        self._env = dict(env)

    def show(self, title: str, body: str, urgency: str) -> None:
        level = _NOTIFY_SEND_URGENCY.get(urgency, "normal")
        command = [self._executable, "-u", level, "-a", APP_NAME, "--", title]
        done = subprocess.run(
            [*command, html.escape(body, quote=False)],
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            timeout=NOTIFY_SEND_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            said = done.stderr.decode(errors="replace").strip().splitlines()
            raise RuntimeError(f"notify-send exited {done.returncode}: {said[0] if said else ''}")


def _find_backend(env: Mapping[str, str], platform: str) -> _Backend | None:
    if platform in _PLYER_PLATFORMS:
        name = f"plyer.platforms.{_PLYER_PLATFORMS[platform]}.notification"
        module = importlib.import_module(name)
        return _PlyerBackend(module.instance(), escape_markup=False)
    if not platform.startswith("linux"):
        return None
    try:
        import dbus  # noqa: F401  (in-process: no child process that could print)
    except ImportError:
        executable = shutil.which("notify-send", path=env.get("PATH"))
        return _NotifySend(executable, env) if executable else None
    from plyer.platforms.linux.notification import NotifyDbus

    return _PlyerBackend(NotifyDbus(), escape_markup=True)


class DesktopNotifier:
    """`send` returns at once (ok: handed to a thread); the outcome is logged and, when
    given, passed to `on_done` on that thread."""

    channel = "desktop"

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        platform: str | None = None,
        on_done: Callable[[Delivery], None] | None = None,
    ) -> None:
        self._env = env
        self._platform = platform or sys.platform
        self._on_done = on_done

    def send(self, notification: Notification) -> Delivery:
        if not has_desktop_session(self._env, self._platform):
            return failed(self.channel, notification, "no desktop session")
        worker = threading.Thread(
            target=self._show_and_report,
            args=(notification,),
            name=f"desktop-notification-{notification.alert_id}",
            daemon=True,
        )
        try:
            worker.start()
        except RuntimeError as error:  # "can't start new thread"
            return failed(self.channel, notification, one_line(str(error)))
        return Delivery(self.channel, ok=True, detail="showing in the background")

    def _show_and_report(self, notification: Notification) -> None:
        outcome = self._show(notification)
        if self._on_done is not None:
            try:
                self._on_done(outcome)
            except Exception:
                log.exception("desktop notification callback failed")

    def _show(self, notification: Notification) -> Delivery:
        try:
            backend = _find_backend(self._env, self._platform)
            if backend is None:
                return failed(self.channel, notification, "no notification service found")
            backend.show(
                one_line(notification.title, TITLE_LIMIT),
                printable(notification.body)[:BODY_LIMIT],
                notification.urgency,
            )
        except Exception as error:  # a missing library, no D-Bus session, a timeout ...
            detail = one_line(f"{type(error).__name__}: {error}", 200)
            return failed(self.channel, notification, detail)
        return Delivery(self.channel, ok=True)
