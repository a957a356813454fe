"""The ticket's paperwork written from the workspace (`p`): the same document as
`helpdesk ticket paper` writes, to the file the engineer names."""

from pathlib import Path

from helpdesk_tui.exchange.paper_files import render_paper
from helpdesk_tui.i18n import Texts
from helpdesk_tui.tui.screens.forms import ChoiceScreen, FormScreen
from helpdesk_tui.tui.screens.workspace import WorkspaceScreen
from tests.tui.settle import queue_loaded, until


async def open_workspace(pilot) -> WorkspaceScreen:
    await queue_loaded(pilot)
    await pilot.press("enter")
    await until(
        pilot, lambda: isinstance(pilot.app.screen, WorkspaceScreen) and pilot.app.screen.loaded
    )
    return pilot.app.screen


async def choose(pilot, downs: int, path: Path) -> None:
    await pilot.press("p")
    await until(pilot, lambda: isinstance(pilot.app.screen, ChoiceScreen))
    await pilot.press(*["down"] * downs, "enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    field = pilot.app.screen.query_one("#field-path")
    field.value = str(path)
    await pilot.press("ctrl+s")


async def test_the_record_is_written_as_the_command_line_writes_it(make_app, tmp_path):
    app = make_app("zh")
    target = tmp_path / "记录.md"
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_workspace(pilot)
        await choose(pilot, 0, target)
        await until(pilot, target.exists)
        expected = render_paper(screen.detail, app.desk.zone, Texts("zh"), "record", "markdown")
        await until(pilot, lambda: any("已写入" in n.message for n in app._notifications))
    assert target.read_text(encoding="utf-8") == expected
    assert expected.startswith("# 支持维护记录")


async def test_the_summary_as_html_and_the_default_file_name(make_app, tmp_path):
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_workspace(pilot)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("down", "down", "down", "enter")  # the summary as HTML
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        default = app.screen.query_one("#field-path").value
        assert default.endswith(f"{screen.detail.row.ticket.key}-summary.html")
        target = tmp_path / "summary.html"
        app.screen.query_one("#field-path").value = str(target)
        await pilot.press("ctrl+s")
        await until(pilot, target.exists)
    assert "<html" in target.read_text(encoding="utf-8")


async def test_a_folder_that_does_not_exist_is_one_clear_error(make_app, tmp_path):
    app = make_app("en")
    target = tmp_path / "missing" / "record.md"
    async with app.run_test(size=(120, 36)) as pilot:
        await open_workspace(pilot)
        await choose(pilot, 0, target)
        await until(pilot, lambda: any(n.severity == "error" for n in app._notifications))
        message = next(n.message for n in app._notifications if n.severity == "error")
    assert str(target) in message and "No such file" in message
    assert not target.parent.exists()
