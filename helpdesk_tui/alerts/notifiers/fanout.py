"""One alert to every channel: each notifier on its own, a broken one never stops the rest.

Remote channels (SMTP, webhooks) work from a headless daemon; local ones (terminal escapes,
desktop pop-ups) only from a console on the engineer's own terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from helpdesk_tui.alerts.notifiers.desktop import DesktopNotifier, has_desktop_session
from helpdesk_tui.alerts.notifiers.message import Delivery, Notification, Notifier, log
from helpdesk_tui.alerts.notifiers.settings import NotifierSettings
from helpdesk_tui.alerts.notifiers.terminal import TerminalNotifier
from helpdesk_tui.safe_text import one_line


def deliver(notification: Notification, notifiers: Iterable[Notifier]) -> list[Delivery]:
    """Every notifier's Delivery, in order. Notifiers log their own failures; an exception
    escaping one is a bug in it, logged with its traceback here."""
    deliveries = []
    for notifier in notifiers:
        channel = getattr(notifier, "channel", type(notifier).__name__)
        try:
            deliveries.append(notifier.send(notification))
        except Exception as error:
            log.exception("alert %d: notifier %s raised", notification.alert_id, channel)
            detail = one_line(f"notifier error: {type(error).__name__}: {error}", 200)
            deliveries.append(Delivery(channel, ok=False, detail=detail))
    return deliveries


def build_remote_notifiers(settings: NotifierSettings) -> list[Notifier]:
    """SMTP and webhooks: the channels a headless daemon can use."""
    # imported here: httpx alone costs ~0.1 s, which the console's start-up need not pay
    from helpdesk_tui.alerts.notifiers.email import SmtpNotifier
    from helpdesk_tui.alerts.notifiers.webhook import WebhookNotifier

    notifiers: list[Notifier] = []
    if settings.smtp is not None:
        notifiers.append(SmtpNotifier(settings.smtp))
    notifiers.extend(WebhookNotifier(webhook) for webhook in settings.webhooks)
    return notifiers


def build_local_notifiers(
    settings: NotifierSettings, write: Callable[[bytes], None], env: Mapping[str, str]
) -> list[Notifier]:
    """Terminal escapes (and bell) and desktop pop-ups: only for a console on the engineer's
    own terminal; `write` puts bytes on that terminal."""
    notifiers: list[Notifier] = []
    if settings.terminal != "off" or settings.bell:
        notifiers.append(TerminalNotifier(write, env, settings.terminal, bell=settings.bell))
    if settings.desktop == "auto" and has_desktop_session(env):
        notifiers.append(DesktopNotifier(env))
    return notifiers
