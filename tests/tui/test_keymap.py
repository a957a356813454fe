"""Every binding has an id, and users can remap them from config.toml's [keymap]."""

from textual.binding import Binding

from helpdesk_tui.tui.app import HelpdeskApp
from helpdesk_tui.tui.screens.alerts import AlertsScreen, AlertTable
from helpdesk_tui.tui.screens.main import MainScreen
from helpdesk_tui.tui.widgets.queue_table import QueueTable


def test_every_binding_has_an_id():
    for owner in (HelpdeskApp, MainScreen, QueueTable, AlertsScreen, AlertTable):
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding) and binding.id, (owner.__name__, binding)


async def test_a_remapped_key_takes_over(make_app):
    app = make_app(keymap={"ticket.respond": "e", "queue.down": "ctrl+n"})
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        table = app.screen.query_one(QueueTable)
        await pilot.press("ctrl+n")
        assert table.cursor == 1
        target = next(i for i in table.ids if table.rows.get(i) and table.rows[i].status == "new")
        table.cursor = table.ids.index(target)
        await pilot.press("r")  # no longer bound
        await app.workers.wait_for_complete()
        assert app.reader.detail(target).row.ticket.first_response_at is None
        await pilot.press("e")
        await app.workers.wait_for_complete()
        assert app.reader.detail(target).row.ticket.first_response_at is not None
