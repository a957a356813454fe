"""What subcommands share: the settings from the global options, the desk, parsing instants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import typer

from helpdesk_tui.config import Settings, load_settings
from helpdesk_tui.domain.errors import InvalidInput


@dataclass
class GlobalOptions:
    db: str | None = None
    user: str | None = None
    lang: str | None = None
    tz: str | None = None

    def settings(self) -> Settings:
        return load_settings(db=self.db, user=self.user, lang=self.lang, tz=self.tz)


def options(ctx: typer.Context) -> GlobalOptions:
    root = ctx.find_root()
    if not isinstance(root.obj, GlobalOptions):
        root.obj = GlobalOptions()
    return root.obj


def parse_instant(text: str | None, zone: ZoneInfo, what: str = "time") -> datetime | None:
    """ISO 8601; a time without an offset is read in the user's zone."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"bad {what} {text!r}: expected ISO 8601 such as 2026-11-25T14:30+08:00"
        ) from None
    return value.replace(tzinfo=zone) if value.tzinfo is None else value
