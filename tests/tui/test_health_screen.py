"""Server health (key 5): cards worst first, moving, filtering, the detail, text from
outside shown literally, the grid that reflows, and the main screen's pane."""

import random
from dataclasses import replace

import pytest
from rich.cells import cell_len

from helpdesk_tui.domain.health import ServiceState
from helpdesk_tui.i18n import Texts
from helpdesk_tui.services.cloud import servers
from helpdesk_tui.tui.health_text import disk_line, rate
from helpdesk_tui.tui.screens.health import HealthScreen
from helpdesk_tui.tui.screens.server_detail import ServerDetailScreen, ticket_id_of
from helpdesk_tui.tui.screens.workspace import WorkspaceScreen
from helpdesk_tui.tui.widgets.card_grid import CardGrid
from helpdesk_tui.tui.widgets.health_pane import HealthPane
from tests.tui.health_data import HOSTILE_NAME, big_board, card, sample_board
from tests.tui.settle import queue_loaded, until


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def open_health(pilot, cards, services=()) -> HealthScreen:
    """The health screen over `cards` (in the order given: the screen sorts)."""
    await queue_loaded(pilot)
    screen = HealthScreen(lambda desk: list(cards), lambda desk, server_id: services)
    pilot.app.push_screen(screen)
    await until(pilot, lambda: screen.loaded and screen.query_one(CardGrid).now is not None)
    await pilot.pause()
    return screen


async def test_cards_come_worst_first_whatever_the_order_read(make_app):
    shuffled = sample_board()
    random.Random(3).shuffle(shuffled)
    app = make_app("zh")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_health(pilot, shuffled)
        grid = screen.query_one(CardGrid)
        assert [c.status for c in grid.cards][:5] == [
            "down",
            "critical",
            "warning",
            "unknown",
            "ok",
        ]
        assert grid.visible_cards()[0].name == "db-primary" == grid.current.name
        text = "\n".join(screen_lines(app))
        assert "不可达" in text and "node_exporter 10.0.3.11:9100" in text
        assert "系统扩容" in text and "3 天后满" in text  # the flagged disk of his-app-01
        assert "安全 5" in text and "T-000288" in text


async def test_the_grid_reflows_with_the_width(make_app):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_health(pilot, sample_board())
        grid = screen.query_one(CardGrid)
        assert grid.columns == 1
        await pilot.resize_terminal(120, 36)
        await until(pilot, lambda: grid.columns == 2)
        await pilot.resize_terminal(200, 50)
        await until(pilot, lambda: grid.columns == 3)
        assert grid.rows == 4 and len(grid.visible_cards()) == 6  # all there are


async def test_keys_move_between_cards_and_scroll(make_app):
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_health(pilot, big_board(20))
        grid = screen.query_one(CardGrid)
        assert (grid.columns, grid.rows) == (2, 3)
        await pilot.press("j")  # a row down: the card below
        assert grid.cursor == 2
        await pilot.press("l", "l")
        assert grid.cursor == 4
        await pilot.press("k", "h")
        assert grid.cursor == 1
        await pilot.press("G")
        assert grid.cursor == 19 and grid.shown == (14, 20)
        assert grid.visible_cards()[-1].name == "srv-020" == grid.current.name
        await pilot.press("g")
        assert grid.cursor == 0 and grid.top == 0
        await pilot.press("pagedown")
        assert grid.cursor == 6 and grid.top == 2
        assert "3–8 of 20" in screen_lines(app)[0]


async def test_only_a_screenful_of_cards_is_ever_drawn(make_app):
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_health(pilot, big_board(200))
        grid = screen.query_one(CardGrid)
        assert len(grid.cards) == 200 and grid.columns * grid.rows == 6
        for key in ("j", "j", "l", "pagedown", "G", "k"):
            await pilot.press(key)
            assert grid.cards_drawn <= 6
        assert grid.visible_cards()[-1].name == "srv-200"


async def test_f_keeps_the_servers_with_a_problem_and_esc_clears(make_app):
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_health(pilot, sample_board())
        grid = screen.query_one(CardGrid)
        await pilot.press("f")
        names = [c.name for c in grid.cards]
        # erp-app is fine but its data is 17 minutes old: that is a problem too
        assert names == ["db-primary", "his-app-01", "web-01", "backup-nas", "erp-app"]
        assert "only problems" in screen_lines(app)[0]
        await pilot.press("escape")
        assert len(grid.cards) == 6
        await pilot.press("escape")  # nothing left to clear: back to the queue
        assert app.current_mode == "queue"


async def test_slash_filters_by_customer_server_or_role(make_app):
    app = make_app("zh")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_health(pilot, sample_board())
        await pilot.press("slash", *"湖南", "enter")
        await until(pilot, lambda: len(screen.query_one(CardGrid).cards) == 2)
        await pilot.press("slash", "ctrl+u", *"nobody-has-this", "enter")
        await pilot.pause()
        assert screen.query_one("#health-empty").display
        assert "没有符合筛选条件的服务器" in "\n".join(screen_lines(app))


async def test_enter_opens_the_detail_and_a_ticket_from_it(make_app):
    services = (ServiceState("nginx.service", "active"), ServiceState("his.service", "failed"))
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_health(pilot, sample_board(), services)
        await pilot.press("l", "enter")  # his-app-01
        await until(pilot, lambda: getattr(app.screen, "loaded", False))
        detail = app.screen
        assert isinstance(detail, ServerDetailScreen) and detail.card.name == "his-app-01"
        text = "\n".join(screen_lines(app))
        for expected in ("/boot", "/var/log", "his.service", "failed", "CPU 97% ≥ 95%"):
            assert expected in text
        detail.query_one("#server-tickets").focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, WorkspaceScreen) and app.screen.loaded)
        assert app.screen.ticket_id == 288
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, HealthScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_names_from_outside_are_shown_literally(make_app, size):
    hostile = card(7, HOSTILE_NAME, customer="[b]客户[/b]", role="\x1b]0;evil\x07",
                   findings=("[blink]disk[/blink] \x1b[31m",), status="warning",
                   disks=(replace(card(0, "").disks[0], mount="/[i]m\x1b"),))  # fmt: skip
    app = make_app("zh")
    async with app.run_test(size=size) as pilot:
        screen = await open_health(pilot, [hostile])
        lines = screen_lines(app)
        text = "\n".join(lines)
        assert "[red]x[/red]\\x1b[2J" in text
        assert "[b]客户[/b]" in text and "\\x1b]0;evil\\x07" in text
        assert "[blink]disk[/blink]" in text and "/[i]m\\x1b" in text
        assert "\x1b" not in text and "\x07" not in text
        assert all(cell_len(line) <= size[0] for line in lines)
        assert "\x1b" not in app.export_screenshot()
        assert screen.query_one(CardGrid).cards[0].name == HOSTILE_NAME


async def test_the_demo_servers_show_on_key_5(make_app):
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        await pilot.press("5")
        await until(pilot, lambda: isinstance(app.screen, HealthScreen) and app.screen.loaded)
        cards = app.screen.query_one(CardGrid).cards
        with app.desk.store.read() as session:
            assert len(cards) == sum(server.active for server, _ in servers(session)) > 0
        await pilot.press("escape")
        assert app.current_mode == "queue"


async def test_the_main_screen_pane_lists_problems_first(make_app, monkeypatch):
    import helpdesk_tui.tui.screens.main as main_screen

    board = sample_board() + [card(20 + n, f"ok-{n}") for n in range(4)]
    monkeypatch.setattr(main_screen, "read_board", lambda desk: board)
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        await until(pilot, lambda: app.screen.query_one(HealthPane).cards is not None)
        pane = app.screen.query_one(HealthPane)
        lines = [line.rstrip() for line in pane.content.plain.splitlines()]
        assert lines[0].startswith(" DOWN") and "db-primary" in lines[0]
        assert "CRIT" in lines[1] and "his-app-01" in lines[1]
        assert "stale" in lines[4]  # erp-app: fine, but 17 minutes old
        assert lines[-1] == "5 servers ok"


def test_rates_and_disks_read_as_people_write_them():
    assert [rate(v) for v in (None, 0, 999, 12_345, 12_300_000, 456_000_000, 2.5e9)] == [
        "—", "0 B/s", "999 B/s", "12.3 KB/s", "12.3 MB/s", "456 MB/s", "2.5 GB/s",
    ]  # fmt: skip
    t = Texts("zh")
    flagged = disk_line(t, card(0, "").disks[0].__class__("/data", 91.0, 4.6, True))
    assert "91%" in flagged.plain and "4 天后满" in flagged.plain and "系统扩容" in flagged.plain
    assert ticket_id_of("T-000123") == 123 and ticket_id_of("x") is None


async def test_the_console_scheduler_collects_health_when_given_settings(make_app, demo_db):
    from helpdesk_tui.config import load_settings

    settings = load_settings(db=str(demo_db), user="lina", tz="Asia/Shanghai", health_every=60)
    quiet = {"terminal": "off", "bell": False, "desktop": "off"}
    app = make_app(notifiers=quiet, run_alerts=True, settings=settings)
    app.bell = lambda: None
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        await until(pilot, lambda: app._alerts is not None and app._alerts.scheduler is not None)
        assert app._alerts.scheduler.get_job("health-collection") is not None


async def test_a_bad_monitoring_policy_is_said_and_the_alerts_still_run(
    make_app, demo_db, tmp_path
):
    from helpdesk_tui.config import load_settings

    policy = tmp_path / "monitoring.toml"
    policy.write_text("sustain_rounds = 0\n", encoding="utf-8")
    settings = load_settings(db=str(demo_db), user="lina", tz="Asia/Shanghai",
                             monitoring_policy=str(policy))  # fmt: skip
    quiet = {"terminal": "off", "bell": False, "desktop": "off"}
    app = make_app(notifiers=quiet, run_alerts=True, settings=settings)
    app.bell = lambda: None
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        await until(pilot, lambda: app._alerts is not None and app._alerts.scheduler is not None)
        await until(pilot, lambda: any("sustain_rounds" in n.message for n in app._notifications))
        assert app._alerts.scheduler.get_job("health-collection") is None
        assert app.is_running


async def test_the_palette_offers_health_and_maintenance(make_app):
    from helpdesk_tui.tui.commands import screen_commands

    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        await queue_loaded(pilot)
        keys = [command.key for command in screen_commands(app, app.screen)]
        assert "health" in keys and "maintenance" in keys
        await pilot.press("5")
        await until(pilot, lambda: isinstance(app.screen, HealthScreen))
        keys = [command.key for command in screen_commands(app, app.screen)]
        assert "health_problems" in keys and "health" not in keys
