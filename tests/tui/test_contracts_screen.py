"""Contracts (key 7): the list with renewal states and this year's penalties, the detail
of the selected contract (terms, SLA targets, penalties per month, coverage), `n` and `e`
through the services, `/` filtering; and the workspace's `b` key recording an exclusion."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from textual.widgets import Checkbox, Input, OptionList, TextArea

from helpdesk_tui.domain.contract_amounts import yuan_text
from helpdesk_tui.domain.contract_renewal import RenewalState
from helpdesk_tui.services import contracts
from helpdesk_tui.store.models import Contract, Ticket, WorkLogEntry
from helpdesk_tui.tui.screens.contracts import ContractsScreen
from helpdesk_tui.tui.screens.forms import ChoiceScreen, FormScreen
from helpdesk_tui.tui.screens.workspace import WorkspaceScreen
from tests.tui.conftest import NOW, ZONE
from tests.tui.settle import queue_loaded, until

TODAY = NOW.astimezone(ZONE).date()


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def open_contracts(pilot) -> ContractsScreen:
    await queue_loaded(pilot)
    await pilot.press("7")
    await until(pilot, lambda: isinstance(pilot.app.screen, ContractsScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.loaded and screen.overview is not None)
    await until(pilot, lambda: screen.owed_loaded)  # this year's penalties, read apart
    return screen


async def test_the_list_and_the_selected_contracts_terms_and_penalties(make_app):
    app = make_app("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_contracts(pilot)
        rows = screen.table.rows_shown
        states = {row.row.state for row in rows}
        # the demo shows a contract in its warranty, one to renew soon, one expired
        assert {RenewalState.EXPIRED, RenewalState.WARNING} <= states
        assert any(row.row.in_warranty for row in rows)
        owing = next(row for row in rows if row.owed_this_year_fen)
        screen.table.move_cursor(row=rows.index(owing), animate=False)
        await until(pilot, lambda: screen.overview is not None
                    and screen.overview.row.contract.id == owing.contract_id)  # fmt: skip
        overview = screen.overview
        text = screen_text(app)
        assert owing.row.contract.number in text and "近 12 个月违约金" in text
        assert "服务时限" in text and "紧急" in text
        assert len(overview.months) == 12 and overview.owed_fen > 0
        assert yuan_text(overview.owed_fen) in text  # the months' total
        assert "逾期" in text or "已到期" in text  # days left worded by warning step


async def test_n_adds_a_contract_and_e_edits_it(make_app, desk_for):
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_contracts(pilot)
        count = len(screen.rows)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        typed = {"number": "WB-TUI-1", "customer": "1", "starts": "2026-11-01",
                 "ends": "2027-10-31", "warranty": "2027-04-30", "price": "88,000.00",
                 "per_breach": "0.5%", "cap": "5%"}  # fmt: skip
        for name, value in typed.items():
            form.query_one(f"#field-{name}", Input).value = value
        form.query_one("#field-vendor_operated", Checkbox).value = True
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(screen.rows) == count + 1)
        with desk_for("lina").store.read() as session:
            made = session.scalars(select(Contract).where(Contract.number == "WB-TUI-1")).one()
        assert made.total_price_fen == 8_800_000 and made.penalty_cap_bp == 500
        assert made.vendor_operated and made.warranty_ends_on == date(2027, 4, 30)

        row = next(r for r in screen.table.rows_shown if r.row.contract.number == "WB-TUI-1")
        assert row.row.in_warranty
        screen.table.move_cursor(row=screen.table.rows_shown.index(row), animate=False)
        await pilot.pause()
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-price", Input).value = "99000"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(r.row.contract.total_price_fen == 9_900_000
                                       for r in screen.rows))  # fmt: skip
        with desk_for("lina").store.read() as session:
            stored = contracts.find_contract(session, "WB-TUI-1")
        assert stored.version == 2 and stored.penalty_cap_bp == 500  # only the price changed


async def test_a_refused_contract_reopens_the_form_with_what_was_typed(make_app, desk_for):
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_contracts(pilot)
        taken = screen.rows[0].row.contract.number
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        for name, value in {"number": taken, "customer": "1", "starts": "2026-01-01",
                            "ends": "2026-12-31"}.items():  # fmt: skip
            app.screen.query_one(f"#field-{name}", Input).value = value
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FormScreen)
                    and app.screen.query_one("#field-number", Input).value == taken)  # fmt: skip
        with desk_for("lina").store.read() as session:
            assert len(session.scalars(select(Contract).where(Contract.number == taken)).all()) == 1


async def test_slash_filters_by_number_or_customer_and_esc_clears(make_app):
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_contracts(pilot)
        wanted = screen.rows[3].row.customer
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-text", Input).value = wanted
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        assert [r.row.customer for r in screen.table.rows_shown] == [wanted]
        await pilot.press("escape")
        assert len(screen.table.rows_shown) == len(screen.rows)
        assert isinstance(app.screen, ContractsScreen)


async def test_b_in_the_workspace_records_an_exclusion(make_app, desk_for):
    with desk_for("lina").store.read() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.coverage == "contract",
                                                      Ticket.is_open).limit(1)).one()  # fmt: skip
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        await queue_loaded(pilot)
        screen = WorkspaceScreen(ticket.id)
        await app.push_screen(screen)
        await until(pilot, lambda: screen.detail is not None)
        assert "Coverage" in screen_text(app) and "Contract" in screen_text(app)
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        options = app.screen.query_one(OptionList)
        options.highlighted = 0  # exclusion: customer-caused damage
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-note", TextArea).text = "客户误删配置"
        app.screen.query_one("#field-goodwill", Checkbox).value = True
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.detail is not None
                    and screen.detail.row.ticket.exclusion == "customer_damage")  # fmt: skip
        assert screen.detail.row.ticket.coverage == "goodwill"
        assert "Goodwill · Exclusion" in screen_text(app)
        with desk_for("lina").store.read() as session:
            notes = select(WorkLogEntry.text).where(
                WorkLogEntry.ticket_id == ticket.id, WorkLogEntry.kind == "note"
            )
            note = session.scalars(notes).one()
        assert "客户误删配置" in note
