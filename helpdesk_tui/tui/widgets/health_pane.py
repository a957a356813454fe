"""The main screen's server health (技术维保服务): one line per server with a problem,
unreachable ones first — status, name, the worst finding — then how many are fine."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import fit, one_line
from helpdesk_tui.services.health_board import ServerCard
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.health_text import (
    age_text,
    badge_width,
    expansion_line,
    has_problem,
    pane_status,
    status_badge,
    worst_first,
    worst_line,
)

PANE_LINES = 7
NAME_WIDTH = 12


class HealthPane(Static):
    DEFAULT_CSS = """
    HealthPane { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, texts: Texts, **kwargs) -> None:
        super().__init__(**kwargs)
        self.texts = texts
        self.cards: list[ServerCard] | None = None  # None: not read yet
        self.border_title = texts("health.title")
        self.update(Text(texts("health.empty"), style="dim"))

    def show(self, cards: list[ServerCard], now: datetime) -> None:
        self.cards = cards
        self.update(self._text(cards, now))

    def _text(self, cards: list[ServerCard], now: datetime) -> Text:
        t = self.texts
        if not cards:
            return Text(t("health.empty"), style="dim")
        troubled = worst_first([card for card in cards if has_problem(card, now)])
        fine = len(cards) - len(troubled)
        room = PANE_LINES - 1 if fine else PANE_LINES
        shown = troubled if len(troubled) <= room else troubled[: room - 1]
        lines = [self._line(card, now) for card in shown]
        if len(shown) < len(troubled):
            more = t("health.more_problems", count=len(troubled) - len(shown))
            lines.append(Text(more, style="dim"))
        if fine:
            lines.append(Text(t("health.ok_count", count=fine), style="#5faf5f"))
        return Text("\n").join(lines)

    def _line(self, card: ServerCard, now: datetime) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        status = pane_status(card, now)
        line.append_text(status_badge(self.texts, status, badge_width(self.texts)))
        gap(line)
        line.append(fit(one_line(card.name, 60), NAME_WIDTH), style="bold")
        worst = worst_line(card)
        gap(line)
        if worst is not None:
            line.append(worst, style="" if card.findings else "dim")
        else:  # fine but for a disk filling up, or the age of what is known
            expansion = expansion_line(self.texts, card)
            line.append_text(expansion or age_text(self.texts, card.collected_at, now))
        return line
