"""From a claimed alert to notifications: the words, and which channel reaches whom.

Remote channels (SMTP, webhooks) are delivered once, by the process that claimed the
alert. An engineer's `notify_via` names the channels that reach them ("email", a webhook's
name); an alert addressed to nobody (no assignee, empty roster) goes to every webhook, so a
group chat hears of it rather than no one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from helpdesk_tui.alerts.notifiers import (
    Notification,
    Notifier,
    Recipient,
    build_remote_notifiers,
    deliver,
    parse_notifier_settings,
)
from helpdesk_tui.i18n import Texts
from helpdesk_tui.services.alerts import Addressee, AlertMessage

TITLE_MAX = 120  # a phone's notification shows about this much


def alert_title(message: AlertMessage, texts: Texts) -> str:
    """A ticket's clock: `T-000123 响应时限已用 75%`. Any other kind (a server, a backup,
    a drill) says what it is about, which only its summary knows."""
    if not texts.has(f"alert.{message.target}"):
        return _one_line(message.summary, TITLE_MAX)
    target = texts(f"alert.{message.target}")
    if message.repeat:
        what = texts("alert.reminder", target=target, count=message.repeat)
    elif message.threshold >= 100:
        what = texts("alert.breach", target=target)
    else:
        what = texts("alert.warning", target=target, percent=message.threshold)
    return f"{message.summary.split(' ', 1)[0]} {what}"


def alert_body(message: AlertMessage, texts: Texts, zone: ZoneInfo) -> str:
    lines = [message.summary]
    kind = f"alert_kind.{message.target}"
    if not texts.has(f"alert.{message.target}") and texts.has(kind):
        lines.append(texts(kind))
    lines.append(texts("alert.due", at=_local(message.due_at, zone)))
    if message.late:
        lines.append(texts("alert.late"))
    return "\n".join(lines)


def _one_line(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def notification(
    message: AlertMessage, texts: Texts, zone: ZoneInfo, people: Sequence[Addressee]
) -> Notification:
    return Notification(
        alert_id=message.alert_id,
        title=alert_title(message, texts),
        body=alert_body(message, texts, zone),
        urgency=message.level if message.level in ("info", "warning", "critical") else "warning",
        recipients=tuple(Recipient(p.login, p.name, p.email, p.phone) for p in people),
        link=message.summary.split(" ", 1)[0],
    )


def route_name(channel: str) -> str:
    """A notifier's channel as engineers name it in notify_via: "email", a webhook's name."""
    return "email" if channel == "smtp" else channel.removeprefix("webhook:")


def remote_sender(
    config: dict[str, Any], lang: str = "zh", zone: ZoneInfo | None = None
) -> Callable[[AlertMessage], str]:
    """The `send` a sweeping process uses: every remote channel, each to its addressees."""
    notifiers = build_remote_notifiers(parse_notifier_settings(config))
    texts, zone = Texts(lang), zone or ZoneInfo("UTC")

    def send(message: AlertMessage) -> str:
        results = []
        for notifier in notifiers:
            people = _routed(notifier, message.addressees)
            if people is None:
                continue
            results += deliver(notification(message, texts, zone, people), [notifier])
        sent = sum(r.ok for r in results)
        return f"{sent}/{len(results)} channel(s)" if results else "no remote channel"

    return send


def _routed(notifier: Notifier, addressees: Sequence[Addressee]) -> list[Addressee] | None:
    name = route_name(notifier.channel)
    chosen = [a for a in addressees if name in a.channels]
    if chosen:
        return chosen
    if not addressees and notifier.channel.startswith("webhook"):
        return []
    return None


def _local(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M")
