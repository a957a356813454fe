"""Every binding has an id, and users can remap them from config.toml's [keymap]."""

from textual.binding import Binding

from helpdesk_tui.tui.app import HelpdeskApp
from helpdesk_tui.tui.screens.alerts import AlertsScreen, AlertTable
from helpdesk_tui.tui.screens.forms import FormScreen
from helpdesk_tui.tui.screens.main import MainScreen
from helpdesk_tui.tui.screens.session_form import SessionForm
from helpdesk_tui.tui.screens.training import TrainingScreen
from helpdesk_tui.tui.screens.training_detail import SessionDetailScreen
from helpdesk_tui.tui.widgets.queue_table import QueueTable
from helpdesk_tui.tui.widgets.session_list import SessionList


def test_every_binding_has_an_id():
    owners = (HelpdeskApp, MainScreen, QueueTable, AlertsScreen, AlertTable, TrainingScreen,
              SessionList, SessionDetailScreen, SessionForm, FormScreen)  # fmt: skip
    for owner in owners:
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


async def test_training_keys_are_remapped_too(make_app):
    from tests.tui.settle import training_loaded

    app = make_app(keymap={"training.view": "w", "training.next_day": "ctrl+l"})
    async with app.run_test(size=(120, 36)) as pilot:
        await training_loaded(pilot)
        screen = app.screen
        before = screen.selected
        await pilot.press("ctrl+l")
        assert (screen.selected - before).days == 1
        await pilot.press("w")
        assert screen.view == "week"
