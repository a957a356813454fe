"""Backups of the desk's own database: create, verify, restore (存储备份 for ourselves).

- SQLite: `VACUUM INTO` writes a consistent, compact copy while others keep working;
  restore copies a verified backup in through SQLite's online backup API, so open
  connections see the restored data rather than a file swapped under them.
- PostgreSQL: `pg_dump -Fc` and `pg_restore --clean --single-transaction`.

Verification refuses anything that is not a backup of this program: not SQLite (or not
a pg_dump archive), an integrity check that fails, no `alembic_version`, or a schema
revision this program does not know (made by a newer version).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from helpdesk_tui.domain.errors import HelpdeskError, InvalidInput

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
TOOL_TIMEOUT = 3600


class BackupError(HelpdeskError):
    """A backup could not be made or restored (the database is left as it was)."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    kind: str  # "sqlite" | "pg_dump"
    revision: str
    size_bytes: int
    row_counts: dict[str, int] = field(default_factory=dict)  # SQLite only


def backup_name(now: datetime, kind: str) -> str:
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    return f"helpdesk-{stamp}.{'db' if kind == 'sqlite' else 'dump'}"


def create(engine: Engine, target: Path) -> Path:
    """Write a backup to `target` (which must not exist yet)."""
    if target.exists():
        raise InvalidInput(f"{target} exists already: choose another name")
    if not target.parent.is_dir():
        raise InvalidInput(f"no folder {target.parent}")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine.dialect.name == "sqlite":
            # VACUUM cannot run inside a transaction; the raw connection is in autocommit.
            raw = engine.raw_connection()
            try:
                raw.cursor().execute("VACUUM INTO ?", (str(partial),))
            finally:
                raw.close()
        else:
            _run_tool(["pg_dump", "-Fc", "--no-owner", "-f", str(partial), _libpq_url(engine)])
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def verify(path: Path, known_revisions: set[str]) -> BackupReport:
    head = _head(path)
    if head.startswith(SQLITE_MAGIC):
        return _verify_sqlite(path, known_revisions)
    if head.startswith(PGDUMP_MAGIC):
        return _verify_pg_dump(path, known_revisions)
    raise InvalidInput(f"{path} is not a helpdesk backup (neither SQLite nor a pg_dump archive)")


def restore(engine: Engine, path: Path, known_revisions: set[str]) -> BackupReport:
    """Replace the database's contents with a verified backup of the same kind."""
    report = verify(path, known_revisions)
    dialect = engine.dialect.name
    if (report.kind == "sqlite") != (dialect == "sqlite"):
        raise InvalidInput(f"{path} is a {report.kind} backup; this database is {dialect}")
    if report.kind == "sqlite":
        database = engine.url.database
        assert database, "an in-memory database has nothing to restore into"
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(database, timeout=30)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        _run_tool(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                   "-d", _libpq_url(engine), str(path)])  # fmt: skip
    return report


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in `folder`; returns what went."""
    if keep < 1:
        raise InvalidInput("keep at least one backup")
    found = sorted(folder.glob("helpdesk-*.db")) + sorted(folder.glob("helpdesk-*.dump"))
    found.sort(key=lambda p: p.name.split("-", 1)[1])
    doomed = found[:-keep]
    for path in doomed:
        path.unlink()
    return doomed


# -- verification ---------------------------------------------------------------------------


def _verify_sqlite(path: Path, known: set[str]) -> BackupReport:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise InvalidInput(f"{path}: cannot be opened: {error}") from None
    try:
        check = connection.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            raise InvalidInput(f"{path} is damaged: {check[0][0]}")
        revision = _revision(path, connection.execute, known)
        tables = [n for (n,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]  # fmt: skip
        counts = {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                  for t in tables}  # fmt: skip
    except sqlite3.DatabaseError as error:
        raise InvalidInput(f"{path} is damaged: {error}") from None
    except UnicodeDecodeError:  # sqlite3 decodes its own report, which holds damaged bytes
        raise InvalidInput(f"{path} is damaged: unreadable bytes in its pages") from None
    finally:
        connection.close()
    return BackupReport(path, "sqlite", revision, path.stat().st_size, counts)


def _revision(path: Path, execute, known: set[str]) -> str:
    try:
        rows = execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:
        raise InvalidInput(f"{path} is not a helpdesk database (no schema version)") from None
    if len(rows) != 1:
        raise InvalidInput(f"{path} is not a helpdesk database (no schema version)")
    revision = rows[0][0]
    if revision not in known:
        raise InvalidInput(f"{path} has schema {revision!r}, unknown to this version: upgrade "
                           "helpdesk_tui first")  # fmt: skip
    return revision


def _verify_pg_dump(path: Path, known: set[str]) -> BackupReport:
    try:
        listing = _run_tool(["pg_restore", "--list", str(path)])
        data = _run_tool(["pg_restore", "--data-only", "--table=alembic_version", "-f", "-",
                          str(path)])  # fmt: skip
    except BackupError as error:
        raise InvalidInput(f"{path} is damaged: {error}") from None
    ours = "TABLE DATA public alembic_version" in listing and " TABLE public tickets " in listing
    if not ours:
        raise InvalidInput(f"{path} is a pg_dump archive, but not of a helpdesk database")
    found = [revision for revision in known if revision in data.splitlines()]
    if not found:
        raise InvalidInput(f"{path} has a schema version unknown to this program")
    return BackupReport(path, "pg_dump", found[0], path.stat().st_size)


# -- helpers ----------------------------------------------------------------------------------


def _head(path: Path) -> bytes:
    if not path.is_file():
        raise InvalidInput(f"no backup file {path}")
    with path.open("rb") as stream:
        return stream.read(16)


def _libpq_url(engine: Engine) -> str:
    """The URL pg_dump understands: SQLAlchemy's without the driver name."""
    url = engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _run_tool(argv: list[str]) -> str:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} is not installed (the PostgreSQL client tools)")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=TOOL_TIMEOUT, check=False)
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise BackupError(f"{argv[0]}: {message}")
    return done.stdout
