"""The wall names the servers that are down and counts the rest, from the demo's
stored health, and says so literally whatever the servers are called."""

import re

from rich.text import Text

from helpdesk_tui.i18n import Texts
from helpdesk_tui.tui.wall_health import NAMED_DOWN, wall_health_line
from tests.tui.health_data import HOSTILE_NAME, card
from tests.tui.settle import until


async def test_the_wall_names_the_demo_server_that_is_down(make_app):
    app = make_app("zh", wall=True, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:

        def health() -> str:
            return str(app.screen.query_one("#wall-health").render())

        await until(pilot, lambda: "不可达" in health())
        line = health()
        assert re.search(r"不可达\s+1\s+ecs-app-01\s", line) and re.search(r"正常 \d+", line)


def test_down_servers_are_named_up_to_a_limit_and_hostile_names_stay_text():
    down = [card(i, f"srv-{i}", status="down") for i in range(NAMED_DOWN + 2)]
    down[0] = card(0, HOSTILE_NAME, status="down")
    line = wall_health_line(Texts("en"), [*down, card(99, "fine")])
    assert isinstance(line, Text) and "\x1b" not in line.plain
    assert "[red]x[/red]" in line.plain and f"srv-{NAMED_DOWN + 1}" not in line.plain
    assert line.plain.rstrip().endswith("OK 1") and "…" in line.plain


def test_no_servers_says_so():
    assert "尚未监控" in wall_health_line(Texts("zh"), []).plain
