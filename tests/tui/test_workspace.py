"""The ticket workspace: open it from the queue, act on the ticket, see others' changes."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static, TextArea

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import tickets as use
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.tui.app import HelpdeskApp
from helpdesk_tui.tui.screens.main import MainScreen
from helpdesk_tui.tui.screens.workspace import WorkspacePane, WorkspaceScreen, audit_summary
from helpdesk_tui.tui.widgets.queue_table import QueueTable

from .conftest import ZONE
from .settle import queue_loaded, until

HOSTILE_TITLE = "Disk [red]x[/] full \x1b[31mred\x1b]0;evil\x07 [bold]"


def a_customer(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT name FROM customers ORDER BY id LIMIT 1").fetchone()[0]


def new_ticket(desk: Desk, db: Path, **fields) -> int:
    request = use.NewTicket(
        customer=a_customer(db),
        title=fields.pop("title", "Backups fail every night"),
        severity=fields.pop("severity", Severity.MEDIUM),
        channel=Channel.PHONE,
        **fields,
    )
    ticket = use.new_ticket(desk, request)
    assert ticket.id is not None
    return ticket.id


def rendered(screen) -> str:
    """What the workspace's text widgets draw (after wrapping), one string."""
    out = []
    for static in screen.query(Static):
        if not static.display or not static.size.area:
            continue
        lines = static.render_lines(Region(0, 0, static.size.width, static.size.height))
        out.append("\n".join(line.text for line in lines))
    return "\n".join(out)


def text_of(screen, selector: str) -> str:
    """The full text a widget was given, visible or scrolled away."""
    content = screen.query_one(selector, Static).content
    return getattr(content, "plain", str(content))


async def open_workspace(app: HelpdeskApp, pilot: Pilot, ticket_id: int) -> WorkspaceScreen:
    await queue_loaded(pilot)
    screen = WorkspaceScreen(ticket_id)
    await app.push_screen(screen)
    await until(pilot, lambda: screen.detail is not None)
    return screen


async def settle(app: HelpdeskApp, pilot: Pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def notes(monkeypatch: pytest.MonkeyPatch) -> Callable[[HelpdeskApp], list[str]]:
    """Record the app's toasts (from any thread) while still showing them."""

    def record(app: HelpdeskApp) -> list[str]:
        seen: list[str] = []
        real = app.notify

        def notify(message: str, *args, **kwargs) -> None:
            seen.append(message)
            real(message, *args, **kwargs)

        monkeypatch.setattr(app, "notify", notify)
        return seen

    return record


async def test_enter_opens_the_ticket_and_esc_goes_back(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        table = app.screen.query_one(QueueTable)
        await pilot.press("j")
        chosen = table.current_id
        await pilot.press("enter")
        await until(pilot, lambda: getattr(app.screen, "loaded", False))
        screen = app.screen
        assert isinstance(screen, WorkspaceScreen)
        assert screen.ticket_id == chosen
        detail = app.reader.detail(chosen)
        assert screen.selected_ticket() == (chosen, detail.row.ticket.version)
        shown = rendered(screen)
        assert detail.row.ticket.key in shown
        assert detail.row.customer in shown
        assert app.texts.status(detail.row.ticket.status) in shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_the_panes_take_turns_with_tab_and_scroll_with_j_k(make_app, desk_for, demo_db):
    lina = desk_for("lina")
    ticket_id = new_ticket(lina, demo_db, description="\n".join(f"line {i}" for i in range(200)))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_workspace(app, pilot, ticket_id)
        details = screen.query_one("#ws-details", WorkspacePane)
        assert app.focused is details
        assert details.max_scroll_y > 0
        await pilot.press("j", "j", "j")
        assert details.scroll_y == 3
        await pilot.press("k")
        assert details.scroll_y == 2
        await pilot.press("G")
        await pilot.pause()
        assert details.scroll_y == details.max_scroll_y
        await pilot.press("tab")
        assert app.focused is screen.query_one("#ws-log")
        await pilot.press("tab")
        assert app.focused is screen.query_one("#ws-audit")
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is details


async def test_c_logs_work_into_the_record_and_the_database(make_app, desk_for, demo_db, notes):
    ticket_id = new_ticket(desk_for("lina"), demo_db)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        seen = notes(app)
        screen = await open_workspace(app, pilot, ticket_id)
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#field-text", TextArea).has_focus
        await pilot.press(*"Restarted the backup agent")
        form.query_one("#field-minutes", Input).value = "45"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen

        detail = app.reader.detail(ticket_id)
        logged = [e for e in detail.work_log if e.text == "Restarted the backup agent"]
        assert len(logged) == 1 and logged[0].author == "lina" and logged[0].minutes == 45
        version = detail.row.ticket.version
        await until(pilot, lambda: screen.detail.row.ticket.version == version)
        log = text_of(screen, "#ws-log-text")
        assert "Restarted the backup agent" in log and "45 min" in log
        assert "lina" in log
        assert app.texts("message.refreshed") not in seen, "our own change is no news"


async def test_s_changes_the_severity(make_app, desk_for, demo_db):
    ticket_id = new_ticket(desk_for("lina"), demo_db, severity=Severity.MINOR)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_workspace(app, pilot, ticket_id)
        await pilot.press("s")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        options.highlighted = [o.id for o in options.options].index("urgent")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.reader.detail(ticket_id).row.ticket.severity == "urgent"
        await until(pilot, lambda: screen.detail.row.ticket.severity == "urgent")
        assert app.texts.severity("urgent") in text_of(screen, "#ws-header")
        assert "before.severity=minor" in text_of(screen, "#ws-audit-text")


async def test_x_resolves_with_a_summary_then_v_records_acceptance(make_app, desk_for, demo_db):
    ticket_id = new_ticket(desk_for("lina"), demo_db)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_workspace(app, pilot, ticket_id)
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#field-summary", TextArea).load_text("Replaced the failed disk")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await until(pilot, lambda: screen.detail.row.ticket.status == "resolved")
        assert "Replaced the failed disk" in text_of(screen, "#ws-outcome")

        await pilot.press("v")
        await pilot.pause()
        rating = app.screen.query_one("#field-rating", Input)
        rating.value = "4"
        app.screen.query_one("#field-comment", TextArea).load_text("Quick and clear")
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        ticket = app.reader.detail(ticket_id).row.ticket
        assert ticket.status == "accepted" and ticket.rating == 4
        assert ticket.resolution_summary == "Replaced the failed disk"
        await until(pilot, lambda: screen.detail.row.ticket.status == "accepted")
        outcome = text_of(screen, "#ws-outcome")
        assert "★★★★☆ 4/5" in outcome and "Quick and clear" in outcome


async def test_a_stale_respond_is_refused_and_the_fresh_ticket_shown(
    make_app, desk_for, demo_db, notes, monkeypatch
):
    ticket_id = new_ticket(desk_for("lina"), demo_db)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        seen = notes(app)
        screen = await open_workspace(app, pilot, ticket_id)
        seen_version = screen.detail.row.ticket.version
        # The console has not heard of the change yet (it polls every 0.5 s): hold the feed
        # back so that `r` really acts on what the user saw, not on a lucky refresh.
        monkeypatch.setattr(app._feed, "changed", lambda: False)
        use.assign(desk_for("wangfang"), str(ticket_id), "wangfang")
        await pilot.press("r")
        await settle(app, pilot)

        ticket = app.reader.detail(ticket_id).row.ticket
        audit = app.reader.detail(ticket_id).audit
        assert ticket.first_response_at is None and ticket.status == "new"
        assert not [a for a in audit if a.action == "respond" and a.actor == "lina"]
        assert any("changed by wangfang" in note for note in seen), seen

        monkeypatch.undo()  # the feed may speak again
        await until(pilot, lambda: screen.detail.row.assignee == "wangfang")
        assert screen.detail.row.ticket.version == ticket.version != seen_version
        assert "wangfang" in rendered(screen)
        assert app.texts("message.refreshed") in seen


async def test_a_change_from_another_console_shows_within_a_second(
    make_app, desk_for, demo_db, notes
):
    ticket_id = new_ticket(desk_for("lina"), demo_db)
    app = make_app(lang="zh")
    async with app.run_test(size=(120, 36)) as pilot:
        seen = notes(app)
        screen = await open_workspace(app, pilot, ticket_id)
        use.log_work(desk_for("wangfang"), str(ticket_id), "远程检查了数据库日志", 20)
        await until(pilot, lambda: "远程检查了数据库日志" in text_of(screen, "#ws-log-text"))
        assert "20 分钟" in text_of(screen, "#ws-log-text")
        assert app.texts("message.refreshed") in seen


async def test_hostile_text_is_shown_literally(make_app, desk_for, demo_db):
    description = "[red]x[/] \x1b[31mANSI\x1b[0m \x1b]0;evil\x07 " + "y" * 10_000
    ticket_id = new_ticket(desk_for("lina"), demo_db, title=HOSTILE_TITLE, description=description)
    use.log_work(desk_for("lina"), str(ticket_id), "[blink]note[/] \x1b[2J", 5)
    for size in ((120, 36), (80, 24)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            screen = await open_workspace(app, pilot, ticket_id)
            shown = rendered(screen)
            assert "[red]x[/]" in shown
            assert "\\x1b[31m" in shown and "\x1b" not in shown and "\x07" not in shown
            assert "[blink]note[/]" in text_of(screen, "#ws-log-text")
            assert "\\x1b]0;evil\\x07" in text_of(screen, "#ws-description")
            assert "[red]x[/]" in app.export_screenshot()
            header = screen.query_one("#ws-header")
            assert header.size.height == 1, "a long title stays on its line"
            await pilot.press("G")  # the 10 000 characters scroll; nothing breaks
            await pilot.pause()


async def test_a_missing_ticket_says_so(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await queue_loaded(pilot)
        screen = WorkspaceScreen(999_999)
        await app.push_screen(screen)
        await until(pilot, lambda: screen.loaded)
        assert screen.selected_ticket() is None
        assert "T-999999" in rendered(screen)
        await pilot.press("r")  # nothing to act on: a hint, no crash
        await pilot.pause()


def test_audit_details_are_summarised_on_one_line():
    detail = (
        '{"at": "2026-11-20T02:00:00+00:00", "from": "new", "to": "responded",'
        ' "before": {"severity": "minor"}, "note": "a\\nb\\u001b[31m"}'
    )
    line = audit_summary(detail, ZONE)
    assert line.startswith("new→responded at=11-20 10:00 before.severity=minor")
    assert "\n" not in line and "\x1b" not in line and "\\x1b[31m" in line
    assert audit_summary("not json", ZONE) == "not json"
    assert len(audit_summary('{"title": "' + "z" * 5000 + '"}', ZONE)) <= 400


async def test_esc_before_the_data_arrives_is_harmless(make_app, desk_for, demo_db, monkeypatch):
    ticket_id = new_ticket(desk_for("lina"), demo_db)
    app = make_app()
    release, started = threading.Event(), threading.Event()
    real_detail = app.reader.detail

    def slow_detail(wanted: int):
        if wanted == ticket_id:
            started.set()
            release.wait(5)
        return real_detail(wanted)

    async with app.run_test(size=(80, 24)) as pilot:
        await queue_loaded(pilot)
        monkeypatch.setattr(app.reader, "detail", slow_detail)
        screen = WorkspaceScreen(ticket_id)
        await app.push_screen(screen)
        for _ in range(100):  # not `until`: it waits for the (held) worker
            if started.is_set():
                break
            await pilot.pause(0.02)
        assert screen.selected_ticket() is None  # nothing shown yet, nothing to act on
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        release.set()
        await settle(app, pilot)
        assert screen.detail is None
