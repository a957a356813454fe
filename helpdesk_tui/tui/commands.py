"""The command palette (ctrl+p): find a ticket by key, customer or title and open it in
the workspace; and what the current screen can do, in the user's language.

Commands are named in the console's language and also found by their English names
(a Chinese console finds 大屏 by typing `wall`). Ticket search runs in a thread; text
from the database is shown literally, never as markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.store.search import TicketHit
from helpdesk_tui.tui.clock_text import SEVERITY_STYLE

if TYPE_CHECKING:
    from textual.screen import Screen

    from helpdesk_tui.tui.app import HelpdeskApp

TICKET_HITS = 20
KEY_SCORE = 1.0  # the ticket whose key was typed comes first
TEXT_SCORE = 0.8  # then tickets by title or customer, in the order the search gives
TITLE_WIDTH = 60


@dataclass(frozen=True)
class ScreenCommand:
    key: str  # the text key in [palette]
    run: Callable[[], Any]
    name_values: tuple[tuple[str, str], ...] = ()  # values for the name, as text keys

    def name(self, t: Texts) -> str:
        values = {name: t(key) for name, key in self.name_values}
        return t(f"palette.{self.key}", **values)

    def help(self, t: Texts) -> str:
        return t(f"palette.{self.key}_help")


def _queue_commands(app: HelpdeskApp, screen: Screen) -> Iterator[ScreenCommand]:
    from helpdesk_tui.store.queue import QueueSort
    from helpdesk_tui.tui.screens.main import MainScreen

    if not isinstance(screen, MainScreen):
        return

    def refilter(**changes: Any) -> None:
        screen.apply_filter(replace(screen.filter, **changes))

    flt = screen.filter
    yield ScreenCommand("filter_breached", lambda: refilter(breached=not flt.breached))
    yield ScreenCommand("filter_mine", screen.action_mine)
    if not flt.is_default:
        yield ScreenCommand("filter_clear", screen.action_clear_filter)
    for sort in QueueSort:
        if sort is not flt.sort:
            yield ScreenCommand(
                "sort_by", partial(refilter, sort=sort), (("name", f"sort.{sort.value}"),)
            )


def _alert_commands(app: HelpdeskApp, screen: Screen) -> Iterator[ScreenCommand]:
    from helpdesk_tui.tui.screens.alerts import AlertsScreen

    if not isinstance(screen, AlertsScreen):
        yield ScreenCommand("alerts", partial(app.action_switch, "alerts"))
    elif not app.read_only and screen.selected_alert() is not None:
        yield ScreenCommand("ack_alert", screen.action_acknowledge)


def _training_commands(app: HelpdeskApp, screen: Screen) -> Iterator[ScreenCommand]:
    from helpdesk_tui.tui.screens.training import TrainingScreen

    if not isinstance(screen, TrainingScreen):
        yield ScreenCommand("training", partial(app.action_switch, "training"))
        return
    if not app.read_only:
        yield ScreenCommand("training_new", screen.action_new_session)
    yield ScreenCommand("training_view", screen.action_toggle_view)


def _maintenance_commands(app: HelpdeskApp, screen: Screen) -> Iterator[ScreenCommand]:
    from helpdesk_tui.tui.screens.health import HealthScreen
    from helpdesk_tui.tui.screens.maintenance import MaintenanceScreen

    if not isinstance(screen, HealthScreen):
        yield ScreenCommand("health", partial(app.action_switch, "health"))
    else:
        yield ScreenCommand("health_problems", screen.action_problems)
    if not isinstance(screen, MaintenanceScreen):
        yield ScreenCommand("maintenance", partial(app.action_switch, "maintenance"))


def screen_commands(app: HelpdeskApp, screen: Screen) -> list[ScreenCommand]:
    """What can be done from `screen`: the queue's filters and sorts, a new ticket, the
    alerts (and acknowledging one), the training calendar (and a new session), server
    health and maintenance, and the way to the other screens."""
    from helpdesk_tui.tui.screens.main import MainScreen
    from helpdesk_tui.tui.screens.wall import WallScreen

    commands = list(_queue_commands(app, screen))
    new_ticket = getattr(screen, "action_new_ticket", None)
    if new_ticket is not None and not app.read_only:
        commands.append(ScreenCommand("new_ticket", new_ticket))
    commands += _alert_commands(app, screen)
    commands += _training_commands(app, screen)
    commands += _maintenance_commands(app, screen)
    if not isinstance(screen, MainScreen):
        commands.append(ScreenCommand("queue", partial(app.action_switch, "queue")))
    if not isinstance(screen, WallScreen):
        commands.append(ScreenCommand("wall", partial(app.action_switch, "wall")))
    return commands


def ticket_prompt(t: Texts, hit: TicketHit, words: list[str]) -> Text:
    """`T-000123  Urgent  customer — title`, literal, with the typed words underlined."""
    prompt = Text(no_wrap=True, overflow="ellipsis")
    prompt.append(hit.key, style="bold")
    prompt.append("  ")
    prompt.append(t.severity(hit.severity), style=SEVERITY_STYLE.get(hit.severity, ""))
    prompt.append("  ")
    start = len(prompt.plain)
    prompt.append(one_line(hit.customer))
    prompt.append(" — ", style="dim")
    prompt.append(one_line(hit.title, TITLE_WIDTH))
    if not hit.is_open:
        prompt.stylize("dim", start)
    folded = prompt.plain.casefold()
    for word in words:
        found = folded.find(word.casefold(), start)
        if found >= 0:
            prompt.stylize("bold underline", found, found + len(word))
    return prompt


class DeskCommands(Provider):
    """Tickets by key, customer or title; and the current screen's commands."""

    @property
    def desk_app(self) -> HelpdeskApp:
        return self.app  # type: ignore[return-value]

    @property
    def texts(self) -> Texts:
        return self.desk_app.texts

    async def discover(self) -> Hits:
        t = self.texts
        for command in screen_commands(self.desk_app, self.screen):
            yield DiscoveryHit(command.name(t), command.run, help=command.help(t))

    async def search(self, query: str) -> Hits:
        t, english = self.texts, Texts("en")
        matcher = self.matcher(query)
        for command in screen_commands(self.desk_app, self.screen):
            name = command.name(t)
            score = max(matcher.match(name), matcher.match(command.name(english)))
            if score > 0:
                shown = matcher.highlight(name) if matcher.match(name) else name
                yield Hit(score, shown, command.run, text=name, help=command.help(t))
        words = query.split()
        if not words:
            return
        hits = await asyncio.to_thread(self.desk_app.reader.search_tickets, query, TICKET_HITS)
        for rank, hit in enumerate(hits):
            exact = _is_key(query, hit.id)
            score = KEY_SCORE if exact else TEXT_SCORE - rank / 1000
            yield Hit(
                score,
                ticket_prompt(t, hit, [] if exact else words),
                partial(self.open_ticket, hit.id),
                text=f"{hit.key} {one_line(hit.title)}",
                help=t("palette.ticket_help", status=t.status(hit.status)),
            )

    def open_ticket(self, ticket_id: int) -> None:
        from helpdesk_tui.tui.screens.workspace import WorkspaceScreen

        current = self.app.screen
        if isinstance(current, WorkspaceScreen) and current.ticket_id == ticket_id:
            return
        self.app.push_screen(WorkspaceScreen(ticket_id))


def _is_key(query: str, ticket_id: int) -> bool:
    digits = query.strip().upper().removeprefix("T-").removeprefix("T")
    return digits.isdigit() and int(digits) == ticket_id
