"""Creating, upgrading and checking the database schema with Alembic.

Checking happens at every start of the console and the CLI, so it is a plain query
against `alembic_version` compared with SCHEMA_HEAD; Alembic itself (a slow import)
is loaded only to migrate.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from helpdesk_tui.domain.errors import HelpdeskError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
SCHEMA_HEAD = "0007"  # the newest revision in migrations/versions (a test keeps them equal)


class SchemaOutOfDate(HelpdeskError):
    """The database was made by another version of the program."""


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create the schema on an empty database or bring an old one up to date."""
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def ensure_current(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not the one this program expects."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return
    if current is None:
        raise SchemaOutOfDate("the database has no helpdesk schema yet: run `helpdesk init`")
    if current not in known_revisions():
        raise SchemaOutOfDate(
            f"the database schema ({current}) is newer than this program knows: upgrade helpdesk"
        )
    raise SchemaOutOfDate(
        f"the database schema is out of date ({current}, expected {SCHEMA_HEAD}): "
        "run `helpdesk init`"
    )
