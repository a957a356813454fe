"""Alerts and the duty roster as the console words and colours them.

Alert summaries hold ticket titles from outside: they are always shown through
`one_line`/`printable` inside rich `Text`, never parsed as markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.style import Style
from rich.text import Text

from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.alerts import AlertMessage
from helpdesk_tui.store.models import AlertClaim, ticket_key

LEVEL_STYLE = {"critical": "bold #ff5f5f", "warning": "bold #ffaf00", "info": "#5fafd7"}
ALERT_MARK_STYLE = "bold #ff5f5f"
LATE_STYLE = "#d7875f"
DUE_FORMAT = "%m-%d %H:%M"
NEWEST_SHOWN = 2  # alerts named on the main screen's status line
# Spaces between words get a span of their own: an SVG export merges equal styles into one
# span, and a span that starts with spaces is drawn shifted.
_GAP = Style(meta={"gap": True})


def gap(line: Text, text: str = " ") -> None:
    """Spaces, and a dim separator between them: ` · `."""
    for part in re.split(r"( +)", text):
        if part:
            line.append(part, style=_GAP if part.isspace() else "dim")


def level_style(level: str) -> str:
    return LEVEL_STYLE.get(level, LEVEL_STYLE["warning"])


def alert_key(t: Texts, alert: AlertClaim) -> str:
    """The ticket key; for an alert about something else its kind and number
    (`Training 3`), or the raw subject when the kind has no name here."""
    if alert.ticket_id:
        return ticket_key(alert.ticket_id)
    kind, _, number = alert.subject.partition(":")
    if t.has(f"alert.subject_{kind}"):
        return f"{t(f'alert.subject_{kind}')} {one_line(number, 12)}"
    return one_line(alert.subject, 24)


def moment_text(t: Texts, alert: AlertClaim) -> str:
    """`response 75%`, `fix breach`, `fix breach #2` (the second reminder); another kind
    of alert (a training session ...) says what it is about."""
    if not t.has(f"alert.{alert.target}"):
        kind = f"alert_kind.{alert.target}"
        return t(kind) if t.has(kind) else one_line(alert.target, 32)
    target = t(f"alert.{alert.target}")
    if alert.repeat:
        return f"{target} {t('alert.reminder_short', count=alert.repeat)}"
    if alert.threshold >= 100:
        return f"{target} {t('alert.breach_short')}"
    return f"{target} {alert.threshold}%"


def local_time(instant: datetime | None, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime(DUE_FORMAT) if instant is not None else "—"


def recipients_text(alert: AlertClaim) -> str:
    return one_line(", ".join(login for login in alert.recipients.split(",") if login)) or "—"


def summary_text(alert: AlertClaim, limit: int | None = None) -> str:
    """What the alert is about (the key it starts with left out), safe on one line."""
    key = ticket_key(alert.ticket_id) if alert.ticket_id else ""
    return one_line(alert.summary.removeprefix(f"{key} ") if key else alert.summary, limit)


def as_message(alert: AlertClaim) -> AlertMessage:
    """The shape the notifiers' wording (`alerts.routing`) takes."""
    return AlertMessage(
        alert_id=alert.id or 0,
        ticket_id=alert.ticket_id,
        target=alert.target,
        threshold=alert.threshold,
        repeat=alert.repeat,
        level=alert.level,
        due_at=alert.due_at,
        late=alert.late,
        summary=alert.summary,
        addressees=(),
    )


def duty_text(t: Texts, duty: dict[DutyRole, list[str]], *, style: str = "bold") -> Text:
    """`On duty  Primary lina · Backup zhao · Manager wang`, or nobody on duty."""
    line = Text()
    line.append(t("alert.on_duty"), style="dim")
    gap(line, "  ")
    parts = [(role, logins) for role, logins in duty.items() if logins]
    if not parts:
        line.append(t("alert.nobody"), style="italic")
        return line
    for index, (role, logins) in enumerate(parts):
        if index:
            gap(line, " · ")
        line.append(t(f"duty.{role.value}"))
        gap(line)
        line.append(one_line(",".join(logins), 40), style=style)
    return line


def count_text(t: Texts, alerts: Sequence[AlertClaim], limit: int) -> Text:
    """`Alerts 3` coloured by the worst level; `200+` when the list was cut at `limit`."""
    count = f"{len(alerts)}+" if len(alerts) >= limit else str(len(alerts))
    label = t("alert.count", count=count)
    if not alerts:
        return Text(label, style="dim")
    worst = "critical" if any(a.level == "critical" for a in alerts) else "warning"
    return Text(f" {label} ", style=f"{level_style(worst)} reverse")


def alert_line(t: Texts, alert: AlertClaim, zone: ZoneInfo | None = None) -> Text:
    """One alert on one line: `T-000123 fix breach 11-20 09:30 late`; with no zone (no
    due time) the summary follows instead: `T-000123 fix breach late 紧急 客户: 标题`."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(alert_key(t, alert), style="bold")
    gap(line)
    line.append(moment_text(t, alert), style=level_style(alert.level))
    if zone is not None:
        gap(line)
        line.append(local_time(alert.due_at, zone), style="dim")
    if alert.late:
        gap(line)
        line.append(t("alert.late_short"), style=LATE_STYLE)
    if zone is None:
        gap(line, "  ")
        line.append(summary_text(alert, 200))
    return line
