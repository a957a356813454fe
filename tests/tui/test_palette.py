"""ctrl+p: find a ticket by key, customer or title and open it; the queue's commands in
the user's language."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.command import CommandPalette

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services.tickets import NewTicket, new_ticket
from helpdesk_tui.store.models import ticket_key
from helpdesk_tui.store.queue import QueueSort
from helpdesk_tui.tui.app import HelpdeskApp
from helpdesk_tui.tui.commands import DeskCommands
from helpdesk_tui.tui.screens.main import MainScreen
from helpdesk_tui.tui.screens.new_ticket import NewTicketScreen
from helpdesk_tui.tui.screens.wall import WallScreen
from helpdesk_tui.tui.screens.workspace import WorkspaceScreen


@pytest.fixture(autouse=True)
def _palette_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """As app.py registers it (harmless once it does)."""
    monkeypatch.setattr(HelpdeskApp, "COMMANDS", App.COMMANDS | {DeskCommands})


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def hits_for(app, query: str) -> list:
    provider = DeskCommands(app.screen)
    return [hit async for hit in provider.search(query)]


def names(hits: list) -> list[str]:
    return [hit.text for hit in hits]


async def palette_run(app, pilot, query: str) -> None:
    """ctrl+p, type, wait for the hits, enter on the best one."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    await settle(app, pilot)  # the palette's search is a worker: its hits are all in
    await pilot.press("enter")  # the best hit is highlighted
    await settle(app, pilot)


@pytest.mark.parametrize("typed", ["T-{id:06d}", "{id}", "t{id}"])
async def test_a_ticket_key_opens_the_workspace(make_app, typed):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        wanted = 123
        await palette_run(app, pilot, typed.format(id=wanted))
        assert isinstance(app.screen, WorkspaceScreen)
        assert app.screen.ticket_id == wanted


async def test_the_key_comes_first_and_the_hits_are_literal(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        hits = await hits_for(app, "T-000007")
        assert hits[0].text.startswith("T-000007") and hits[0].score == 1.0
        found = new_ticket(app.desk, NewTicket(
            customer=app.reader.customer_hits("", 1)[0].name, title="[bold]x[/] \x1b[31m red",
            severity=Severity.MINOR, channel=Channel.EMAIL))  # fmt: skip
        [hit] = [h for h in await hits_for(app, "[bold]x") if h.text.startswith(found.key)]
        assert "[bold]x[/] \\x1b[31m red" in hit.prompt.plain, "no markup, no escape codes"


async def test_tickets_by_customer_name_and_by_title(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        customer = app.reader.customer_hits("", 3)[2].name
        hits = [h for h in await hits_for(app, customer) if h.text.startswith("T-")]
        assert 0 < len(hits) <= 20
        assert all(customer in h.prompt.plain for h in hits)
        some = hits[0].text.split(" ", 1)[1][:4]  # four characters of a title
        by_title = [h for h in await hits_for(app, some) if h.text.startswith("T-")]
        assert by_title and all(some in h.prompt.plain for h in by_title)


async def test_tickets_by_customer_open_in_the_workspace(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        created = new_ticket(app.desk, NewTicket(
            customer=app.reader.customer_hits("", 1)[0].name, title="核心交换机 端口闪断",
            severity=Severity.SERIOUS, channel=Channel.PHONE))  # fmt: skip
        await palette_run(app, pilot, "交换机 闪断")
        assert isinstance(app.screen, WorkspaceScreen)
        assert app.screen.ticket_id == created.id
        assert ticket_key(created.id) in str(app.screen.query_one("#ws-header").content)


async def test_queue_commands(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        queue = app.screen
        assert isinstance(queue, MainScreen)

        await palette_run(app, pilot, "filter: breached")
        assert app.screen is queue and queue.filter.breached
        await palette_run(app, pilot, "filter: mine")
        assert queue.filter.assignee == "lina"
        await palette_run(app, pilot, "sort by severity")
        assert queue.filter.sort is QueueSort.SEVERITY
        assert queue.filter.breached, "sorting keeps the filter"
        await palette_run(app, pilot, "filter: clear")
        assert queue.filter.is_default and queue.filter.sort is QueueSort.SEVERITY

        await palette_run(app, pilot, "new ticket")
        assert isinstance(app.screen, NewTicketScreen)
        await pilot.press("escape")
        await palette_run(app, pilot, "wall")
        assert isinstance(app.screen, WallScreen)


async def test_commands_follow_the_screen(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        on_queue = names(await hits_for(app, "filter"))
        assert "Filter: breached" in on_queue and "Filter: mine" in on_queue
        assert "Filter: clear" not in on_queue, "nothing to clear yet"
        app.action_switch("wall")
        await settle(app, pilot)
        on_wall = names(await hits_for(app, "e"))
        assert "Queue" in on_wall
        assert not [n for n in on_wall if n.startswith(("Filter", "Sort", "New"))]


async def test_read_only_console_offers_no_new_ticket(make_app):
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert "New ticket" not in names(await hits_for(app, "new"))


async def test_in_chinese_found_by_either_language(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert "筛选：已超时" in names(await hits_for(app, "超时"))
        assert "大屏" in names(await hits_for(app, "wall"))
        assert "排序：等级" in names(await hits_for(app, "sort"))
        discovered = [hit.text async for hit in DeskCommands(app.screen).discover()]
        assert discovered[:2] == ["筛选：已超时", "筛选：我的"]
        await palette_run(app, pilot, "超时")
        assert app.screen.filter.breached


def set_of(hit) -> set[str]:
    """Every two-character piece of the hit's customer and title."""
    text = f"{hit.customer} {hit.title}"
    return {text[i : i + 2] for i in range(len(text) - 1)}


def test_ticket_search_reads(make_app):
    reader = make_app().reader
    assert [h.key for h in reader.search_tickets("T-000042")] == ["T-000042"]
    assert [h.key for h in reader.search_tickets("t42")] == ["T-000042"]
    assert reader.search_tickets("T-999999") == []
    assert reader.search_tickets("") == reader.search_tickets("   ") == []
    percent = reader.search_tickets("%")  # a literal %, not a wildcard
    assert percent and all("%" in h.title + h.customer for h in percent)
    assert reader.search_tickets("_") == []
    customer = reader.customer_hits("", 1)[0].name
    both = reader.search_tickets(f"{customer[:2]} {customer[-2:]}")
    assert both and all({customer[:2], customer[-2:]} <= set_of(h) for h in both)
    assert len(reader.search_tickets(customer, limit=3)) == 3
    hits = reader.search_tickets(customer)
    assert len(hits) > 3
    opened = [h.is_open for h in hits]
    assert opened == sorted(opened, reverse=True), "open tickets first"


def test_customer_search_reads(make_app):
    reader = make_app().reader
    names = [h.name for h in reader.customer_hits("", 100)]
    assert names == sorted(names) and len(names) == 40
    name = names[0]
    assert reader.customer_hits(name)[0].name == name, "the exact name first"
    contact = reader.contacts(reader.customer_hits(name)[0].id)[0]
    [by_phone] = reader.customer_hits(contact.phone)
    assert (by_phone.name, by_phone.contact) == (name, contact.name)
    assert reader.customer_hits("%") == []
