"""The change feed: has anyone (another console, the CLI, a daemon) written since we looked?

SQLite: `PRAGMA data_version` on a dedicated connection changes whenever another
connection commits; it is read outside any transaction, so the feed never holds a lock.
Other databases: the newest audit entry (every use case writes one) and the newest
alert claim (sweeps write none); PostgreSQL LISTEN/NOTIFY can replace this later.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from helpdesk_tui.store.engine import READ_ONLY


class ChangeFeed:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Any = None
        self._last: object = None

    def _probe(self) -> object:
        if self._engine.dialect.name == "sqlite":
            if self._connection is None:
                # The engine's connect hook leaves pysqlite in autocommit: no BEGIN here.
                self._connection = self._engine.raw_connection()
            cursor = self._connection.cursor()
            try:
                return cursor.execute("PRAGMA data_version").fetchone()[0]
            finally:
                cursor.close()
        with self._engine.execution_options(**{READ_ONLY: True}).connect() as connection:
            # Use cases all write the audit log; alert sweeps add claims without one.
            return connection.exec_driver_sql(
                "SELECT (SELECT max(id) FROM audit_log), (SELECT max(id) FROM alert_claims)"
            ).one()

    def changed(self) -> bool:
        """True once after each change by anyone; the first call only takes a baseline."""
        current = self._probe()
        first = self._last is None
        changed = not first and current != self._last
        self._last = current
        return changed

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
