"""Notifier adapters for deadline alerts (DESIGN.md §5): each channel fails safely.

Names are loaded on first use, so importing the terminal notifier does not import httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_HOMES = {
    "Recipient": "message",
    "Notification": "message",
    "Delivery": "message",
    "Notifier": "message",
    "NotifierSettings": "settings",
    "SmtpSettings": "settings",
    "WebhookSettings": "settings",
    "parse_notifier_settings": "settings",
    "TerminalNotifier": "terminal",
    "choose_osc": "terminal",
    "osc_sequence": "terminal",
    "tmux_passthrough": "terminal",
    "DesktopNotifier": "desktop",
    "has_desktop_session": "desktop",
    "WebhookNotifier": "webhook",
    "SmtpNotifier": "email",
    "deliver": "fanout",
    "build_remote_notifiers": "fanout",
    "build_local_notifiers": "fanout",
}
__all__ = [
    "Delivery",
    "DesktopNotifier",
    "Notification",
    "Notifier",
    "NotifierSettings",
    "Recipient",
    "SmtpNotifier",
    "SmtpSettings",
    "TerminalNotifier",
    "WebhookNotifier",
    "WebhookSettings",
    "build_local_notifiers",
    "build_remote_notifiers",
    "choose_osc",
    "deliver",
    "has_desktop_session",
    "osc_sequence",
    "parse_notifier_settings",
    "tmux_passthrough",
]

if TYPE_CHECKING:
    from helpdesk_tui.alerts.notifiers.desktop import DesktopNotifier, has_desktop_session
    from helpdesk_tui.alerts.notifiers.email import SmtpNotifier
    from helpdesk_tui.alerts.notifiers.fanout import (
        build_local_notifiers,
        build_remote_notifiers,
        deliver,
    )
    from helpdesk_tui.alerts.notifiers.message import (
        Delivery,
        Notification,
        Notifier,
        Recipient,
    )
    from helpdesk_tui.alerts.notifiers.settings import (
        NotifierSettings,
        SmtpSettings,
        WebhookSettings,
        parse_notifier_settings,
    )
    from helpdesk_tui.alerts.notifiers.terminal import (
        TerminalNotifier,
        choose_osc,
        osc_sequence,
        tmux_passthrough,
    )
    from helpdesk_tui.alerts.notifiers.webhook import WebhookNotifier


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{_HOMES[name]}")
    return getattr(module, name)
