"""How each screen looks, at 80x24 and 120x36, in Chinese and English.

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the SVGs before committing them."""

import pytest

from tests.tui.alert_data import raise_alerts
from tests.tui.maintenance_data import add_maintenance
from tests.tui.settle import (
    alerts_loaded,
    health_loaded,
    maintenance_loaded,
    queue_loaded,
    training_loaded,
    until,
)

SIZES = [(80, 24), (120, 36)]
LANGS = ["zh", "en"]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_queue(snap_compare, make_app, lang, size):
    assert snap_compare(make_app(lang), terminal_size=size, run_before=queue_loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_filter(snap_compare, make_app, lang, size):
    async def open_filter(pilot):
        await queue_loaded(pilot)
        await pilot.press("/")
        await pilot.press(*"sev:urgent")

    assert snap_compare(make_app(lang), terminal_size=size, run_before=open_filter)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_help(snap_compare, make_app, lang, size):
    async def open_help(pilot):
        await queue_loaded(pilot)
        await pilot.press("question_mark")

    assert snap_compare(make_app(lang), terminal_size=size, run_before=open_help)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_wall(snap_compare, make_app, lang, size):
    async def loaded(pilot):
        from textual.widgets import Digits

        await until(pilot, lambda: any(d.value != "0" for d in pilot.app.screen.query(Digits)))

    app = make_app(lang, wall=True, read_only=True)
    assert snap_compare(app, terminal_size=size, run_before=loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_workspace(snap_compare, make_app, lang, size):
    async def open_workspace(pilot):
        from helpdesk_tui.tui.screens.workspace import WorkspaceScreen

        await queue_loaded(pilot)
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, WorkspaceScreen)
                and pilot.app.screen.detail is not None
            ),
        )

    assert snap_compare(make_app(lang), terminal_size=size, run_before=open_workspace)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_new_ticket(snap_compare, make_app, lang, size):
    async def open_intake(pilot):
        await queue_loaded(pilot)
        await pilot.press("n", *"广州")
        await until(pilot, lambda: pilot.app.screen.query("OptionList"))

    assert snap_compare(make_app(lang), terminal_size=size, run_before=open_intake)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_log_work(snap_compare, make_app, lang, size):
    async def open_form(pilot):
        await queue_loaded(pilot)
        await pilot.press("c", *"远程检查日志")

    assert snap_compare(make_app(lang), terminal_size=size, run_before=open_form)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_alerts(snap_compare, make_app, desk_for, lang, size):
    raise_alerts(desk_for("lina"))
    assert snap_compare(make_app(lang), terminal_size=size, run_before=alerts_loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_queue_with_alerts(snap_compare, make_app, desk_for, size):
    raise_alerts(desk_for("lina"))
    assert snap_compare(make_app("zh"), terminal_size=size, run_before=queue_loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_training_month(snap_compare, make_app, lang, size):
    assert snap_compare(make_app(lang), terminal_size=size, run_before=training_loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_training_week(snap_compare, make_app, lang, size):
    async def week(pilot):
        await training_loaded(pilot)
        await pilot.press("v")
        await until(pilot, lambda: pilot.app.screen.loaded)

    assert snap_compare(make_app(lang), terminal_size=size, run_before=week)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_health(snap_compare, make_app, lang, size):
    assert snap_compare(make_app(lang), terminal_size=size, run_before=health_loaded)


def test_health_server_detail(snap_compare, make_app):
    async def open_detail(pilot):
        await health_loaded(pilot)
        await pilot.press("enter")  # the unreachable server comes first
        await until(pilot, lambda: getattr(pilot.app.screen, "loaded", False))

    assert snap_compare(make_app("zh"), terminal_size=(120, 36), run_before=open_detail)


@pytest.mark.parametrize("tab", ["backups", "cloud", "recovery", "patches"])
def test_maintenance(snap_compare, make_app, desk_for, tab):
    add_maintenance(desk_for("lina"))

    async def open_tab(pilot):
        await maintenance_loaded(pilot, tab)

    assert snap_compare(make_app("zh"), terminal_size=(120, 36), run_before=open_tab)


def test_maintenance_narrow(snap_compare, make_app, desk_for):
    add_maintenance(desk_for("lina"))
    assert snap_compare(make_app("en"), terminal_size=(80, 24), run_before=maintenance_loaded)
