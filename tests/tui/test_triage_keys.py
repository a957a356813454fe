"""Every key path of the queue screen, checked against the database."""

import pytest

from helpdesk_tui.store.queue import QueueSort
from helpdesk_tui.tui.screens.forms import ChoiceScreen, FormScreen
from helpdesk_tui.tui.screens.help import HelpScreen
from helpdesk_tui.tui.widgets.queue_table import QueueTable
from tests.tui.settle import queue_loaded, until


async def select_status(pilot, status: str) -> int:
    """Put the cursor on the first ticket with this status and return its id."""
    table = pilot.app.screen.query_one(QueueTable)
    rows = pilot.app.reader.queue_rows(table.ids)
    ticket_id = next(i for i in table.ids if rows[i].status == status)
    table._move_to(table.ids.index(ticket_id))
    await pilot.pause()
    return ticket_id


def ticket(app, ticket_id):
    return app.reader.detail(ticket_id).row.ticket


async def test_assign_with_a_picked_engineer(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        target = await select_status(pilot, "new")
        await pilot.press("a")
        assert isinstance(app.screen, ChoiceScreen)
        logins = [login for login, _ in app.reader.engineers()]
        for _ in range(logins.index("wangfang")):
            await pilot.press("down")
        await pilot.press("enter")
        await until(pilot, lambda: app.reader.detail(target).row.assignee == "wangfang")


async def test_severity_change_recomputes_deadlines(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        target = await select_status(pilot, "new")
        before = ticket(app, target)
        await pilot.press("s")
        await pilot.press("home", "enter")  # the first choice: urgent
        await until(pilot, lambda: ticket(app, target).severity == "urgent")
        after = ticket(app, target)
        assert after.response_due_at == after.reported_at + (
            after.response_due_at - after.reported_at
        )
        assert (before.severity == "urgent") or after.response_due_at != before.response_due_at


async def test_wait_then_resume_pause_and_restart_the_fix_clock(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        target = await select_status(pilot, "in_progress")
        await pilot.press("w")
        await until(pilot, lambda: ticket(app, target).status == "waiting")
        assert ticket(app, target).resolve_due_at is None
        table = app.screen.query_one(QueueTable)
        await until(pilot, lambda: target in table.ids)
        table._move_to(table.ids.index(target))
        await pilot.press("u")
        await until(pilot, lambda: ticket(app, target).status == "in_progress")
        assert ticket(app, target).resolve_due_at is not None


async def test_log_work_form(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        target = await select_status(pilot, "in_progress")
        await pilot.press("c")
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"重启服务后恢复")
        await pilot.press("tab", "backspace", "4", "5", "ctrl+s")
        await until(
            pilot,
            lambda: any(e.text == "重启服务后恢复" for e in app.reader.detail(target).work_log),
        )
        entry = app.reader.detail(target).work_log[-1]
        assert (entry.author, entry.minutes) == ("lina", 45)


async def test_resolve_accept_reopen_and_cancel(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        target = await select_status(pilot, "in_progress")
        await pilot.press("x")
        await pilot.press("ctrl+s")  # an empty summary is refused, the form stays
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"已修复", "ctrl+s")
        await until(pilot, lambda: ticket(app, target).status == "resolved")
        assert ticket(app, target).resolution_summary == "已修复"
        # resolved tickets leave the queue; act on it through the same mixin
        screen = app.screen
        screen.selected_ticket = lambda: (target, ticket(app, target).version)
        await pilot.press("R")
        await pilot.press(*"客户反馈复现", "ctrl+s")
        await until(pilot, lambda: ticket(app, target).status == "in_progress")
        await pilot.press("X")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: ticket(app, target).status == "cancelled")


async def test_accept_with_a_rating(make_app, desk_for):
    from helpdesk_tui.services import tickets as use

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        target = await select_status(pilot, "in_progress")
        use.resolve(desk_for("wangfang"), str(target), "done")
        screen = app.screen
        screen.selected_ticket = lambda: (target, ticket(app, target).version)
        await pilot.press("v")
        await pilot.press("backspace", "4", "tab", *"满意", "ctrl+s")
        await until(pilot, lambda: ticket(app, target).status == "accepted")
        assert ticket(app, target).rating == 4


async def test_filter_sort_mine_and_clear(make_app):
    app = make_app(user="lina")
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        table = app.screen.query_one(QueueTable)
        everything = len(table.ids)
        await pilot.press("slash", *"sev:urgent", "enter")
        await until(pilot, lambda: len(table.ids) < everything)
        rows = app.reader.queue_rows(table.ids)
        assert {r.severity for r in rows.values()} == {"urgent"}
        await pilot.press("escape")
        await until(pilot, lambda: len(table.ids) == everything)
        await pilot.press("m")
        await until(pilot, lambda: len(table.ids) < everything)
        assert {r.assignee for r in app.reader.queue_rows(table.ids).values()} == {"lina"}
        await pilot.press("m", "o")
        assert app.screen.filter.sort is QueueSort.SEVERITY
        await until(pilot, lambda: len(table.ids) == everything)
        rows = app.reader.queue_rows(table.ids[:50])
        order = ("urgent", "serious", "medium", "minor")
        ranks = [order.index(rows[i].severity) for i in table.ids[:50]]
        assert ranks == sorted(ranks)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_help_wall_and_quit(make_app, lang):
    app = make_app(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await queue_loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("2")
        assert app.current_mode == "wall"
        await pilot.press("1")
        assert app.current_mode == "queue"
        await pilot.press("q")
    assert app.return_code == 0


async def test_the_wall_changes_nothing(make_app):
    app = make_app(wall=True, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("1")
        await queue_loaded(pilot)
        target = await select_status(pilot, "new")
        await pilot.press("r")
        await app.workers.wait_for_complete()
        assert ticket(app, target).first_response_at is None
        assert any("Read-only" in n.message for n in app._notifications)
