"""Opening the full-screen console."""

from __future__ import annotations

from helpdesk_tui.config import Settings
from helpdesk_tui.domain.errors import HelpdeskError


def open_console(settings: Settings) -> None:
    raise HelpdeskError("the full-screen console is not part of this build yet (issue 3)")
