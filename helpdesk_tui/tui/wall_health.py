"""The wall's line on server health: the servers that are down named, the others
counted by status, so the duty desk sees an outage from across the room."""

from __future__ import annotations

from rich.text import Text

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.health_board import ServerCard
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.health_text import STATUS_COLOUR, STATUS_RANK, status_badge

NAMED_DOWN = 4  # names beyond these are counted, not listed


def wall_health_line(t: Texts, cards: list[ServerCard]) -> Text:
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(t("health.title"), style="bold #ffffff")
    if not cards:
        gap(line, "    ")
        line.append(t("health.empty"), style="dim")
        return line
    down = [card for card in cards if card.status == "down"]
    if down:
        gap(line, "    ")
        line.append_text(status_badge(t, "down"))
        line.append(f" {len(down)}  ", style="bold #ff5f5f")
        names = ", ".join(one_line(card.name, 30) for card in down[:NAMED_DOWN])
        line.append(names + (" …" if len(down) > NAMED_DOWN else ""), style="bold #ff5f5f")
    for status in (s for s in STATUS_RANK if s != "down"):
        count = sum(card.status == status for card in cards)
        if count:
            gap(line, "    ")
            line.append(f"{t(f'health.status_{status}')} {count}", style=STATUS_COLOUR[status])
    return line
