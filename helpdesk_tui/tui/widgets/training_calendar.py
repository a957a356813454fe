"""The training calendar: a Line-API view of a month grid or a week of days.

The lines are built once when the data, the selection or the size changes, and kept as
strips; painting only hands out the cached strips. The owning screen moves the
selection and holds the keys; a click on a day of the month asks to select it.
"""

from __future__ import annotations

from datetime import date

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from helpdesk_tui.i18n import Texts
from helpdesk_tui.tui.calendar_lines import (
    MONTH,
    CalendarModel,
    month_grid,
    month_lines,
    week_lines,
)


class TrainingCalendar(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    TrainingCalendar { background: $surface; scrollbar-size-vertical: 1; overflow-x: hidden; }
    TrainingCalendar:focus { background-tint: $foreground 3%; }
    """

    class DayClicked(Message):
        def __init__(self, day: date) -> None:
            super().__init__()
            self.day = day

    def __init__(self, texts: Texts, model: CalendarModel, **kwargs) -> None:
        super().__init__(**kwargs)
        self.texts, self.model = texts, model
        self._strips: list[Strip] = []
        self._built_for: tuple[CalendarModel, int, int] | None = None
        self._selected_line = 0

    def show(self, model: CalendarModel) -> None:
        self.model = model
        self._rebuild()

    def on_resize(self, event: events.Resize) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        width, height = self.scrollable_content_region.size
        if width <= 0 or height <= 0 or self._built_for == (self.model, width, height):
            return
        self._built_for = (self.model, width, height)
        if self.model.view == MONTH:
            lines, self._selected_line = month_lines(self.texts, self.model, width, height), 0
        else:
            lines, self._selected_line = week_lines(self.texts, self.model, width)
        self._strips = [_strip(self.app.console, line, width) for line in lines]
        self.virtual_size = Size(width, len(self._strips))
        self._keep_selection_in_view(height)
        self.refresh()

    def _keep_selection_in_view(self, height: int) -> None:
        if self.model.view == MONTH:
            self.scroll_to(y=0, animate=False)
            return
        # The selected day's heading and a few of its sessions.
        self.scroll_to_region(
            Region(0, self._selected_line, 1, min(height, 4)), animate=False, immediate=True
        )

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if 0 <= index < len(self._strips):
            return self._strips[index]
        return Strip.blank(width)

    @property
    def strips(self) -> list[Strip]:
        """Every line of the view, as painted (the week may be taller than the widget)."""
        return list(self._strips)

    @property
    def plain_lines(self) -> list[str]:
        return [strip.text for strip in self._strips]

    def on_click(self, event: events.Click) -> None:
        if self.model.view != MONTH or not self._strips:
            return
        width, height = self.scrollable_content_region.size
        day = month_grid(self.model.selected, width, height).day_at(event.x, event.y)
        if day is not None:
            self.post_message(self.DayClicked(day))


def _strip(console, line: Text, width: int) -> Strip:
    segments = [segment for segment in line.render(console) if segment.text != "\n"]
    if not segments:
        return Strip([Segment(" " * width)], width)
    return Strip(segments).crop_extend(0, width, None)
