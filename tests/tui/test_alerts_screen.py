"""Key 3: the alerts made by the real sweep, acknowledged and snoozed through the use
cases (checked in the database), refused on a read-only console, text shown literally."""

import io
from datetime import timedelta

import pytest
from rich.cells import cell_len
from rich.console import Console

from helpdesk_tui.store.models import AlertClaim
from helpdesk_tui.tui.screens.alerts import AlertsScreen, AlertTable, alert_columns
from helpdesk_tui.tui.screens.forms import ChoiceScreen
from helpdesk_tui.tui.screens.help import HelpScreen
from helpdesk_tui.tui.screens.workspace import WorkspaceScreen
from tests.tui.alert_data import raise_alerts
from tests.tui.conftest import NOW
from tests.tui.settle import queue_loaded, until


def stored(app, alert_id: int) -> AlertClaim:
    with app.desk.store.read() as session:
        return session.get(AlertClaim, alert_id)


def toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


async def open_alerts(pilot) -> AlertsScreen:
    await queue_loaded(pilot)
    await pilot.press("3")
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, AlertsScreen) and pilot.app.screen.view is not None,
    )
    return pilot.app.screen


def shown_ids(screen: AlertsScreen) -> list[int]:
    return [alert.id for alert in screen.view.alerts]


async def select_ticket_alert(pilot, screen: AlertsScreen) -> AlertClaim:
    """The demo's training sessions have alerts too: put the cursor on a ticket's."""
    row = next(i for i, alert in enumerate(screen.view.alerts) if alert.ticket_id)
    screen.query_one(AlertTable).move_cursor(row=row)
    await pilot.pause()
    return screen.selected_alert()


def table_lines(screen: AlertsScreen) -> list[str]:
    table = screen.query_one(AlertTable)
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_the_swept_alerts_are_listed_newest_first(make_app, desk_for):
    raise_alerts(desk_for("lina"))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_alerts(pilot)
        in_db = [alert.id for alert in app.reader.alerts("active")]
        assert shown_ids(screen) == in_db == sorted(in_db, reverse=True)
        assert sum(1 for alert in screen.view.alerts if alert.ticket_id) == 3
        lines = "\n".join(table_lines(screen))
        assert "response breach #2" in lines  # the serious ticket, reminded twice
        assert "response 75%" in lines and "late" in lines  # caught up late
        assert "zhangwei" in lines  # reminders go to the duty manager
        header = str(screen.query_one("#alerts-header").render())
        assert (
            f"Alerts {len(in_db)}" in header
            and "Primary lina" in header
            and "Manager zhangwei" in header
        )


async def test_A_acknowledges_the_selected_alert(make_app, desk_for):
    raise_alerts(desk_for("lina"))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_alerts(pilot)
        chosen = screen.selected_alert().id
        await pilot.press("A")
        await until(pilot, lambda: stored(app, chosen).acked_at is not None)
        assert stored(app, chosen).acked_by == "lina"
        await until(pilot, lambda: chosen not in shown_ids(screen))
        assert f"Alert {chosen} acknowledged" in toasts(app)


async def test_z_snoozes_for_the_minutes_chosen(make_app, desk_for):
    raise_alerts(desk_for("lina"))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_alerts(pilot)
        first, second = shown_ids(screen)[:2]
        await pilot.press("z")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")  # the cursor starts on 30 minutes
        await until(pilot, lambda: stored(app, first).snoozed_until is not None)
        assert stored(app, first).snoozed_until == NOW + timedelta(minutes=30)
        await until(pilot, lambda: first not in shown_ids(screen))  # snoozed: not active
        assert screen.selected_alert().id == second
        await pilot.press("z", "down", "enter")  # 60 minutes
        await until(pilot, lambda: stored(app, second).snoozed_until is not None)
        assert stored(app, second).snoozed_until == NOW + timedelta(minutes=60)
        assert "Alert " + str(second) + " snoozed for 60 minutes" in toasts(app)


async def test_a_read_only_console_refuses_to_ack_or_snooze(make_app, desk_for):
    raise_alerts(desk_for("lina"))
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_alerts(pilot)
        chosen = screen.selected_alert().id
        await pilot.press("A", "z")
        await app.workers.wait_for_complete()
        assert not isinstance(app.screen, ChoiceScreen)
        assert stored(app, chosen).acked_at is None and stored(app, chosen).snoozed_until is None
        assert toasts(app).count(app.texts("message.read_only")) == 2


async def test_a_refusal_is_one_error_line(make_app, desk_for):
    raise_alerts(desk_for("lina"))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_alerts(pilot)
        chosen = screen.selected_alert().id
        await pilot.press("A")
        await until(pilot, lambda: stored(app, chosen).acked_at is not None)
        await pilot.press("tab")  # the acknowledged list
        await until(pilot, lambda: screen.state == "acked" and shown_ids(screen) == [chosen])
        await pilot.press("A")
        await until(pilot, lambda: any("already" in message for message in toasts(app)))
        [refusal] = [n for n in app._notifications if "already" in n.message]
        assert refusal.severity == "error" and "\n" not in refusal.message
        assert app.is_running


async def test_tab_walks_the_lists_and_history_holds_everything(make_app, desk_for):
    raise_alerts(desk_for("lina"))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_alerts(pilot)
        active = shown_ids(screen)
        await pilot.press("tab")
        await until(pilot, lambda: screen.view.state == "acked")
        assert shown_ids(screen) == []
        assert app.texts("alert.none") in str(screen.query_one("#alert-detail").render())
        await pilot.press("tab")
        await until(pilot, lambda: screen.view.state == "all")
        assert shown_ids(screen) == active
        await pilot.press("shift+tab", "shift+tab")
        await until(pilot, lambda: screen.view.state == "active")


async def test_enter_opens_the_ticket_and_esc_comes_back(make_app, desk_for):
    raise_alerts(desk_for("lina"))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_alerts(pilot)
        ticket_id = (await select_ticket_alert(pilot, screen)).ticket_id
        await pilot.press("enter")
        assert isinstance(app.screen, WorkspaceScreen) and app.screen.ticket_id == ticket_id
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape")  # back to the queue
        assert app.current_mode == "queue"


async def test_help_lists_the_alert_keys(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_alerts(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(app.screen._table())
        text = console.export_text()
        for keys, label in (("A", "Acknowledge"), ("z", "Snooze"), ("tab", "Next list"),
                            ("3", "Alerts"), ("j", "Down")):  # fmt: skip
            assert any(keys in line and label in line for line in text.splitlines()), label


HOSTILE = "[red]x[/] \x1b]0;x\x07 [bold]"


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 50)])
async def test_hostile_summaries_are_shown_literally(make_app, desk_for, size):
    desk = desk_for("lina")
    raise_alerts(desk, extra_titles=(HOSTILE + "长" * 170,))
    with desk.store.write() as session:  # a row from another writer: 10 000 characters
        session.add(AlertClaim(
            subject="ticket:1", ticket_id=1, target="fix", threshold=100, level="critical",
            due_at=NOW, fired_at=NOW, recipients="lina", summary=HOSTILE + "长" * 10_000,
        ))  # fmt: skip
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_alerts(pilot)
        lines = table_lines(screen)
        assert all(cell_len(line) <= screen.size.width for line in lines)
        text = "\n".join(lines)
        assert "[red]x[/]" in text and "\\x1b]0;x\\x07" in text
        assert "\x1b" not in text and "\x07" not in text
        detail = str(screen.query_one("#alert-detail").render())
        assert "[red]x[/] \\x1b]0;x\\x07 [bold]" in detail
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg


def test_columns_fit_the_width_and_the_summary_keeps_room():
    for width in (80, 100, 120, 200, 300):
        for state in ("active", "acked", "all"):
            columns = alert_columns(width, state)
            assert sum(c.width + 1 for c in columns) <= width - 1, (width, state)  # scrollbar
            assert columns[-1].name == "summary" and columns[-1].width >= 20
    assert "delivered" in [c.name for c in alert_columns(200, "active")]
    assert "state" in [c.name for c in alert_columns(80, "all")]


async def test_the_palette_acknowledges_on_the_alerts_screen(make_app, desk_for):
    from helpdesk_tui.tui.commands import screen_commands

    raise_alerts(desk_for("lina"))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        commands = {c.key: c for c in screen_commands(app, app.screen)}
        assert "ack_alert" not in commands
        commands["alerts"].run()
        await until(pilot, lambda: getattr(app.screen, "view", None) is not None)
        screen = app.screen
        commands = {c.key: c for c in screen_commands(app, screen)}
        assert {"ack_alert", "queue", "wall"} <= commands.keys() and "alerts" not in commands
        chosen = screen.selected_alert().id
        commands["ack_alert"].run()
        await until(pilot, lambda: stored(app, chosen).acked_at is not None)


async def test_the_columns_follow_a_resize(make_app, desk_for):
    raise_alerts(desk_for("lina"))
    app = make_app()
    async with app.run_test(size=(200, 40)) as pilot:
        screen = await open_alerts(pilot)
        assert len(screen.query_one(AlertTable).columns) == 7  # with recipients, delivered by
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: len(screen.query_one(AlertTable).columns) == 5)
        assert all(cell_len(line) <= 80 for line in table_lines(screen))
