"""What every notifier is given (a Notification) and what it gives back (a Delivery)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal, Protocol

LOGGER_NAME = "helpdesk_tui.alerts.notifiers"
log = logging.getLogger(LOGGER_NAME)

Urgency = Literal["info", "warning", "critical"]


@dataclass(frozen=True)
class Recipient:
    login: str
    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Notification:
    """Text from outside (title, body, names) is raw: each notifier makes it safe for its medium."""

    alert_id: int
    title: str  # one line, e.g. "T-000123 紧急 response 75%"
    body: str  # a few lines of plain text
    urgency: Urgency
    recipients: tuple[Recipient, ...] = ()
    link: str = ""  # optional, e.g. a ticket key


@dataclass(frozen=True)
class Delivery:
    channel: str
    ok: bool
    detail: str = ""  # one line: why it failed, or what was done


class Notifier(Protocol):
    channel: str

    def send(self, notification: Notification) -> Delivery:
        """Never raises: a failure is logged and returned as `Delivery(ok=False)`."""
        ...


def failed(channel: str, notification: Notification, detail: str) -> Delivery:
    """The one place a channel's failure is logged, so every notifier logs it the same way."""
    log.warning("alert %d via %s failed: %s", notification.alert_id, channel, detail)
    return Delivery(channel, ok=False, detail=detail)
