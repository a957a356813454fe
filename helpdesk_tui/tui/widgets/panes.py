"""The main screen's training agenda pane (server health is in `health_pane`)."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.widgets import Static

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import fit
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.training_text import FLAG_MARK, FLAG_STYLE, SessionView

AGENDA_DAYS = 8  # today and the next 7 days
AGENDA_LINES = 7
WHEN_WIDTH = 5
FIXED_WIDTH = WHEN_WIDTH + 1 + 5 + 1 + 1 + 1  # when, time, the flag and the spaces


class AgendaPane(Static):
    """Today's and the next 7 days' training sessions (项目培训): when, a `!` for a flag,
    the customer and the title; cancelled sessions are left out."""

    DEFAULT_CSS = """
    AgendaPane { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, texts: Texts, **kwargs) -> None:
        super().__init__(**kwargs)
        self.texts = texts
        self.sessions: list[SessionView] = []
        self.today: date | None = None
        self._painted_width = 0
        self.border_title = texts("agenda.title")
        self.update(Text(texts("agenda.empty"), style="dim"))

    def show(self, sessions: list[SessionView], today: date) -> None:
        self.sessions, self.today = sessions, today
        self._paint()

    def on_resize(self) -> None:
        if self.content_size.width != self._painted_width and self.today is not None:
            self._paint()

    def _paint(self) -> None:
        sessions, today = self.sessions, self.today
        self._painted_width = self.content_size.width
        if not sessions or today is None:
            self.update(Text(self.texts("agenda.empty"), style="dim"))
            return
        # The customer gets two fifths of what the title and it share.
        customer = max((self._painted_width - FIXED_WIDTH) * 2 // 5, 6)
        shown = sessions if len(sessions) <= AGENDA_LINES else sessions[: AGENDA_LINES - 1]
        lines = [self._line(view, today, customer) for view in shown]
        if len(shown) < len(sessions):
            more = self.texts("agenda.more", count=len(sessions) - len(shown))
            lines.append(Text(more, style="dim"))
        self.update(Text("\n").join(lines))

    def _line(self, view: SessionView, today: date, customer: int) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        day = view.start.date()
        if day <= today:
            when, style = self.texts("agenda.today"), "bold #ffd700"
        elif day == today + timedelta(days=1):
            when, style = self.texts("agenda.tomorrow"), "bold"
        else:
            when, style = f"{day:%m-%d}", ""
        line.append(fit(when, WHEN_WIDTH), style=style)
        gap(line)
        line.append(f"{view.start:%H:%M}", style=view.style)
        gap(line)
        if view.flagged:
            line.append(FLAG_MARK, style=FLAG_STYLE)
        else:
            gap(line)
        line.append(fit(view.customer, customer))
        gap(line)
        line.append(view.title, style=view.style)
        return line
