"""Regenerate the SVGs in this folder: every screen of the console at 120x36.

    make screenshots        (or: .venv/bin/python screenshots/generate.py)
    .venv/bin/python screenshots/generate.py --check    (part of make test)

A demo database is made in a temporary folder with a fixed seed and a fixed clock, so
the pictures change only when the console does. `--check` draws them into a temporary
folder instead and fails, naming the stale ones, if any differs from what is here: a
change to the console that alters a screen must come with its new picture. Each run is a
new process with its own string hash seed, so nothing drawn may depend on set or hash
order (plotext once printed one of two tick labels sharing a row that way), and screens
with charts are shot once their layout has settled.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from helpdesk_tui.config import load_settings  # noqa: E402
from helpdesk_tui.services import demo  # noqa: E402
from helpdesk_tui.services.desk import open_desk  # noqa: E402
from helpdesk_tui.store import schema  # noqa: E402
from helpdesk_tui.tui.app import HelpdeskApp  # noqa: E402
from tests.tui.alert_data import raise_alerts  # noqa: E402
from tests.tui.maintenance_data import add_maintenance  # noqa: E402
from tests.tui.settle import (  # noqa: E402
    alerts_loaded,
    health_loaded,
    maintenance_loaded,
    queue_loaded,
    training_loaded,
    until,
)

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SIZE = (120, 36)


async def press(pilot, *keys: str) -> None:
    await queue_loaded(pilot)
    await pilot.press(*keys)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wall_loaded(pilot) -> None:
    from textual.widgets import Digits

    await until(pilot, lambda: any(d.value != "0" for d in pilot.app.screen.query(Digits)))


async def health_detail(pilot) -> None:
    await health_loaded(pilot)
    await pilot.press("l", "enter")  # the second server: one with a warning and its history
    await until(pilot, lambda: getattr(pilot.app.screen, "loaded", False))


async def training_then(pilot, *keys: str) -> None:
    await training_loaded(pilot)
    for key in keys:
        await pilot.press(key)
    await pilot.pause()


async def screen_ready(pilot, key: str, ready: Callable[[Any], bool], *then: str) -> None:
    """Switch to a screen with its key, wait until `ready(screen)`, then press `then`."""
    await queue_loaded(pilot)
    await pilot.press(key)
    await until(pilot, lambda: ready(pilot.app.screen))
    for extra in then:
        await pilot.press(extra)
        await until(pilot, lambda: ready(pilot.app.screen))
    # Charts draw for the size they are laid out at: let the layout that follows the
    # data (and a tab shown) settle, and the charts repaint at their final size.
    for _ in range(3):
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()


def contracts_ready(screen) -> bool:
    return bool(getattr(screen, "loaded", False) and getattr(screen, "owed_loaded", False)
                and getattr(screen, "overview", None) is not None)  # fmt: skip


def loaded(screen) -> bool:
    return bool(getattr(screen, "loaded", False))


SHOTS: dict[str, tuple[str, dict, Callable[..., Awaitable[None]]]] = {
    "queue-zh": ("zh", {}, queue_loaded),
    "queue-en": ("en", {}, queue_loaded),
    "workspace": ("zh", {}, lambda pilot: press(pilot, "enter")),
    "new-ticket": ("zh", {}, lambda pilot: press(pilot, "n")),
    "filter": ("zh", {}, lambda pilot: press(pilot, "/", *"sev:urgent,serious breached")),
    "help": ("zh", {}, lambda pilot: press(pilot, "question_mark")),
    "log-work": ("zh", {}, lambda pilot: press(pilot, "c", *"远程检查日志，定位到连接池耗尽")),
    "wall": ("zh", {"wall": True, "read_only": True}, wall_loaded),
    "alerts": ("zh", {}, alerts_loaded),
    "training": ("zh", {}, training_loaded),
    "training-week": ("en", {}, lambda pilot: training_then(pilot, "v")),
    "health": ("zh", {}, health_loaded),
    "health-en": ("en", {}, health_loaded),
    "health-detail": ("zh", {}, health_detail),
    "maintenance-backups": ("zh", {}, maintenance_loaded),
    "maintenance-cloud": ("zh", {}, lambda pilot: maintenance_loaded(pilot, "cloud")),
    "maintenance-recovery": ("zh", {}, lambda pilot: maintenance_loaded(pilot, "recovery")),
    "maintenance-patches": ("zh", {}, lambda pilot: maintenance_loaded(pilot, "patches")),
    "contracts": ("zh", {}, lambda pilot: screen_ready(pilot, "7", contracts_ready)),
    "contracts-en": ("en", {}, lambda pilot: screen_ready(pilot, "7", contracts_ready)),
    "visits": ("zh", {}, lambda pilot: screen_ready(pilot, "8", loaded)),
    "visits-complaints": ("zh", {}, lambda pilot: screen_ready(pilot, "8", loaded, "tab")),
    "reports": ("zh", {}, lambda pilot: screen_ready(pilot, "9", loaded)),
    "reports-en": ("en", {}, lambda pilot: screen_ready(pilot, "9", loaded, "b")),
    "reports-quality": ("zh", {}, lambda pilot: screen_ready(pilot, "9", loaded, "t")),
}


async def shoot(db: Path, name: str, folder: Path) -> None:
    lang, options, ready = SHOTS[name]
    desk = open_desk(load_settings(db=str(db), user="lina", tz="Asia/Shanghai"), clock=lambda: NOW)
    app = HelpdeskApp(desk, lang, **options)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(folder))
    desk.store.dispose()


def main(argv: list[str]) -> int:
    check = argv == ["--check"]
    os.environ["HELPDESK_CONFIG"] = os.devnull
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) if check else HERE
        db = Path(folder) / "demo.db"
        settings = load_settings(db=str(db), user="demo", tz="Asia/Shanghai")
        desk = open_desk(settings, clock=lambda: NOW)
        schema.upgrade(desk.store.engine)
        demo.generate(desk, 2_000, seed=11, now=NOW)
        raise_alerts(desk)  # a few tickets past their alert thresholds, and a duty roster
        add_maintenance(desk)  # backup plans and cloud renewals at every warning step
        desk.store.dispose()
        for name in SHOTS:
            asyncio.run(shoot(db, name, target))
            if not check:
                print(f"screenshots/{name}.svg")
        if check:
            return _compare(target)
    return 0


def _compare(drawn: Path) -> int:
    stale = [
        name for name in SHOTS
        if not (HERE / f"{name}.svg").is_file()
        or (drawn / f"{name}.svg").read_bytes() != (HERE / f"{name}.svg").read_bytes()
    ]  # fmt: skip
    if stale:
        print(f"stale screenshots ({', '.join(stale)}): run `make screenshots`", file=sys.stderr)
        return 1
    print(f"screenshots: all {len(SHOTS)} current")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
