"""The training calendar drawn as lines of text: a month grid or a week of days.

Pure functions of a `CalendarModel` and a size, so the widget paints from a cache and the
layout is tested without a terminal. Every cell has a fixed width in terminal cells and
text from outside is cut with `fit` (CJK takes two cells), so nothing spills over.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from rich.text import Text

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import fit
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.training_text import (
    FLAG_MARK,
    FLAG_STYLE,
    SessionView,
    flag_words,
    session_count,
    status_name,
    time_range,
    weekday_names,
)

MONTH, WEEK = "month", "week"
SEPARATOR = "│"
SEPARATOR_STYLE = "#444444"
SELECTED_BG = "on #1f4e79"
TODAY_STYLE = "bold #000000 on #ffd700"
DAY_LINE_STYLE = "bold"
OTHER_MONTH_STYLE = "#6c6c6c"
FULL_TIME_FROM = 14  # a month cell this wide shows `09:00`, a narrower one `09`
MIN_CELL_LINES = 2  # the day number and one session


@dataclass(frozen=True)
class CalendarModel:
    view: str
    selected: date
    today: date
    sessions: dict[date, list[SessionView]] = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    name: str
    width: int


# -- where the cursor can go ----------------------------------------------------------------


def grid_range(view: str, selected: date) -> tuple[date, date]:
    """The first day shown and the day after the last: whole weeks, Monday first."""
    if view == WEEK:
        monday = selected - timedelta(days=selected.weekday())
        return monday, monday + timedelta(days=7)
    first = selected.replace(day=1)
    start = first - timedelta(days=first.weekday())
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    end = last + timedelta(days=7 - last.weekday())
    return start, end


def shift_month(day: date, months: int) -> date:
    """The same day of another month, or that month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


# -- the month ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthGrid:
    start: date  # the Monday of the first week
    weeks: int
    week_lines: int  # each week gets an equal share of the height
    inner: int  # a cell's width, without the separator

    def day_at(self, x: int, y: int) -> date | None:
        """The day drawn at (x, y), or None (the weekday names, the margin)."""
        week, column = (y - 1) // self.week_lines, x // (self.inner + 1)
        if y < 1 or not (0 <= week < self.weeks and 0 <= column < 7):
            return None
        return self.start + timedelta(days=week * 7 + column)


def month_grid(selected: date, width: int, height: int) -> MonthGrid:
    start, end = grid_range(MONTH, selected)
    weeks = (end - start).days // 7
    inner = max((width - 6) // 7, 3)  # six separators between seven cells
    return MonthGrid(start, weeks, max((height - 1) // weeks, MIN_CELL_LINES), inner)


def month_lines(t: Texts, model: CalendarModel, width: int, height: int) -> list[Text]:
    """A header of weekday names, then the weeks: a line with the day numbers, then one
    line per session that fits (the day line says how many more there are)."""
    grid = month_grid(model.selected, width, height)
    start, weeks, per_week, inner = grid.start, grid.weeks, grid.week_lines, grid.inner
    lines = [_joined(Text(fit(name, inner), style="bold") for name in weekday_names(t))]
    for week in range(weeks):
        days = [start + timedelta(days=week * 7 + n) for n in range(7)]
        for row in range(per_week):
            lines.append(_joined(_month_cell(model, day, row, per_week, inner) for day in days))
    return lines


def _joined(cells) -> Text:
    line = Text(no_wrap=True, overflow="crop", end="")
    for index, cell in enumerate(cells):
        if index:
            line.append(SEPARATOR, style=SEPARATOR_STYLE)
        line.append_text(cell)
    return line


def _month_cell(model: CalendarModel, day: date, row: int, rows: int, inner: int) -> Text:
    sessions = model.sessions.get(day, [])
    in_month = day.month == model.selected.month
    cell = Text(style=SELECTED_BG if day == model.selected else "", end="")
    if row == 0:
        number = f"{day.day:>2}"
        style = TODAY_STYLE if day == model.today else DAY_LINE_STYLE
        cell.append(number, style=style if in_month or day == model.today else OTHER_MONTH_STYLE)
        hidden = len(sessions) - (rows - 1)
        more = f"+{hidden}" if hidden > 0 else ""
        cell.append(" " * max(inner - len(number) - len(more), 0))
        cell.append(more, style="bold")
        return cell
    if row - 1 >= len(sessions):
        cell.append(" " * inner)
        return cell
    view = sessions[row - 1]
    mark_style = FLAG_STYLE if view.flagged else ""
    cell.append(FLAG_MARK if view.flagged else " ", style=mark_style)
    clock = f"{view.start:%H:%M}" if inner >= FULL_TIME_FROM else f"{view.start:%H}"
    style = view.style if in_month else f"{view.style} dim"
    cell.append(fit(f"{clock} {view.title}", inner - 1), style=style)
    return cell


# -- the week -------------------------------------------------------------------------------


def week_lines(t: Texts, model: CalendarModel, width: int) -> tuple[list[Text], int]:
    """Seven days, one under the other: a heading line per day, then its sessions with
    time range, status, title, place, trainers and trainee count. Also returns the line
    of the selected day's heading, to keep it in view."""
    start, _ = grid_range(WEEK, model.selected)
    columns = session_columns(width - 2)  # indented by two cells
    lines: list[Text] = []
    selected_line = 0
    for offset in range(7):
        day = start + timedelta(days=offset)
        if day == model.selected:
            selected_line = len(lines)
        sessions = model.sessions.get(day, [])
        lines.append(_week_heading(t, model, day, len(sessions), width))
        for view in sessions:
            row = Text("  ", no_wrap=True, overflow="crop", end="")
            for column in columns:
                text, style = session_cells(t, view)[column.name]
                row.append(fit(text, column.width), style=style)
                gap(row)
            lines.append(row)
    return lines, selected_line


def _week_heading(t: Texts, model: CalendarModel, day: date, count: int, width: int) -> Text:
    heading = Text(style=SELECTED_BG if day == model.selected else "", end="")
    name = f"{weekday_names(t)[day.weekday()]} {day:%m-%d}"
    heading.append(name, style=TODAY_STYLE if day == model.today else DAY_LINE_STYLE)
    if day == model.today:
        gap(heading)
        heading.append(t("training.today"), style="bold #ffd700")
    gap(heading)
    heading.append(session_count(t, count) if count else "—", style="dim")
    gap(heading)
    rule = width - heading.cell_len
    heading.append("─" * max(rule, 0), style=SEPARATOR_STYLE)
    return heading


# -- a session as a row of cells (the week view and the day's list) -------------------------

WIDE = (
    Column("mark", 1), Column("time", 11), Column("status", 9), Column("customer", 16),
    Column("title", 0), Column("place", 18), Column("trainers", 14), Column("trainees", 6),
)  # fmt: skip
NARROW = (
    Column("mark", 1), Column("time", 11), Column("status", 9), Column("title", 0),
    Column("place", 12), Column("trainers", 10), Column("trainees", 6),
)  # fmt: skip
MIN_TITLE = 14
WIDE_TITLE = 24


def session_columns(width: int) -> list[Column]:
    """Fixed widths for rows `width` cells wide (each cell is followed by a space)."""
    for columns in (WIDE, NARROW):
        fixed = sum(c.width for c in columns) + len(columns)
        wanted = WIDE_TITLE if columns is WIDE else MIN_TITLE
        if width - fixed >= wanted or columns is NARROW:
            title = max(width - fixed, MIN_TITLE)
            return [Column(c.name, c.width or title) for c in columns]
    raise AssertionError("unreachable")


def session_cells(t: Texts, view: SessionView) -> dict[str, tuple[str, str]]:
    """Each cell's text and style; texts from outside are already one safe line."""
    flags = flag_words(t, view)
    return {
        "mark": (FLAG_MARK if flags else "", FLAG_STYLE if flags else ""),
        "time": (time_range(view), "bold"),
        "status": (status_name(t, view.status), view.style),
        "customer": (view.customer, ""),
        "title": (view.title, ""),
        "place": (view.place, "dim"),
        "trainers": (view.trainers, ""),
        "trainees": (t("training.trainees_short", count=view.session.trainee_count), "dim"),
    }
