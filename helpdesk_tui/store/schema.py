"""Creating, upgrading and checking the database schema with Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from helpdesk_tui.domain.errors import HelpdeskError

MIGRATIONS = Path(__file__).with_name("migrations")


class SchemaOutOfDate(HelpdeskError):
    """The database was made by another version of the program."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create the schema on an empty database or bring an old one up to date."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def ensure_current(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not the one this program expects."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return
    if current is None:
        raise SchemaOutOfDate("the database has no helpdesk schema yet: run `helpdesk init`")
    known = {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}
    if current not in known:
        raise SchemaOutOfDate(
            f"the database schema ({current}) is newer than this program knows: upgrade helpdesk"
        )
    raise SchemaOutOfDate(
        f"the database schema is out of date ({current}, expected {head}): run `helpdesk init`"
    )
