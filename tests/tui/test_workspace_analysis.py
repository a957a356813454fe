"""The fault analysis (故障分析) in the ticket workspace: shown with the ticket's kind, and
written with `F` through the service, with the version the engineer saw."""

from helpdesk_tui.services import tickets as use
from helpdesk_tui.store.models import Ticket
from helpdesk_tui.tui.screens.forms import FormScreen
from helpdesk_tui.tui.screens.workspace import WorkspaceScreen
from tests.tui.settle import queue_loaded, until


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def open_workspace(pilot) -> WorkspaceScreen:
    await queue_loaded(pilot)
    await pilot.press("enter")
    await until(
        pilot, lambda: isinstance(pilot.app.screen, WorkspaceScreen) and pilot.app.screen.loaded
    )
    return pilot.app.screen


async def test_f_writes_the_analysis_through_the_service(make_app, desk_for):
    app = make_app("zh")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_workspace(pilot)
        ticket_id, version = screen.selected_ticket()
        assert "尚未分析" in screen.query_one("#ws-analysis").content.plain
        await pilot.press("F")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press(*"连接池耗尽 [b]x[/b]", "tab", *"调大连接池并重启服务")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.detail.row.ticket.version == version + 1)
        shown = screen.query_one("#ws-analysis").content.plain
        assert "连接池耗尽 [b]x[/b]" in shown and "调大连接池并重启服务" in shown
    with desk_for("lina").store.read() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket.root_cause == "连接池耗尽 [b]x[/b]"
        assert ticket.fix_applied == "调大连接池并重启服务"


async def test_the_form_starts_from_the_analysis_and_refuses_a_stale_one(make_app, desk_for):
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_workspace(pilot)
        ticket_id, version = screen.selected_ticket()
        use.analyse(desk_for("wangfang"), str(ticket_id), "disk full", "cleaned /var/log",
                    expected_version=version)  # fmt: skip
        await until(pilot, lambda: screen.detail.row.ticket.root_cause == "disk full")
        await pilot.press("F")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.query_one("#field-root_cause").text == "disk full"
        await pilot.press("escape")
        await pilot.pause()
        text = screen_text(app)
        assert "Kind" in text and "Fault" in text and "cleaned /var/log" in text


async def test_a_cancelled_ticket_says_why_it_cannot_be_analysed(make_app, desk_for):
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_workspace(pilot)
        ticket_id, version = screen.selected_ticket()
        use.cancel(desk_for("wangfang"), str(ticket_id), "duplicate", expected_version=version)
        await until(pilot, lambda: screen.detail.row.ticket.status == "cancelled")
        await pilot.press("F")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press(*"nothing", "ctrl+s")
        await until(pilot, lambda: any("cancelled" in n.message for n in app._notifications))
