"""The training calendar's looks and neighbours: hostile titles stay literal and in their
cells, the layout functions, the main screen's agenda pane, help and palette."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from rich.cells import cell_len
from rich.console import Console

from helpdesk_tui.i18n import Texts
from helpdesk_tui.services import training as use
from helpdesk_tui.store.models import TrainingSession
from helpdesk_tui.tui.calendar_lines import (
    CalendarModel,
    grid_range,
    month_grid,
    month_lines,
    shift_month,
)
from helpdesk_tui.tui.commands import DeskCommands
from helpdesk_tui.tui.screens.help import HelpScreen
from helpdesk_tui.tui.screens.training import TrainingScreen
from helpdesk_tui.tui.screens.training_detail import SessionDetailScreen
from helpdesk_tui.tui.widgets.panes import AgendaPane
from helpdesk_tui.tui.widgets.session_list import SessionList
from helpdesk_tui.tui.widgets.training_calendar import TrainingCalendar
from tests.tui.conftest import NOW, ZONE
from tests.tui.settle import queue_loaded, training_loaded, until

HOSTILE_DAY = date(2026, 11, 24)  # a Tuesday without demo sessions
HOSTILE = [
    "[red]x[/] [bold]boom",
    "\x1b[31mred\x1b[0m ansi",
    "\x1b]0;evil title\x07 osc",
    "长" * 200,
]
LONG_TITLE = "长[b]" * 2_500  # 10 000 characters: more than a title may hold, yet stored


def add_hostile_sessions(desk) -> list[int]:
    plan = use.add_plan(desk, "长沙人民医院", "[blink]计划[/]")
    made = []
    for hour, title in enumerate(HOSTILE, start=8):
        start = datetime.combine(HOSTILE_DAY, time(hour), ZONE)
        made.append(use.add_session(desk, use.SessionFields(
            plan_id=plan.id, title=title, start_at=start, end_at=start + timedelta(minutes=50),
            trainers=("lina",), place="\x1b[2J" + "室" * 150, trainees=("[i]张三[/i]",),
        )).id)  # fmt: skip
    with desk.store.write() as session:  # as if imported from elsewhere, past the limit
        session.get(TrainingSession, made[-1]).title = LONG_TITLE
    return made


def assert_literal(lines: list[str], width: int) -> None:
    screen = "\n".join(lines)
    assert "\x1b" not in screen and "\x07" not in screen
    assert all(cell_len(line) <= width for line in lines)


def separators(line: str) -> list[int]:
    """Cell offsets of the month grid's column separators."""
    offsets, x = [], 0
    for char in line:
        if char == "│":
            offsets.append(x)
        x += cell_len(char)
    return offsets


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_hostile_titles_stay_literal_and_in_their_cells(make_app, desk_for, size):
    made = add_hostile_sessions(desk_for("lina"))
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await training_loaded(pilot)
        screen = app.screen
        screen.select_day(HOSTILE_DAY)
        calendar = screen.query_one(TrainingCalendar)
        width = calendar.scrollable_content_region.width
        month = calendar.plain_lines
        assert_literal(month, width)
        columns = separators(month[0])
        assert len(columns) == 6 and all(separators(line) == columns for line in month)
        assert "[red]" in "\n".join(month), "markup is text"

        day_list = screen.query_one(SessionList)
        assert [view.id for view in day_list.sessions] == made
        rows = [day_list.render_line(y).text for y in range(day_list.size.height)]
        assert_literal(rows, day_list.size.width)
        assert "\\x1b[31mred" in "\n".join(rows) and "[red]x[/]" in "\n".join(rows)

        await pilot.press("v")
        await until(pilot, lambda: screen.loaded)
        week = calendar.plain_lines
        assert_literal(week, width)
        assert "[red]x[/] [bold]boom" in "\n".join(week)

        await pilot.press("tab", "j", "j", "j", "enter")  # in the list, the last: the long one
        await until(pilot, lambda: isinstance(app.screen, SessionDetailScreen))
        await until(pilot, lambda: app.screen.loaded)
        assert app.screen.session_id == made[-1]
        assert "\x1b" not in app.export_screenshot()
        text = io.StringIO()
        Console(file=text, width=size[0], color_system=None).print(
            app.screen.query_one("#sd-fields").content
        )
        assert "长[b]长[b]" in text.getvalue() and "[i]张三[/i]" in text.getvalue()


def test_the_month_grid_keeps_every_cell_its_width():
    t = Texts("zh")
    model = CalendarModel("month", date(2026, 2, 11), date(2026, 2, 11))
    for width, height in ((80, 20), (120, 30), (250, 60)):
        lines = month_lines(t, model, width, height)
        grid = month_grid(model.selected, width, height)
        assert grid.start == date(2026, 1, 26) and grid.weeks == 5
        assert len(lines) == 1 + grid.weeks * grid.week_lines <= height
        assert all(line.cell_len == 7 * grid.inner + 6 for line in lines)
        assert grid.day_at(0, 1) == date(2026, 1, 26)
        assert grid.day_at(width - 1 - (width - 7 * grid.inner - 6), height - 1 - (
            height - len(lines))) == date(2026, 3, 1)  # fmt: skip


def test_ranges_and_months():
    assert grid_range("week", date(2026, 11, 22)) == (date(2026, 11, 16), date(2026, 11, 23))
    assert grid_range("month", date(2026, 11, 20)) == (date(2026, 10, 26), date(2026, 12, 7))
    assert shift_month(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert shift_month(date(2026, 1, 15), -1) == date(2025, 12, 15)
    assert shift_month(date(2024, 3, 31), -1) == date(2024, 2, 29)


async def test_the_agenda_lists_today_and_the_next_seven_days(make_app, desk_for):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        pane = app.screen.query_one(AgendaPane)
        await until(pilot, lambda: bool(pane.sessions))
        start = datetime.combine(NOW.date(), time(), ZONE)
        wanted = app.reader.training_between(start, start + timedelta(days=8))
        live = [e.session.id for e in wanted if e.session.status != "cancelled"]
        assert [view.id for view in pane.sessions] == live
        shown = str(pane.render())
        assert "today" in shown and pane.sessions[0].customer[:3] in shown
        assert "!" in shown, "today's session is still only proposed"

        # A session added elsewhere shows without a key press; cancelled ones leave.
        plan = app.reader.training_plans()[0]
        tomorrow = datetime.combine(NOW.date() + timedelta(days=1), time(9), ZONE)
        added = use.add_session(desk_for("lina"), use.SessionFields(
            plan_id=plan.id, title="明日培训", start_at=tomorrow, trainers=("lina",)))  # fmt: skip
        await until(pilot, lambda: added.id in [view.id for view in pane.sessions])
        assert "tmrw" in str(pane.render())
        use.set_status(desk_for("lina"), added.id, use.SessionStatus.CANCELLED)
        await until(pilot, lambda: added.id not in [view.id for view in pane.sessions])


async def test_help_lists_the_training_keys(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await training_loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = io.StringIO()
        Console(file=text, width=120, color_system=None).print(app.screen._table())
        for words in ("New session", "Month/week", "Previous day", "Next month/week",
                      "Today", "Outcome", "Materials", "Training"):  # fmt: skip
            assert words in text.getvalue()


async def test_the_palette_opens_the_calendar(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        hits = [hit async for hit in DeskCommands(app.screen).search("training")]
        [calendar] = [hit for hit in hits if hit.text == "培训日历"]
        calendar.command()
        await until(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.loaded)
        hits = [hit.text async for hit in DeskCommands(app.screen).search("new training")]
        assert "新建培训" in hits


async def test_key_4_switches_to_the_calendar_and_esc_back(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await training_loaded(pilot)
        assert app.current_mode == "training"
        await pilot.press("escape")
        assert app.current_mode == "queue"


def test_the_form_reads_days_times_and_trainers():
    from helpdesk_tui.tui.screens.session_form import FormProblem, read_form

    t = Texts("en")
    raw = {"title": " 培训 ", "day": "１１-２１", "start": "０９：３０", "end": "11-22 12:00",
           "trainers": "lina， wangfang", "trainee_count": "12", "place": "", "category":
           "operation", "audience": "admins", "mode": "remote", "language": "zh"}  # fmt: skip
    values = read_form(t, raw, ZONE, 2026)
    assert values["title"] == "培训" and values["trainers"] == ("lina", "wangfang")
    assert values["start_at"] == datetime(2026, 11, 21, 9, 30, tzinfo=ZONE)
    assert values["end_at"] == datetime(2026, 11, 22, 12, 0, tzinfo=ZONE)
    assert "status" not in values, "an edit leaves the status to its own key"
    assert read_form(t, {**raw, "end": ""}, ZONE, 2026)["end_at"] is None  # one training day
    for field, bad in (("day", "2026-02-30"), ("start", "9h"), ("trainers", " "),
                       ("title", ""), ("end", "11-22")):  # fmt: skip
        with pytest.raises(FormProblem):
            read_form(t, {**raw, field: bad}, ZONE, 2026)
