"""Alerts addressed to this console's user, announced once each, whichever process
delivered them: a toast, the bell, and the local notifiers (the terminal's notification
escape, a desktop pop-up where a desktop session is local).

At start it only notes the newest alert id: history is not replayed. After that every
change (and every delivery by this console's own scheduler) looks for newer alerts, in
a thread; announcing happens on the UI thread, so escapes reach the terminal between
frames.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from helpdesk_tui.alerts.notifiers import NotifierSettings, build_local_notifiers, deliver
from helpdesk_tui.alerts.routing import alert_body, alert_title, notification
from helpdesk_tui.store.models import AlertClaim
from helpdesk_tui.tui.alert_text import as_message

if TYPE_CHECKING:
    from helpdesk_tui.tui.app import HelpdeskApp

MAX_ANNOUNCED = 5  # a burst (a night caught up at once) gives a few toasts and a count
CRITICAL_TIMEOUT = 30.0
WARNING_TIMEOUT = 10.0


class AlertAnnouncer:
    def __init__(
        self, app: HelpdeskApp, settings: NotifierSettings, env: Mapping[str, str]
    ) -> None:
        self._app = app
        self._bell = settings.bell
        quiet = settings.model_copy(update={"bell": False})  # the app rings the bell itself
        self._notifiers = build_local_notifiers(quiet, app.write_to_terminal, env)
        self._last_id: int | None = None  # None: the newest id at start is not known yet
        self._ready: Callable[[], None] | None = None

    def start(self, then: Callable[[], None] | None = None) -> None:
        """Note the newest alert id, then call `then` (on the UI thread)."""
        self._ready = then
        self.check()

    def check(self) -> None:
        """Look for new alerts addressed to this user, in a thread."""
        self._app.run_worker(self._fetch, thread=True, group="alert-announcer", exit_on_error=False)

    def _fetch(self) -> None:
        app = self._app
        try:
            if self._last_id is None:
                app.call_from_thread(self._begin_after, app.reader.newest_alert_id())
                return
            found = app.reader.new_alerts_for(app.desk.actor, self._last_id)
        except Exception as error:  # the database went away for a moment: the next change
            app.call_from_thread(app.report_fault, error)
            return
        if found:
            app.call_from_thread(self._announce, found)

    def _begin_after(self, newest: int) -> None:
        if self._last_id is not None:
            return
        self._last_id = newest
        if self._ready is not None:
            self._ready()

    def _announce(self, found: list[AlertClaim]) -> None:
        last = self._last_id or 0
        fresh = [alert for alert in found if (alert.id or 0) > last]  # two checks may overlap
        if not fresh:
            return
        self._last_id = max(alert.id or 0 for alert in fresh)
        for alert in fresh[-MAX_ANNOUNCED:]:
            self._announce_one(alert)
        if len(fresh) > MAX_ANNOUNCED:
            more = self._app.texts("alert.more", count=len(fresh) - MAX_ANNOUNCED)
            self._app.notify(more, severity="warning", timeout=WARNING_TIMEOUT)
        if self._bell:
            self._app.bell()

    def _announce_one(self, alert: AlertClaim) -> None:
        app, texts = self._app, self._app.texts
        message = as_message(alert)
        critical = alert.level == "critical"
        app.notify(
            alert_body(message, texts, app.desk.zone),
            title=alert_title(message, texts),
            severity="error" if critical else "warning",
            timeout=CRITICAL_TIMEOUT if critical else WARNING_TIMEOUT,
        )
        deliver(notification(message, texts, app.desk.zone, []), self._notifiers)
