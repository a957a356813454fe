"""Fixtures for integration tests: real SQLite files, the real `helpdesk` command line.

- `fresh_db` is a file with `helpdesk init` done; `demo_db` has `helpdesk demo --tickets 50
  --seed 3 --now 2026-11-20T10:00:00+08:00` done. Each is built once per session by a real
  `helpdesk` process and copied into every test's tmp_path, so tests never share a file.
- `env` is the environment a `helpdesk` process sees (HELPDESK_DB points at the test's copy).
- `run_cli(*args)` runs `python -m helpdesk_tui ARGS` as a real process on a real file;
  `cli(*args)` calls `helpdesk_tui.cli.main` in this process (about 1 s faster per call),
  with the same environment, and captures what it prints.
- `table_digest(path)` is a digest of every row of every table, read with sqlite3 directly,
  for asserting that a refused command wrote nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from helpdesk_tui.services.desk import Desk

PROJECT = Path(__file__).resolve().parents[2]
DEMO_NOW = "2026-11-20T10:00:00+08:00"
DEMO_ARGS = ("demo", "--tickets", "50", "--seed", "3", "--now", DEMO_NOW)
USER = "lina"
ZONE = "Asia/Shanghai"
CLI_TIMEOUT = 120


@dataclass(frozen=True)
class Result:
    """What a `helpdesk` run left behind; unpacks as (code, stdout, stderr)."""

    code: int
    stdout: str
    stderr: str

    def __iter__(self) -> Iterator[object]:
        return iter((self.code, self.stdout, self.stderr))


def make_env(db: Path, tmp: Path) -> dict[str, str]:
    """The variables a `helpdesk` process sees. HELPDESK_CONFIG names a file that does not
    exist, so the developer's own config.toml never leaks into a test."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("HELPDESK_") and key not in ("LANG", "LC_ALL", "LC_MESSAGES")
    }
    env.update(
        HELPDESK_DB=str(db),
        HELPDESK_USER=USER,
        HELPDESK_TZ=ZONE,
        HELPDESK_CONFIG=str(tmp / "none.toml"),
        LANG="C.UTF-8",
        PYTHONIOENCODING="utf-8",
    )
    return env


def run_process(env: dict[str, str], *args: str, cwd: Path | None = None) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "helpdesk_tui", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=CLI_TIMEOUT,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def copy_db(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite file through the backup API (the WAL included, even
    while another connection still has the source open)."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
    return target


def _build(factory: pytest.TempPathFactory, name: str, *steps: tuple[str, ...]) -> Path:
    folder = factory.mktemp(name)
    db = folder / "helpdesk.db"
    env = make_env(db, folder)
    for step in steps:
        result = run_process(env, *step, cwd=folder)
        assert result.code == 0, f"helpdesk {' '.join(step)} failed: {result.stderr}"
    assert db.is_file()
    return db


@pytest.fixture(scope="session")
def fresh_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory, "fresh-template", ("init",))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory, "demo-template", DEMO_ARGS)


@pytest.fixture
def fresh_db(fresh_template: Path, tmp_path: Path) -> Path:
    """A SQLite file of this test's own, with `helpdesk init` done."""
    return copy_db(fresh_template, tmp_path / "helpdesk.db")


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A SQLite file of this test's own with the seed-3 demo data (50 tickets, 40 customers)."""
    return copy_db(demo_template, tmp_path / "helpdesk.db")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where `env` points HELPDESK_DB: request `fresh_db` or `demo_db` to put a file there."""
    return tmp_path / "helpdesk.db"


@pytest.fixture
def env(db_path: Path, tmp_path: Path) -> dict[str, str]:
    return make_env(db_path, tmp_path)


@pytest.fixture
def run_cli(env: dict[str, str], tmp_path: Path) -> Callable[..., Result]:
    """Run `helpdesk ARGS` as a real process: returns (code, stdout, stderr)."""

    def run(*args: str) -> Result:
        return run_process(env, *args, cwd=tmp_path)

    return run


def _apply_env(patch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for key in [k for k in os.environ if k.startswith("HELPDESK_")]:
        patch.delenv(key)
    for key, value in env.items():
        if key.startswith("HELPDESK_"):
            patch.setenv(key, value)


@pytest.fixture
def cli(
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Callable[..., Result]:
    """`helpdesk ARGS` in this process through `helpdesk_tui.cli.main`, with `env` applied."""
    from helpdesk_tui.cli import main

    _apply_env(monkeypatch, env)

    def run(*args: str) -> Result:
        capsys.readouterr()  # start clean
        code = main(list(args))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


@pytest.fixture
def digest() -> Callable[[Path], str]:
    """`digest(path)`: see `table_digest`."""
    return table_digest


def table_digest(path: Path) -> str:
    """A digest of every row of every table (sqlite_sequence included), in a fixed order."""
    digest = hashlib.sha256()
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        for table in tables:
            columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
            order = ", ".join(f'"{column}"' for column in columns)
            digest.update(f"{table}({order})\n".encode())
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):
                digest.update(repr(row).encode())
                digest.update(b"\n")
    finally:
        connection.close()
    return digest.hexdigest()


# --- a demo database with tickets of known states ------------------------------------

REPORTED = "2026-11-02T09:00:00+08:00"


@dataclass(frozen=True)
class Scenario:
    """The demo database plus tickets of our own in known states (all reported at REPORTED)."""

    db: Path
    customer: str  # a customer's exact name
    ambiguous: str  # a part of the name of several customers
    new: str  # status new, version 1
    responded: str  # responded (after REPORTED, so REPORTED + 1h is before its last event)
    resolved: str  # resolved, awaiting acceptance
    waiting: str  # waiting for the customer

    def fill(self, args: tuple[str, ...]) -> tuple[str, ...]:
        names = {
            "customer": self.customer,
            "ambiguous": self.ambiguous,
            "new": self.new,
            "responded": self.responded,
            "resolved": self.resolved,
            "waiting": self.waiting,
        }
        return tuple(arg.format(**names) if "{" in arg else arg for arg in args)


def _customers(db: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(db)) as connection:
        return [name for (name,) in connection.execute("SELECT name FROM customers ORDER BY id")]


def _ambiguous_part(names: list[str]) -> str:
    """A two-character start shared by several customers and equal to none of them."""
    for name in names:
        part = name[:2]
        if part not in names and sum(other.startswith(part) for other in names) >= 2:
            return part
    raise AssertionError(f"no shared name part among {names}")


def _main_json(env: dict[str, str], *args: str) -> dict:
    from helpdesk_tui.cli import main

    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
        _apply_env(patch, env)
        code = main([*args, "--json"])
    assert code == 0, f"helpdesk {' '.join(args)} failed"
    return json.loads(out.getvalue())


@pytest.fixture(scope="session")
def scenario_template(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    folder = tmp_path_factory.mktemp("scenario-template")
    db = copy_db(demo_template, folder / "helpdesk.db")
    env = make_env(db, folder)
    names = _customers(db)
    customer = names[0]

    def new_ticket(title: str) -> str:
        created = _main_json(
            env, "ticket", "new", "--customer", customer, "--title", title,
            "--severity", "medium", "--channel", "phone", "--reported-at", REPORTED,
        )  # fmt: skip
        return created["key"]

    new = new_ticket("新建的工单")
    responded = new_ticket("已响应的工单")
    _main_json(env, "ticket", "respond", responded)
    resolved = new_ticket("已解决的工单")
    _main_json(env, "ticket", "respond", resolved)
    _main_json(env, "ticket", "resolve", resolved, "--summary", "重启服务后恢复")
    waiting = new_ticket("等待客户的工单")
    _main_json(env, "ticket", "wait", waiting, "--note", "等客户提供日志")
    return Scenario(
        db=db,
        customer=customer,
        ambiguous=_ambiguous_part(names),
        new=new,
        responded=responded,
        resolved=resolved,
        waiting=waiting,
    )


@pytest.fixture
def scenario(scenario_template: Scenario, db_path: Path) -> Scenario:
    """This test's own copy of the scenario, at the path `env`, `cli` and `run_cli` use."""
    return dataclasses.replace(scenario_template, db=copy_db(scenario_template.db, db_path))


# --- a small desk of a test's own: one customer and its account manager ----------------

DESK_CUSTOMER = "杭州人民医院"


@pytest.fixture
def account_desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: Any) -> Desk:
    """A desk as lina (李娜) on a fresh SQLite file of this test's own, with one customer,
    杭州人民医院, whose account manager she is. The test module's `clock` fixture (a
    time-machine traveller) says when it is."""
    from sqlalchemy import select

    from helpdesk_tui.config import load_settings
    from helpdesk_tui.services.desk import open_desk
    from helpdesk_tui.services.directory import add_customer, add_engineer
    from helpdesk_tui.store import schema
    from helpdesk_tui.store.models import Customer

    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    desk = open_desk(load_settings(db=str(tmp_path / "desk.db"), user=USER, tz=ZONE))
    schema.upgrade(desk.store.engine)
    add_customer(desk, DESK_CUSTOMER)
    add_engineer(desk, USER, "李娜")
    with desk.store.write() as session:
        session.scalars(select(Customer)).one().account_manager = USER
    return desk


# A real PostgreSQL on 127.0.0.1 for the tests that ask for it.
from tests.integration.monitoring_servers import (  # noqa: E402, F401
    fake_server,
    monitoring_folder,
    node_exporter,
    prometheus,
    spare_exporter,
)
from tests.integration.postgres_server import postgres_server, postgres_url  # noqa: E402, F401
