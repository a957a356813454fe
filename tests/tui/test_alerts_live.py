"""Alerts and the duty roster on the main screen and the wall, kept live by the change
feed: marked queue rows, the status line, the alerts pane."""

from helpdesk_tui.services import alerts
from helpdesk_tui.services.reads import DeskReader
from helpdesk_tui.tui.screens.alerts import AlertsScreen, AlertTable
from helpdesk_tui.tui.widgets.alert_panes import AlertsPane, AlertStatusLine
from helpdesk_tui.tui.widgets.queue_table import ALERT_MARK, QueueTable
from tests.tui.alert_data import raise_alerts
from tests.tui.settle import queue_loaded, until


def row_text(table: QueueTable, ticket_id: int) -> str:
    table._move_to(table.ids.index(ticket_id))
    y = table.ids.index(ticket_id) - int(table.scroll_y) + 1
    return table.render_line(y).text


def status(app) -> str:
    return str(app.screen.query_one(AlertStatusLine).render())


async def test_rows_of_alerted_tickets_are_marked_until_acknowledged(make_app, desk_for):
    desk = desk_for("lina")
    ids = raise_alerts(desk)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        table = app.screen.query_one(QueueTable)
        await until(pilot, lambda: all(table.is_alerted(i) for i in ids.values()))
        alerted = next(iter(ids.values()))
        assert row_text(table, alerted).startswith(ALERT_MARK + " T-")
        quiet = next(i for i in table.ids if i not in ids.values())
        assert row_text(table, quiet).startswith("  T-")
        for alert in app.reader.alerts("active"):
            if alert.ticket_id == alerted:
                alerts.acknowledge(desk_for("wangfang"), alert.id)  # from another console
        await until(pilot, lambda: not table.is_alerted(alerted))
        assert row_text(table, alerted).startswith("  T-")


async def test_the_status_line_counts_alerts_and_names_who_is_on_duty(make_app, desk_for):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await queue_loaded(pilot)
        await until(pilot, lambda: "Alerts 0" in status(app))
        assert "nobody on duty" in status(app)
        raise_alerts(desk_for("lina"))
        count = len(app.reader.alerts("active"))
        await until(pilot, lambda: f"Alerts {count}" in status(app))
        line = status(app)
        assert "Primary lina · Backup wangfang · Manager zhangwei" in line
        newest = app.reader.alerts("active")[0]
        assert f"T-{newest.ticket_id:06d}" in line


async def test_the_alerts_pane_lists_the_newest_on_a_tall_terminal(make_app, desk_for):
    raise_alerts(desk_for("lina"))
    app = make_app("zh")
    async with app.run_test(size=(160, 50)) as pilot:
        await queue_loaded(pilot)
        pane = app.screen.query_one(AlertsPane)
        await until(pilot, lambda: "响应 超时 #2" in str(pane.render()))
        assert pane.display


async def test_changes_made_on_the_alerts_screen_show_on_the_queue(make_app, desk_for):
    ids = raise_alerts(desk_for("lina"))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        table = app.screen.query_one(QueueTable)
        await until(pilot, lambda: all(table.is_alerted(i) for i in ids.values()))
        await pilot.press("3")
        await until(pilot, lambda: getattr(app.screen, "view", None) is not None)
        screen = app.screen
        assert isinstance(screen, AlertsScreen)
        row = next(i for i, alert in enumerate(screen.view.alerts) if alert.ticket_id)
        screen.query_one(AlertTable).move_cursor(row=row)
        await pilot.pause()
        acked_ticket = screen.selected_alert().ticket_id
        await pilot.press("A")
        await until(pilot, lambda: screen.view.alerts and acked_ticket not in {
            a.ticket_id for a in screen.view.alerts})  # fmt: skip
        await pilot.press("1")  # the queue was not showing when the change came
        await until(pilot, lambda: not table.is_alerted(acked_ticket))


async def test_the_wall_shows_the_alert_count_and_who_is_on_duty(make_app, desk_for):
    desk = desk_for("lina")
    raise_alerts(desk)
    count = len(DeskReader(desk).alerts("active"))
    app = make_app("zh", wall=True, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:

        def wall_status() -> str:
            return str(app.screen.query_one("#wall-status").render())

        await until(pilot, lambda: f"告警 {count}" in wall_status())
        line = wall_status()
        assert "主值班 lina" in line and "值班经理 zhangwei" in line
