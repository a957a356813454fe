"""`n`: logging a phone call fast — customer search-as-you-type, one key per choice,
ctrl+s creates, a refusal keeps everything typed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpdesk_tui.tui.screens.main import MainScreen
from helpdesk_tui.tui.screens.new_ticket import (
    BadTime,
    ChoiceStrip,
    NewTicketScreen,
    parse_reported_at,
)
from helpdesk_tui.tui.widgets.queue_table import QueueTable
from tests.tui.conftest import NOW, ZONE

TITLE = "打印服务器无法连接"


def unique_part(names: list[str]) -> tuple[str, str]:
    """A customer and two characters of its name that no other customer has."""
    for name in names:
        for start in range(1, len(name) - 1):
            part = name[start : start + 2]
            if sum(part in other for other in names) == 1:
                return name, part
    raise AssertionError("no customer has a unique part")


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_intake(app, pilot) -> NewTicketScreen:
    await settle(app, pilot)
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, NewTicketScreen)
    return app.screen


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)


def tickets_titled(app, title: str) -> list:
    return [hit for hit in app.reader.search_tickets(title) if hit.title == title]


async def pick_customer(app, pilot) -> str:
    """Type a unique part of a customer's name; tab picks it. Returns the name."""
    names = [hit.name for hit in app.reader.customer_hits("", 200)]
    name, part = unique_part(names)
    await type_text(pilot, part)
    await settle(app, pilot)
    picks = app.screen.query_one("#customer-picks")
    assert picks.has_class("-shown") and picks.option_count == 1
    await pilot.press("tab")
    await settle(app, pilot)
    assert app.screen.query_one("#intake-customer").value == name
    return name


async def test_type_part_of_a_customer_pick_it_and_create(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_intake(app, pilot)
        name = await pick_customer(app, pilot)
        assert app.focused is screen.query_one("#intake-contact")
        await type_text(pilot, "王工 13800001111")
        await pilot.press("tab", "1")  # severity: urgent
        await pilot.press("tab", "2")  # channel: fax
        await pilot.press("tab", "tab")  # kind: a fault, the default
        await type_text(pilot, TITLE)
        await pilot.press("tab")
        await type_text(pilot, "since 02:00")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await settle(app, pilot)

        assert isinstance(app.screen, MainScreen)
        [hit] = tickets_titled(app, TITLE)
        detail = app.reader.detail(hit.id)
        ticket = detail.row.ticket
        assert detail.row.customer == name
        assert (ticket.severity, ticket.channel, ticket.status) == ("urgent", "fax", "new")
        assert ticket.kind == "fault"
        assert ticket.reported_at == NOW
        assert ticket.description == "since 02:00"
        assert detail.contact is not None and detail.contact.name == "王工 13800001111"
        assert ticket.created_by == "lina"
        assert hit.id in app.screen.query_one(QueueTable).ids, "the queue shows it"


async def test_defaults_are_medium_by_phone(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_intake(app, pilot)
        assert screen.query_one("#intake-severity", ChoiceStrip).value == "medium"
        assert screen.query_one("#intake-channel", ChoiceStrip).value == "phone"
        assert screen.query_one("#intake-kind", ChoiceStrip).value == "fault"
        await pick_customer(app, pilot)
        screen.query_one("#intake-title").focus()
        await type_text(pilot, TITLE)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [hit] = tickets_titled(app, TITLE)
        assert (hit.severity, app.reader.detail(hit.id).row.ticket.channel) == ("medium", "phone")


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_a_migration_work_order(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_intake(app, pilot)
        await pick_customer(app, pilot)
        kind = screen.query_one("#intake-kind", ChoiceStrip)
        kind.focus()
        await pilot.press("2")
        assert kind.value == "migration"
        await pilot.press("tab")
        assert app.focused is screen.query_one("#intake-title")
        await type_text(pilot, "迁移 HIS 历史数据到新库")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen), screen.error_text
        [hit] = tickets_titled(app, "迁移 HIS 历史数据到新库")
        assert app.reader.detail(hit.id).row.ticket.kind == "migration"


async def test_empty_title_shows_an_error_and_keeps_what_was_typed(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_intake(app, pilot)
        name = await pick_customer(app, pilot)
        screen.query_one("#intake-description").focus()
        await type_text(pilot, "机房断电")
        before = app.reader.counts()
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        assert app.screen is screen, "the form stays open"
        assert screen.error_text == app.texts("intake.no_title")
        assert screen.query_one("#intake-error").display
        assert app.focused is screen.query_one("#intake-title")
        assert screen.query_one("#intake-customer").value == name
        assert screen.query_one("#intake-description").text == "机房断电"
        assert app.reader.counts() == before, "nothing created"


async def test_a_refusal_by_the_service_is_shown_in_the_form(make_app):
    """An ambiguous customer, typed but not picked: the service says which ones match."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_intake(app, pilot)
        await type_text(pilot, "集团")
        await settle(app, pilot)
        assert screen.query_one("#customer-picks").option_count > 1
        await pilot.press("escape")  # the first esc closes the list of matches
        assert isinstance(app.screen, NewTicketScreen)
        screen.query_one("#intake-title").focus()
        await type_text(pilot, TITLE)
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        assert app.screen is screen
        assert "ambiguous" in screen.error_text
        assert screen.query_one("#intake-title").value == TITLE
        assert tickets_titled(app, TITLE) == []
        # pick one after all: the same ctrl+s now goes through
        screen.query_one("#intake-customer").focus()
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert len(tickets_titled(app, TITLE)) == 1


async def test_reported_15_minutes_ago(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_intake(app, pilot)
        await pick_customer(app, pilot)
        screen.query_one("#intake-title").focus()
        await type_text(pilot, TITLE)
        screen.query_one("#intake-reported").focus()
        await type_text(pilot, "-15m")
        await pilot.pause()
        assert "09:45" in str(screen.query_one("#intake-when").content)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [hit] = tickets_titled(app, TITLE)
        assert app.reader.detail(hit.id).row.ticket.reported_at == NOW - timedelta(minutes=15)


@pytest.mark.parametrize("typed", ["23:59", "2026-11-21T08:00+08:00", "2026-11-20 10:01"])
async def test_a_future_time_is_refused(make_app, typed):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_intake(app, pilot)
        await pick_customer(app, pilot)
        screen.query_one("#intake-title").focus()
        await type_text(pilot, TITLE)
        screen.query_one("#intake-reported").focus()
        await type_text(pilot, typed)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.error_text.startswith("Reported at 2026-11-2")
        assert "future" in screen.error_text
        assert screen.query_one("#intake-reported").value == typed
        assert tickets_titled(app, TITLE) == []


async def test_esc_cancels_and_creates_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_intake(app, pilot)
        await pick_customer(app, pilot)
        screen.query_one("#intake-title").focus()
        await type_text(pilot, TITLE)
        before = app.reader.counts()
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert tickets_titled(app, TITLE) == []
        assert app.reader.counts() == before


async def test_known_contacts_are_offered_once_the_customer_is_picked(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_intake(app, pilot)
        name = await pick_customer(app, pilot)
        customer_id = app.reader.customer_hits(name, 1)[0].id
        known = app.reader.contacts(customer_id)
        assert known, "the demo gives every customer contacts"
        picks = screen.query_one("#contact-picks")
        assert picks.has_class("-shown") and picks.option_count == len(known)
        assert picks.highlighted is None, "an empty contact is not filled in by itself"
        await pilot.press("down", "down", "enter")  # the second one
        await settle(app, pilot)
        assert screen.query_one("#intake-contact").value == known[1].name
        assert not picks.has_class("-shown")
        screen.query_one("#intake-title").focus()
        await type_text(pilot, TITLE)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [hit] = tickets_titled(app, TITLE)
        assert app.reader.detail(hit.id).contact.id == known[1].id, "no duplicate contact"


async def test_tab_never_takes_a_match_for_older_text(make_app):
    """Typed on faster than the search: tab keeps what is typed, never a stale match."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_intake(app, pilot)
        await type_text(pilot, "集团")
        await settle(app, pilot)
        customer = screen.query_one("#intake-customer")
        with customer.prevent(customer.Changed):  # the newer search has not come back yet
            customer.insert_text_at_cursor("zz")
        await pilot.press("tab")
        assert customer.value == "集团zz"


async def test_tab_past_an_empty_contact_leaves_it_empty(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_intake(app, pilot)
        await pick_customer(app, pilot)
        assert screen.query_one("#contact-picks").has_class("-shown")
        await pilot.press("tab")
        assert app.focused is screen.query_one("#intake-severity")
        assert screen.query_one("#intake-contact").value == ""
        assert not screen.query_one("#contact-picks").has_class("-shown")


async def test_a_callers_phone_finds_the_customer_and_the_contact(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_intake(app, pilot)
        name = app.reader.customer_hits("", 5)[3].name
        contact = app.reader.contacts(app.reader.customer_hits(name, 1)[0].id)[0]
        await type_text(pilot, contact.phone)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.query_one("#intake-customer").value == name
        assert screen.query_one("#intake-contact").value == contact.name


async def test_keys_on_a_choice_strip_never_reach_the_console(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_intake(app, pilot)
        strip = screen.query_one("#intake-severity", ChoiceStrip)
        strip.focus()
        await pilot.press("q", "2", "x")  # q would quit, 2 would switch to the wall
        assert app.screen is screen and app.is_running
        assert strip.value == "serious"
        await pilot.press("right", "right")
        assert strip.value == "minor"
        await pilot.press("right")
        assert strip.value == "urgent"


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_every_field_is_on_screen(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_intake(app, pilot)
        await pick_customer(app, pilot)  # the contact list is open: the tallest state
        width, height = size
        for selector in (
            "#intake-customer",
            "#intake-contact",
            "#intake-severity",
            "#intake-channel",
            "#intake-kind",
            "#intake-title",
            "#intake-description",
            "#intake-reported",
            "#intake-when",
        ):
            region = screen.query_one(selector).region
            assert region.width > 0 and region.height > 0, selector
            assert region.right <= width and region.bottom <= height, selector
        box = screen.query_one("#intake").region
        assert box.bottom <= height


async def test_in_chinese(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_intake(app, pilot)
        assert screen.query_one("#intake").border_title == "新建工单"
        assert "3 中等" in str(screen.query_one("#intake-severity").render())
        await pilot.press("ctrl+s")
        assert screen.error_text == "客户：输入名称的一部分并选择"
        await pick_customer(app, pilot)
        reported = screen.query_one("#intake-reported")
        reported.focus()
        reported.insert_text_at_cursor("０９：３０")  # what a Chinese input method commits
        await pilot.press("ctrl+s")
        assert screen.error_text == "标题：必填"
        screen.query_one("#intake-title").focus()
        await type_text(pilot, TITLE)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen), screen.error_text
        [hit] = tickets_titled(app, TITLE)
        assert app.reader.detail(hit.id).row.ticket.reported_at == NOW.replace(hour=9, minute=30)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", None),
        ("  ", None),
        ("-15m", NOW - timedelta(minutes=15)),
        ("-15", NOW - timedelta(minutes=15)),
        ("-2h", NOW - timedelta(hours=2)),
        ("-1h30m", NOW - timedelta(minutes=90)),
        ("09:30", NOW.replace(hour=9, minute=30)),
        ("7:05", NOW.replace(hour=7, minute=5)),
        ("０２：４０", NOW.replace(hour=2, minute=40)),
        ("11-19 23:50", NOW.replace(day=19, hour=23, minute=50)),
        ("2026-11-20T01:00Z", NOW.replace(hour=9)),
        ("2026-11-19 18:00", NOW.replace(day=19, hour=18)),
        ("10:00", NOW),
    ],
)
def test_parse_reported_at(typed, expected):
    assert parse_reported_at(typed, NOW, ZONE) == expected


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("10:01", "future"),
        ("-m", "format"),
        ("2026-12-01", "future"),
        ("yesterday", "format"),
        ("25:00", "format"),
        ("02-30 10:00", "format"),
    ],
)
def test_parse_reported_at_refuses(typed, kind):
    with pytest.raises(BadTime) as refused:
        parse_reported_at(typed, NOW, ZONE)
    assert refused.value.kind == kind
