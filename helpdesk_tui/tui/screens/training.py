"""The training programme (key 4): a month or a week calendar of training sessions, the
selected day's sessions under it, and the keys to plan and record them (seed §1.2).

h/l move a day, j/k a week in the month (a day in the week), [ ] a month (a week),
t goes to today, v switches month and week, enter opens the session under the list's
cursor (tab moves between calendar and list). The sessions of the shown weeks are read
in a worker when the range changes and on every change; moving inside the range only
repaints.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.calendar_lines import MONTH, WEEK, CalendarModel, grid_range, shift_month
from helpdesk_tui.tui.training_actions import EDIT_BINDINGS, NEW_BINDING, TrainingActions
from helpdesk_tui.tui.training_text import (
    SessionView,
    by_day,
    day_label,
    day_start,
    legend,
    local_day,
    month_label,
    session_count,
    session_view,
)
from helpdesk_tui.tui.widgets.key_bar import KeyBar
from helpdesk_tui.tui.widgets.session_list import SessionList
from helpdesk_tui.tui.widgets.training_calendar import TrainingCalendar

REFRESH_EVERY = 60.0  # seconds: flags depend on the time, the day changes at midnight


class TrainingScreen(TrainingActions, Screen):
    DEFAULT_CSS = """
    TrainingScreen { layout: vertical; }
    TrainingScreen #training-header {
        height: 1; background: $panel; text-wrap: nowrap; text-overflow: ellipsis;
    }
    TrainingScreen TrainingCalendar { height: 1fr; }
    TrainingScreen SessionList {
        height: 7; border: round $primary 40%; border-title-color: $text-muted;
    }
    TrainingScreen SessionList:focus { border: round $accent; }
    TrainingScreen.-tall SessionList { height: 9; }
    """
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012
    BINDINGS = [  # noqa: RUF012
        Binding("enter", "open", "Open", id="training.open"),
        NEW_BINDING,
        *EDIT_BINDINGS,
        Binding("v", "toggle_view", "Month / week", id="training.view"),
        Binding("t", "today", "Today", id="training.today"),
        Binding("h,left", "move(-1)", "Previous day", show=False, id="training.previous_day"),
        Binding("l,right", "move(1)", "Next day", show=False, id="training.next_day"),
        Binding("j,down", "move_row(1)", "Down", show=False, id="training.down"),
        Binding("k,up", "move_row(-1)", "Up", show=False, id="training.up"),
        Binding("left_square_bracket", "page(-1)", "Previous month / week", show=False,
                id="training.previous_page"),
        Binding("right_square_bracket", "page(1)", "Next month / week", show=False,
                id="training.next_page"),
        Binding("escape", "back", "Back", id="training.back"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.view = MONTH
        self.today = self.selected = date(1970, 1, 1)  # set on mount, from the desk's clock
        self.sessions: dict[date, list[SessionView]] = {}
        self.loaded_range: tuple[date, date] | None = None
        self._loads = 0

    def compose(self) -> ComposeResult:
        t = self.app.texts
        yield Static(id="training-header")
        yield TrainingCalendar(t, self._model(), id="calendar")
        yield SessionList(t, id="day-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.today = self.selected = local_day(self.app.desk.now(), self.app.desk.zone)
        self.query_one(TrainingCalendar).focus()
        self._paint()
        self.reload()
        self.set_interval(REFRESH_EVERY, self.reload)

    # -- data ---------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """The sessions of what is shown have been read."""
        return self.loaded_range == grid_range(self.view, self.selected)

    def reload(self) -> None:
        self._loads += 1
        self._load(self._loads, grid_range(self.view, self.selected))

    def data_changed(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="training", exit_on_error=False)
    def _load(self, load: int, days: tuple[date, date]) -> None:
        app, desk = self.app, self.app.desk
        try:
            start, end = (day_start(day, desk.zone) for day in days)
            entries = app.reader.training_between(start, end)
        except Exception as error:  # keep showing what we had; say why it is not fresh
            app.call_from_thread(app.report_fault, error)
            return
        now = desk.now()
        views = [session_view(entry, now, desk.zone) for entry in entries]
        app.call_from_thread(self._show, load, days, views, local_day(now, desk.zone))

    def _show(self, load: int, days: tuple[date, date], views: list[SessionView], today: date):
        if load != self._loads or not self.is_attached:
            return  # a newer load is on its way, or the screen is gone
        self.sessions, self.loaded_range, self.today = by_day(views), days, today
        self._paint()

    # -- painting -----------------------------------------------------------

    def _model(self) -> CalendarModel:
        return CalendarModel(self.view, self.selected, self.today, self.sessions)

    def _paint(self) -> None:
        t = self.app.texts
        self.query_one(TrainingCalendar).show(self._model())
        day_list = self.query_one(SessionList)
        current = day_list.current
        day_sessions = self.sessions.get(self.selected, [])
        day_list.show(day_sessions, current.id if current else None)
        count = session_count(t, len(day_sessions)) if day_sessions else t("training.none_today")
        day_list.border_title = f"{day_label(t, self.selected)} · {count}"
        self._paint_header()

    def _paint_header(self) -> None:
        t = self.app.texts
        header = Text()
        header.append(t("training.title"), style="bold reverse")
        gap(header, "  ")
        header.append(month_label(t, self.selected), style="bold")
        gap(header, "  ")
        header.append(t(f"training.view_{self.view}"), style="dim")
        gap(header, "   ")
        header.append_text(legend(t))
        self.query_one("#training-header", Static).update(header)

    # -- moving -------------------------------------------------------------

    def select_day(self, day: date) -> None:
        """Select `day`: repaint now, read the sessions if it shows other weeks."""
        range_before = grid_range(self.view, self.selected)
        self.selected = day
        self._paint()
        if grid_range(self.view, day) != range_before or not self.loaded:
            self.reload()

    def action_move(self, days: int) -> None:
        self.select_day(self.selected + timedelta(days=days))

    def action_move_row(self, step: int) -> None:
        self.action_move(step * (7 if self.view == MONTH else 1))

    def action_page(self, step: int) -> None:
        if self.view == MONTH:
            self.select_day(shift_month(self.selected, step))
        else:
            self.action_move(step * 7)

    def action_today(self) -> None:
        self.select_day(local_day(self.app.desk.now(), self.app.desk.zone))

    def action_toggle_view(self) -> None:
        self.view = WEEK if self.view == MONTH else MONTH
        self._paint()
        self.reload()

    def on_training_calendar_day_clicked(self, message: TrainingCalendar.DayClicked) -> None:
        self.select_day(message.day)

    # -- opening --------------------------------------------------------------

    def action_open(self) -> None:
        from helpdesk_tui.tui.screens.training_detail import SessionDetailScreen

        view = self.selected_session()
        if view is None:
            self.app.notify(self.app.texts("training.none_today"), severity="warning")
            return
        self.app.push_screen(SessionDetailScreen(view.id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_back(self) -> None:
        self.app.action_switch("queue")

    # -- TrainingActions ------------------------------------------------------

    def selected_session(self) -> SessionView | None:
        return self.query_one(SessionList).current

    def new_session_day(self) -> date:
        return self.selected
