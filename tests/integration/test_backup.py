"""`helpdesk backup create|verify|restore` on a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.services import demo
from helpdesk_tui.services.desk import open_desk
from helpdesk_tui.store import backup, schema
from helpdesk_tui.store.schema import known_revisions

NEW_TICKET = ("ticket", "new", "--customer", "1", "--title", "备份之后的工单",
              "--severity", "minor", "--channel", "phone")  # fmt: skip


def tickets_in(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM tickets").fetchone()[0]


@pytest.fixture
def made(demo_db, cli, tmp_path) -> Path:
    code, out, err = cli("backup", "create", "--output", str(tmp_path / "b.db"))
    assert code == 0 and "verified" in out, err
    return tmp_path / "b.db"


def test_backup_verify_reports_every_table(made, demo_db, cli):
    code, out, _ = cli("backup", "verify", str(made), "--json")
    report = json.loads(out)
    assert code == 0 and report["kind"] == "sqlite" and report["revision"] == schema.SCHEMA_HEAD
    assert report["rows"]["tickets"] == tickets_in(demo_db)
    assert report["rows"]["training_sessions"] > 0


def test_restore_brings_back_what_was_backed_up(made, demo_db, cli):
    before = tickets_in(demo_db)
    assert cli(*NEW_TICKET).code == 0
    assert tickets_in(demo_db) == before + 1
    code, out, _ = cli("backup", "restore", str(made), "--yes")
    assert code == 0 and "restored" in out
    assert tickets_in(demo_db) == before


def _truncated(made: Path, tmp_path: Path) -> Path:
    broken = tmp_path / "truncated.db"
    broken.write_bytes(made.read_bytes()[: made.stat().st_size // 3])
    return broken


def _scribbled(made: Path, tmp_path: Path) -> Path:
    data = bytearray(made.read_bytes())
    for offset in range(4096 * 3, len(data), 4096):  # the middle of every page after the header
        data[offset + 100 : offset + 180] = b"\xff" * 80
    broken = tmp_path / "scribbled.db"
    broken.write_bytes(bytes(data))
    return broken


def _foreign(made: Path, tmp_path: Path) -> Path:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    return other


def _from_the_future(made: Path, tmp_path: Path) -> Path:
    newer = tmp_path / "newer.db"
    newer.write_bytes(made.read_bytes())
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    return newer


def _text(made: Path, tmp_path: Path) -> Path:
    text = tmp_path / "notes.txt"
    text.write_text("这不是备份\n", encoding="utf-8")
    return text


@pytest.mark.parametrize(
    ("damage", "mentions"),
    [(_truncated, "damaged"), (_scribbled, "damaged"), (_foreign, "not a helpdesk database"),
     (_from_the_future, "9999"), (_text, "not a helpdesk backup")],
)  # fmt: skip
def test_a_bad_backup_is_refused_and_nothing_changes(made, demo_db, cli, digest, tmp_path,
                                                     damage, mentions):  # fmt: skip
    bad = damage(made, tmp_path)
    before = digest(demo_db)
    for command in (("backup", "verify", str(bad)), ("backup", "restore", str(bad), "--yes")):
        result = cli(*command)
        assert result.code == 2, result
        assert mentions in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert digest(demo_db) == before


def test_restore_without_yes_is_refused(made, demo_db, cli, digest):
    before = digest(demo_db)
    result = cli("backup", "restore", str(made))
    assert result.code == 2 and "--yes" in result.stderr
    assert digest(demo_db) == before


def test_keep_prunes_the_oldest(demo_db, cli, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    for stamp in ("20261101T030000Z", "20261102T030000Z", "20261103T030000Z"):
        (folder / f"helpdesk-{stamp}.db").write_bytes(b"old")
    code, _, _ = cli("backup", "create", "--dir", str(folder), "--keep", "2")
    assert code == 0
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 and names[0] == "helpdesk-20261103T030000Z.db"


def test_postgres_backup_verify_restore(postgres_url, tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    desk = open_desk(load_settings(db=postgres_url, user="lina", tz="Asia/Shanghai"))
    schema.upgrade(desk.store.engine)
    demo.generate(desk, tickets=120, seed=5)
    count = _pg_tickets(desk)
    dump = backup.create(desk.store.engine, tmp_path / "b.dump")
    report = backup.verify(dump, known_revisions())
    assert (report.kind, report.revision) == ("pg_dump", schema.SCHEMA_HEAD)
    with desk.store.write() as session:
        session.connection().exec_driver_sql("DELETE FROM alert_claims")
        session.connection().exec_driver_sql("DELETE FROM alert_timers")
    backup.restore(desk.store.engine, dump, known_revisions())
    assert _pg_tickets(desk) == count
    garbage = tmp_path / "garbage.dump"
    garbage.write_bytes(b"PGDMP" + b"\x00" * 64)
    with pytest.raises(InvalidInput, match="damaged"):
        backup.restore(desk.store.engine, garbage, known_revisions())
    with pytest.raises(InvalidInput, match="sqlite backup; this database is postgresql"):
        sqlite_copy = tmp_path / "s.db"
        with sqlite3.connect(sqlite_copy) as connection:
            connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
            connection.execute(f"INSERT INTO alembic_version VALUES ('{schema.SCHEMA_HEAD}')")
        backup.restore(desk.store.engine, sqlite_copy, known_revisions())
    assert _pg_tickets(desk) == count
    desk.store.dispose()


def _pg_tickets(desk) -> int:
    with desk.store.read() as session:
        return session.connection().exec_driver_sql("SELECT count(*) FROM tickets").scalar()


def test_the_daily_backup_is_made_once_per_day_by_one_process(tmp_path, monkeypatch):
    import time_machine

    from helpdesk_tui.alerts.backup_job import backup_once

    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    folder = tmp_path / "daily"
    settings = load_settings(
        db=str(tmp_path / "d.db"),
        user="daemon",
        tz="Asia/Shanghai",
        backup_dir=str(folder),
        backup_keep=2,
        backup_daily="03:00",
    )
    desk = open_desk(settings)
    schema.upgrade(desk.store.engine)
    made = []
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        with time_machine.travel(f"{day}T03:00:05+08:00", tick=False):
            made.append(backup_once(desk, settings, "daemon-a"))
            assert backup_once(desk, settings, "daemon-b") is None  # the slot is taken
    assert all(path is not None for path in made)
    assert sorted(p.name for p in folder.iterdir()) == [made[1].name, made[2].name]
    for path in made[1:]:
        assert backup.verify(path, known_revisions()).kind == "sqlite"
