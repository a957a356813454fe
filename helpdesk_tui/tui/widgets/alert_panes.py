"""The main screen's view of alerts and the duty roster: a status line under the header
(always there, even at 80x24) and a pane beside the agenda on taller terminals."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.i18n import Texts
from helpdesk_tui.services.reads import DeskReader
from helpdesk_tui.store.models import AlertClaim
from helpdesk_tui.tui.alert_text import NEWEST_SHOWN, alert_line, count_text, duty_text, gap

ACTIVE_LIMIT = 200  # active alerts read for the count; more shows as "200+"
PANE_LINES = 7


@dataclass(frozen=True)
class AlertOverview:
    active: list[AlertClaim] = field(default_factory=list)  # newest first
    duty: dict[DutyRole, list[str]] = field(default_factory=dict)
    alerted_tickets: set[int] = field(default_factory=set)


def read_overview(reader: DeskReader) -> AlertOverview:
    """Three short reads; call in a worker thread."""
    return AlertOverview(
        reader.alerts("active", limit=ACTIVE_LIMIT), reader.duty_now(), reader.alerted_ticket_ids()
    )


class AlertStatusLine(Static):
    """`[Alerts 3]  On duty  Primary lina · Backup zhao   T-000123 fix breach …`"""

    DEFAULT_CSS = """
    AlertStatusLine { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, texts: Texts, zone: ZoneInfo, **kwargs) -> None:
        super().__init__(**kwargs)
        self.texts, self.zone = texts, zone
        self.loaded = False  # the first overview has come

    def show(self, overview: AlertOverview) -> None:
        self.loaded = True
        t = self.texts
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append_text(count_text(t, overview.active, ACTIVE_LIMIT))
        gap(line, "   ")
        line.append_text(duty_text(t, overview.duty))
        for index, alert in enumerate(overview.active[:NEWEST_SHOWN]):
            gap(line, "   " if index == 0 else " · ")
            line.append_text(alert_line(t, alert, self.zone))
        self.update(line)


class AlertsPane(Static):
    """The newest active alerts, one line each, with what they are about."""

    DEFAULT_CSS = """
    AlertsPane { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, texts: Texts, **kwargs) -> None:
        super().__init__(**kwargs)
        self.texts = texts
        self.border_title = texts("alert.title")

    def show(self, overview: AlertOverview) -> None:
        t = self.texts
        self.border_title = f"{t('alert.title')} · {t('alert.active')}"
        if not overview.active:
            self.update(Text(t("alert.none"), style="dim"))
            return
        lines = [alert_line(t, alert) for alert in overview.active[:PANE_LINES]]
        self.update(Text("\n").join(lines))
