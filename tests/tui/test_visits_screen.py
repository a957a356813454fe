"""Customer voice (key 8): overdue visits first and in red, recording a visit with a need
(a ticket raised from it), cancelling after a confirmation, the open complaints tab."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk_tui.domain.visits import VisitState
from helpdesk_tui.store.models import ReturnVisit, Ticket
from helpdesk_tui.tui.maintenance_text import OVERDUE_STYLE
from helpdesk_tui.tui.screens.forms import ChoiceScreen, FormScreen
from helpdesk_tui.tui.screens.visits import VisitsScreen
from tests.tui.settle import queue_loaded, until


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def open_visits(pilot) -> VisitsScreen:
    await queue_loaded(pilot)
    await pilot.press("8")
    await until(pilot, lambda: isinstance(pilot.app.screen, VisitsScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.loaded)
    return screen


def _visit(desk, visit_id: int) -> ReturnVisit:
    with desk.store.read() as session:
        visit = session.get(ReturnVisit, visit_id)
        assert visit is not None
        return visit


async def test_overdue_visits_come_first_in_red(make_app):
    app = make_app("zh")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_visits(pilot)
        planned = screen.table("planned")
        states = [row.state for row in planned.rows_shown]
        assert states[0] is VisitState.OVERDUE
        overdue = [s for s in states if s is VisitState.OVERDUE]
        assert states[: len(overdue)] == overdue  # every overdue one before the rest
        due_cell = planned.get_row_at(0)[1]
        assert any(str(span.style) == OVERDUE_STYLE for span in due_cell.spans)
        text = screen_text(app)
        for word in ("客户之声", "逾期", "近 90 天已回访", "★"):
            assert word in text
        done = screen.table("done").rows_shown
        assert done and all(row.visit.satisfaction for row in done)
        assert any(row.tickets for row in done)  # the demo's need that became a ticket


async def test_recording_a_visit_raises_the_need_as_a_ticket(make_app, desk_for):
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_visits(pilot)
        row = screen.table("planned").rows_shown[0]
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("4", "tab", "tab", *"happy", "tab", *"backup", "ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        visit_id = row.visit.id
        await until(pilot, lambda: any(r.visit.id == visit_id for r in screen.data.done))
        desk = desk_for("lina")
        visit = _visit(desk, visit_id)
        assert (visit.status, visit.satisfaction, visit.notes) == ("done", 4, "happy")
        with desk.store.read() as session:
            raised = session.scalars(select(Ticket).where(Ticket.visit_id == visit_id)).all()
        assert [(t.title, t.channel) for t in raised] == [("backup", "survey")]
        assert raised[0].key in screen_text(app)


async def test_a_refused_record_keeps_what_was_typed(make_app, desk_for):
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_visits(pilot)
        visit_id = screen.table("planned").rows_shown[0].visit.id
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("3", "tab", *"fax", "ctrl+s")  # no such method
        await until(pilot, lambda: isinstance(app.screen, FormScreen) and app.screen.is_mounted)
        assert app.screen.query_one("#field-satisfaction").value == "3"
        assert _visit(desk_for("lina"), visit_id).status == "planned"


async def test_cancel_asks_first(make_app, desk_for):
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_visits(pilot)
        visit_id = screen.table("planned").rows_shown[0].visit.id
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("enter")  # the first choice keeps it
        await until(pilot, lambda: app.screen is screen)
        assert _visit(desk_for("lina"), visit_id).status == "planned"
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("down", "enter")
        await until(pilot, lambda: all(r.visit.id != visit_id for r in screen.data.planned))
        assert _visit(desk_for("lina"), visit_id).status == "cancelled"


async def test_complaints_tab_and_keys_that_belong_to_the_visits_tab(make_app):
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_visits(pilot)
        assert screen.check_action("record_visit", ())
        await pilot.press("tab")
        assert screen.active_tab == "complaints"
        assert not screen.check_action("record_visit", ())
        assert "Complaint" in screen_text(app)


def test_need_lines_read_an_optional_severity():
    from helpdesk_tui.domain.channel import Channel
    from helpdesk_tui.domain.severity import Severity
    from helpdesk_tui.tui.visit_actions import parse_need_lines

    text = "serious: 增加异地备份\n\n严重：升级数据库\n备注: 不是等级\n  培训需求  "
    needs = parse_need_lines(text, Channel.PROACTIVE)
    assert [(n.title, n.severity) for n in needs] == [
        ("增加异地备份", Severity.SERIOUS),
        ("升级数据库", Severity.SERIOUS),
        ("备注: 不是等级", Severity.MINOR),
        ("培训需求", Severity.MINOR),
    ]
    assert {n.channel for n in needs} == {Channel.PROACTIVE}


@pytest.mark.parametrize(
    ("lang", "size"), [("zh", (120, 36)), ("en", (80, 24))], ids=["zh-120x36", "en-80x24"]
)
def test_snapshot(snap_compare, make_app, lang, size):
    async def loaded(pilot):
        await open_visits(pilot)

    assert snap_compare(make_app(lang), terminal_size=size, run_before=loaded)


async def test_enter_on_a_done_visit_opens_the_ticket_it_raised(make_app):
    from helpdesk_tui.tui.screens.workspace import WorkspaceScreen

    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_visits(pilot)
        done = screen.table("done")
        index = next(i for i, row in enumerate(done.rows_shown) if row.tickets)
        done.focus()
        done.move_cursor(row=index, animate=False)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, WorkspaceScreen))
        assert app.screen.ticket_id == done.rows_shown[index].tickets[0].id
