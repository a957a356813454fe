"""Fast inserts of many same-shaped rows (demo data, imports).

On SQLite the values of instant columns are converted, once per column, into the UTC
text that `UTCDateTime` stores, and the rows go to the driver's executemany: several
times faster than binding every value through its TypeDecorator. The conversion is a
separate, picklable step so that it can run in worker processes. Other databases take
the ordinary Core path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, insert

from helpdesk_tui.store.types import UTCDateTime


@dataclass(frozen=True)
class PreparedRows:
    table: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    for_sqlite: bool


def _sqlite_instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()} refused: give it a time zone")
    # The storage format of SQLAlchemy's SQLite DATETIME: "YYYY-MM-DD HH:MM:SS.ffffff".
    return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]


def prepare(
    table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, for_sqlite: bool
) -> PreparedRows:
    """Check the columns and, for SQLite, convert instants to their stored text."""
    unknown = set(columns) - set(table.columns.keys())
    if unknown:
        raise ValueError(f"{table.name} has no column {sorted(unknown)[0]!r}")
    if not for_sqlite:
        return PreparedRows(table.name, tuple(columns), [tuple(r) for r in rows], False)
    instants = [i for i, c in enumerate(columns) if isinstance(table.columns[c].type, UTCDateTime)]
    converted = []
    for row in rows:
        values = list(row)
        seen: dict[int, str | None] = {}  # rows often repeat one instant in several columns
        for index in instants:
            value = values[index]
            key = id(value)
            if key not in seen:
                seen[key] = _sqlite_instant(value)
            values[index] = seen[key]
        converted.append(tuple(values))
    return PreparedRows(table.name, tuple(columns), converted, True)


def insert_prepared(connection: Connection, tables: dict[str, Table], batch: PreparedRows) -> None:
    if not batch.rows:
        return
    if batch.for_sqlite:
        placeholders = ", ".join("?" * len(batch.columns))
        columns = ", ".join(batch.columns)
        sql = f"INSERT INTO {batch.table} ({columns}) VALUES ({placeholders})"
        connection.exec_driver_sql(sql, batch.rows)
    else:
        rows = [dict(zip(batch.columns, row, strict=True)) for row in batch.rows]
        connection.execute(insert(tables[batch.table]), rows)
        if "id" in batch.columns and connection.dialect.name == "postgresql":
            # Ids given explicitly leave the serial's sequence behind: move it past them.
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{batch.table}', 'id'), "
                f"(SELECT max(id) FROM {batch.table}))"
            )
