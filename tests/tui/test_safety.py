"""Text from outside is shown literally: markup, escape sequences, controls, huge text."""

import pytest
from rich.cells import cell_len

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import tickets as use
from helpdesk_tui.tui.widgets.queue_table import QueueTable

NASTY_TITLES = [
    "[red]x[/] [bold]boom",
    "\x1b[31mred\x1b[0m ansi",
    "\x1b]0;evil title\x07 osc",
    "bell\x07 nul-free \x08back \x9b csi",
    "长" * 5000,
]


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (250, 70)])
async def test_nasty_titles_render_literally(make_app, desk_for, size):
    desk = desk_for("lina")
    customer = make_app().reader.customer_hits("集团")[0].name
    for title in NASTY_TITLES:
        request = use.NewTicket(
            customer,
            title[:200],
            Severity.URGENT,
            Channel.EMAIL,
            description=title * 2,
            contact="[blink]caller[/]",
        )
        use.new_ticket(desk, request)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(QueueTable)
        lines = [table.render_line(y).text for y in range(table.size.height)]
        screen = "\n".join(lines)
        assert "\x1b" not in screen and "\x07" not in screen and "\x9b" not in screen
        assert "[red]x[/]" in screen
        assert "\\x1b[31mred" in screen
        assert all(cell_len(line) <= table.size.width for line in lines)
        svg = app.export_screenshot()
        assert "\x1b" not in svg


async def test_error_toasts_are_literal(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        app.report_fault(ValueError("bad [bold]x[/bold] \x1b[31m"))
        await pilot.pause()
        assert any("[bold]x[/bold]" in n.message for n in app._notifications)
        assert "\x1b[31m" not in app.export_screenshot()


async def test_markup_typed_into_the_filter_is_an_error_line_not_a_crash(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("slash", *"[/b]:x", "enter")
        await pilot.pause()
        assert app.is_running
        assert "[/b]" in str(app.screen.query_one("#form-error").render())


async def test_q_in_a_choice_list_does_not_quit(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("s", "q")
        assert app.is_running
        await pilot.press("escape", "q")
    assert app.return_code == 0
