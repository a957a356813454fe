"""The main screen: the live queue and its keys."""

from helpdesk_tui.tui.widgets.queue_table import QueueTable


async def test_queue_opens_with_the_most_urgent_deadline_first(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(QueueTable)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.ids, "the queue shows the demo's open tickets"
        rows = app.reader.queue_rows(table.ids[:20])
        dues = [
            r.response_due_at if r.first_response_at is None else r.resolve_due_at
            for r in (rows[i] for i in table.ids[:20])
        ]
        running = [d for d in dues if d is not None]
        assert running == sorted(running)


async def test_j_k_g_G_move_the_cursor(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(QueueTable)
        await pilot.press("j", "j")
        assert table.cursor == 2
        await pilot.press("k")
        assert table.cursor == 1
        await pilot.press("G")
        assert table.cursor == len(table.ids) - 1
        await pilot.press("g")
        assert table.cursor == 0
