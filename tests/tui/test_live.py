"""Several consoles, one truth: changes made elsewhere show up without a key press."""

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import tickets as use
from helpdesk_tui.tui.widgets.queue_table import QueueTable

CHANGE_FEED_BUDGET = 20  # pauses of 0.1 s: the change must show within 2 s (poll is 0.5 s)


async def wait_until(pilot, condition) -> bool:
    for _ in range(CHANGE_FEED_BUDGET):
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


async def test_a_ticket_opened_elsewhere_appears_without_a_key_press(make_app, desk_for):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        table = app.screen.query_one(QueueTable)
        before = set(table.ids)
        other = desk_for("wangfang")
        customer = app.reader.customer_hits("集团")[0].name
        ticket = use.new_ticket(
            other, use.NewTicket(customer, "CLI 建的工单", Severity.URGENT, Channel.PHONE)
        )
        assert await wait_until(pilot, lambda: ticket.id in table.ids)
        assert set(table.ids) - before == {ticket.id}


async def test_a_resolved_ticket_leaves_the_queue(make_app, desk_for):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        table = app.screen.query_one(QueueTable)
        first = table.ids[0]
        use.resolve(desk_for("wangfang"), str(first), "远程修复")
        assert await wait_until(pilot, lambda: first not in table.ids)


async def test_respond_key_writes_through_the_services(make_app):
    app = make_app(user="lina")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        table = app.screen.query_one(QueueTable)
        new_ones = [i for i in table.ids if table.rows.get(i) and table.rows[i].status == "new"]
        target = new_ones[0]
        table.cursor = table.ids.index(target)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        detail = app.reader.detail(target)
        assert detail.row.ticket.first_response_at is not None
        assert [e.actor for e in detail.audit if e.action == "respond"] == ["lina"]


async def test_a_stale_respond_is_refused_and_the_queue_reloads(make_app, desk_for):
    app = make_app(user="lina")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        table = app.screen.query_one(QueueTable)
        target = next(i for i in table.ids if table.rows.get(i) and table.rows[i].status == "new")
        table.cursor = table.ids.index(target)
        app._feed.close()  # keep this console unaware of the change until it acts
        use.assign(desk_for("wangfang"), str(target), "wangfang")
        await pilot.press("r")
        await app.workers.wait_for_complete()
        detail = app.reader.detail(target)
        assert detail.row.ticket.first_response_at is None  # nothing overwritten
        assert any("wangfang" in n.message for n in app._notifications)


async def test_a_database_fault_is_reported_not_fatal(make_app):
    from sqlalchemy.exc import OperationalError

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        table = app.screen.query_one(QueueTable)
        shown = list(table.ids)

        def broken(*_args, **_kwargs):
            raise OperationalError("SELECT", {}, Exception("disk I/O error"))

        app.reader.queue_ids = broken
        app.screen.reload()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert table.ids == shown  # the last good picture stays
        assert any("disk I/O error" in n.message for n in app._notifications)
