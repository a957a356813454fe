"""Key 4: the training calendar on the demo's sessions (a month either side of NOW, a
Friday): moving by day, week and month, the week view, a session's detail, the edit
keys writing through the use cases (checked in the database), refusals, read-only."""

import io
from datetime import date, datetime, time, timedelta

from rich.console import Console
from textual.widgets import Input

from helpdesk_tui.domain.training import SessionStatus
from helpdesk_tui.services import training as use
from helpdesk_tui.store.models import TrainingSession
from helpdesk_tui.tui.screens.forms import ChoiceScreen, FormScreen
from helpdesk_tui.tui.screens.session_form import SessionForm
from helpdesk_tui.tui.screens.training import TrainingScreen
from helpdesk_tui.tui.screens.training_detail import SessionDetailScreen
from helpdesk_tui.tui.widgets.session_list import SessionList
from helpdesk_tui.tui.widgets.training_calendar import TrainingCalendar
from tests.tui.conftest import NOW, ZONE
from tests.tui.settle import training_loaded, until

TODAY = date(2026, 11, 20)  # NOW's day, a Friday
TODAY_BG, SELECTED_BG = "#ffd700", "#1f4e79"


def sessions_on(app, day: date) -> list[TrainingSession]:
    start = datetime.combine(day, time(), ZONE)
    return [e.session for e in app.reader.training_between(start, start + timedelta(days=1))]


def find(app, wanted) -> TrainingSession:
    """The first demo session (in time order) that is `wanted`."""
    around = app.reader.training_between(NOW - timedelta(days=40), NOW + timedelta(days=40))
    return next(e.session for e in around if wanted(e.session))


def day_of(session: TrainingSession) -> date:
    return session.start_at.astimezone(ZONE).date()


def upcoming_agreed(session: TrainingSession) -> bool:
    return session.status == "agreed" and session.start_at > NOW


def add_morning_session(app, trainer: str) -> TrainingSession:
    """A second session today, 09:00-12:00 (the demo's is at 14:00)."""
    plan = app.reader.training_plans()[0]
    start = datetime.combine(TODAY, time(9), ZONE)
    return use.add_session(app.desk, use.SessionFields(
        plan_id=plan.id, title="晨会培训", start_at=start, end_at=start + timedelta(hours=3),
        trainers=(trainer,), place="二楼会议室", trainee_count=6))  # fmt: skip


def stored(app, session_id: int) -> TrainingSession:
    with app.desk.store.read() as session:
        return session.get(TrainingSession, session_id)


def plain(renderable, width: int = 120) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


def day_numbers_on(screen: TrainingScreen, colour: str) -> list[str]:
    """The day numbers painted on a background of `colour`."""
    calendar = screen.query_one(TrainingCalendar)
    return [
        segment.text.strip()
        for strip in calendar.strips
        for segment in strip
        if segment.style and segment.style.bgcolor and segment.style.bgcolor.name == colour
        and segment.text.strip().isdigit()
    ]  # fmt: skip


async def open_day(pilot, day: date) -> TrainingScreen:
    await training_loaded(pilot)
    screen = pilot.app.screen
    screen.select_day(day)
    await until(pilot, lambda: screen.loaded)
    return screen


async def test_the_month_opens_on_today_and_moves_by_day_week_and_month(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await training_loaded(pilot)
        screen = app.screen
        assert screen.selected == screen.today == TODAY
        assert day_numbers_on(screen, TODAY_BG) == ["20"]
        header = str(screen.query_one("#training-header").render())
        assert "November 2026" in header
        await pilot.press("l")
        assert screen.selected == date(2026, 11, 21)
        assert "21" in day_numbers_on(screen, SELECTED_BG)
        assert day_numbers_on(screen, TODAY_BG) == ["20"], "today stays marked"
        await pilot.press("j", "j")
        assert screen.selected == date(2026, 12, 5)  # two weeks on: into the next month
        await until(pilot, lambda: screen.loaded)
        assert "December 2026" in str(screen.query_one("#training-header").render())
        assert day_numbers_on(screen, TODAY_BG) == [], "November 20 is not on December's page"
        await pilot.press("k", "h", "left")
        assert screen.selected == date(2026, 11, 26)
        await pilot.press("right_square_bracket")
        assert screen.selected == date(2026, 12, 26)
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        assert screen.selected == date(2026, 9, 26)
        await pilot.press("t")
        assert screen.selected == TODAY
        await until(pilot, lambda: screen.loaded)
        assert day_numbers_on(screen, TODAY_BG) == ["20"]


async def test_month_boundaries(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_day(pilot, date(2026, 11, 30))
        await pilot.press("l")
        assert screen.selected == date(2026, 12, 1)
        await until(pilot, lambda: screen.loaded)
        lines = screen.query_one(TrainingCalendar).plain_lines
        assert lines[0].split()[0] == "Mon", "Monday first"
        assert lines[1].split("│")[0].strip() == "30", "December 2026 starts on a Tuesday"
        screen.select_day(date(2027, 1, 31))
        await pilot.press("right_square_bracket")
        assert screen.selected == date(2027, 2, 28), "a shorter month takes its last day"


async def test_the_calendar_shows_each_days_sessions_and_flags(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_day(pilot, TODAY)
        [today_session] = sessions_on(app, TODAY)
        text = "\n".join(screen.query_one(TrainingCalendar).plain_lines)
        assert "!14:00 " + today_session.title[:4] in text, "proposed, starts today: flagged"
        listed = screen.query_one(SessionList).sessions
        assert [view.id for view in listed] == [today_session.id]
        assert listed[0].needs_agreement and not listed[0].materials_late


async def test_the_week_lists_time_place_trainers_and_trainees(make_app):
    app = make_app()
    add_morning_session(app, "lina")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_day(pilot, TODAY)
        await pilot.press("v")
        await until(pilot, lambda: screen.loaded)
        assert screen.view == "week"
        lines = screen.query_one(TrainingCalendar).plain_lines
        headings = [line for line in lines if not line.startswith(" ")]
        assert [h.split()[0] for h in headings] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
                                                    "Sun"]  # fmt: skip
        assert "Fri 11-20 today 2 sessions" in headings[4]
        morning, afternoon = sessions_on(app, TODAY)
        for session, hours in ((morning, "09:00–12:00"), (afternoon, "14:00–17:00")):
            [row] = [line for line in lines if session.trainers in line]
            assert hours in row and f"{session.trainee_count} ppl" in row
            assert session.place[:5] in row
        assert lines.index(headings[4]) < lines.index(
            next(line for line in lines if "09:00–12:00" in line)
        ), "each day's sessions under its heading"
        await pilot.press("j")
        assert screen.selected == date(2026, 11, 21), "j moves a day in the week"
        await pilot.press("right_square_bracket")
        assert screen.selected == date(2026, 11, 28)
        await until(pilot, lambda: screen.loaded)
        assert "Sat 11-28" in "\n".join(screen.query_one(TrainingCalendar).plain_lines)


async def test_enter_opens_the_session_detail(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        session = find(app, upcoming_agreed)
        await open_day(pilot, day_of(session))
        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, SessionDetailScreen) and detail.session_id == session.id
        await until(pilot, lambda: detail.loaded)
        text = plain(detail.query_one("#sd-fields").content)
        assert session.title in text and session.trainers in text
        assert "(纸质)" in text and "not ready" in text, "its materials and their state"
        await pilot.press("escape")
        assert isinstance(app.screen, TrainingScreen)


async def test_n_adds_a_session_on_the_selected_day(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_day(pilot, date(2026, 11, 21))
        assert sessions_on(app, date(2026, 11, 21)) == []
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, SessionForm))
        form = app.screen
        await pilot.press("tab", *"周末加班培训")
        form.query_one("#sf-start", Input).value = "10:00"
        form.query_one("#sf-end", Input).value = "12:30"
        form.query_one("#sf-trainee_count", Input).value = "12"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: sessions_on(app, date(2026, 11, 21)))
        [made] = sessions_on(app, date(2026, 11, 21))
        assert made.title == "周末加班培训" and made.trainers == "lina"
        assert made.start_at.astimezone(ZONE).time() == time(10, 0)
        assert made.end_at.astimezone(ZONE).time() == time(12, 30)
        assert made.trainee_count == 12 and made.status == "proposed"
        assert isinstance(app.screen, TrainingScreen)
        await until(pilot, lambda: [v.id for v in screen.query_one(SessionList).sessions]
                    == [made.id])  # fmt: skip


async def test_an_overlapping_trainer_is_refused_and_nothing_written(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_day(pilot, TODAY)
        [busy] = sessions_on(app, TODAY)  # 14:00-17:00
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, SessionForm))
        form = app.screen
        form.query_one("#sf-title", Input).value = "冲突的培训"
        form.query_one("#sf-start", Input).value = "13:00"
        form.query_one("#sf-end", Input).value = "15:00"
        form.query_one("#sf-trainers", Input).value = busy.trainers
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("already teaches" in m for m in toasts(app)))
        assert [s.id for s in sessions_on(app, TODAY)] == [busy.id]
        assert app.screen is form, "the form stays, with everything typed"
        assert form.query_one("#sf-title", Input).value == "冲突的培训"


async def test_a_bad_time_is_said_in_the_form(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_day(pilot, TODAY)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, SessionForm))
        form = app.screen
        form.query_one("#sf-title", Input).value = "x"
        form.query_one("#sf-start", Input).value = "25:99"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "无法识别" in str(form.query_one("#form-error").render())
        assert len(sessions_on(app, TODAY)) == 1


async def test_e_edits_with_the_version_seen(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_day(pilot, TODAY)
        [before] = sessions_on(app, TODAY)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, SessionForm)
        assert form.query_one("#sf-title", Input).value == before.title
        form.query_one("#sf-title", Input).value = "新版本功能介绍（第二期）"
        form.query_one("#sf-start", Input).value = "15:00"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: stored(app, before.id).title == "新版本功能介绍（第二期）")
        after = stored(app, before.id)
        assert after.version == before.version + 1
        assert after.start_at.astimezone(ZONE).time() == time(15, 0)
        assert after.end_at.astimezone(ZONE).time() == time(17, 0), "the end typed is kept"
        assert after.place == before.place


async def test_an_edit_after_someone_elses_change_is_refused_and_shows_theirs(make_app, desk_for):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_day(pilot, TODAY)
        [before] = sessions_on(app, TODAY)
        await pilot.press("e")
        form = app.screen
        use.update_session(desk_for("zhaomin"), before.id, {"place": "会议室 B"})
        form.query_one("#sf-title", Input).value = "mine"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("changed meanwhile" in m for m in toasts(app)))
        assert stored(app, before.id).title == before.title, "nothing of mine written"
        assert isinstance(app.screen, TrainingScreen)
        await until(pilot, lambda: screen.selected_session().place == "会议室 B")


async def test_s_sets_the_status(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_day(pilot, TODAY)
        [session] = sessions_on(app, TODAY)
        await pilot.press("s")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "enter")  # from proposed to agreed
        await until(pilot, lambda: stored(app, session.id).status == "agreed")
        assert "Session " + str(session.id) + ": Status" in toasts(app)


async def test_an_illegal_status_is_a_toast(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        session = find(app, upcoming_agreed)
        await open_day(pilot, day_of(session))
        await pilot.press("s", "down", "enter")  # done, before it started
        await until(pilot, lambda: any("has not started" in m for m in toasts(app)))
        assert stored(app, session.id).status == "agreed"


async def test_o_records_the_outcome(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        held = find(app, lambda s: s.status == "done" and not sessions_on(app, day_of(s))[1:])
        await open_day(pilot, day_of(held))
        await pilot.press("o")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-attended", Input).value = "20"
        form.query_one("#field-feedback", Input).value = "4.5"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: stored(app, held.id).attended == 20)
        assert stored(app, held.id).feedback == 4.5


async def test_m_toggles_a_materials_readiness(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        session = find(app, lambda s: upcoming_agreed(s) and not sessions_on(app, day_of(s))[1:])
        await open_day(pilot, day_of(session))
        first = app.reader.training_detail(session.id).materials[0]
        assert not first.ready
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("enter")  # the first one not ready
        await until(pilot, lambda: app.reader.training_detail(session.id).materials[0].ready)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("enter")  # now the second
        await until(pilot, lambda: app.reader.training_detail(session.id).materials[1].ready)


async def test_the_detail_has_the_same_keys(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_day(pilot, TODAY)
        [session] = sessions_on(app, TODAY)
        await pilot.press("enter")
        detail = app.screen
        await until(pilot, lambda: detail.loaded)
        await pilot.press("s", "down", "enter")
        await until(pilot, lambda: stored(app, session.id).status == "agreed")
        await until(pilot, lambda: detail.view.status is SessionStatus.AGREED)
        assert "Agreed" in str(detail.query_one("#sd-header").render()).title()


async def test_a_read_only_console_refuses_every_edit(make_app):
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_day(pilot, TODAY)
        [before] = sessions_on(app, TODAY)
        await pilot.press("n", "e", "s", "o", "m")
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, TrainingScreen)
        assert toasts(app).count(app.texts("message.read_only")) == 5
        assert stored(app, before.id).version == before.version


async def test_the_wall_refuses_too(make_app):
    app = make_app(wall=True, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("4")
        await until(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.loaded)
        await pilot.press("n")
        assert toasts(app) == [app.texts("message.read_only")]
