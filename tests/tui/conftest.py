"""Console tests: a demo database made once per session, copied for each test, and an app
whose clock stands still at NOW so countdowns (and snapshots) are reproducible."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from helpdesk_tui.config import load_settings
from helpdesk_tui.services import demo
from helpdesk_tui.services.desk import Desk, open_desk
from helpdesk_tui.store import schema
from helpdesk_tui.tui.app import HelpdeskApp

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZONE)
DEMO_TICKETS = 300


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    for name in ("HELPDESK_DB", "HELPDESK_USER", "HELPDESK_LANG", "HELPDESK_TZ"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tui-template") / "demo.db"
    desk = _desk(path, "lina")
    schema.upgrade(desk.store.engine)
    demo.generate(desk, DEMO_TICKETS, seed=11, now=NOW)
    desk.store.dispose()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


def _desk(path: Path, user: str) -> Desk:
    settings = load_settings(db=str(path), user=user, tz="Asia/Shanghai")
    return open_desk(settings, clock=lambda: NOW)


@pytest.fixture
def desk_for(demo_db: Path) -> Callable[[str], Desk]:
    """Another desk (another user, another process's view) on the same database."""
    return lambda user: _desk(demo_db, user)


@pytest.fixture
def make_app(demo_db: Path) -> Callable[..., HelpdeskApp]:
    def make(lang: str = "en", user: str = "lina", **options) -> HelpdeskApp:
        return HelpdeskApp(_desk(demo_db, user), lang, **options)

    return make
