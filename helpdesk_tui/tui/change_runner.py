"""Running one use case from a thread worker, the way every console screen does: a
refusal is a one-line toast and nothing is written; a conflict (someone else changed it
first) is a toast too, and the screen reloads so the fresh data shows; any other error
is reported as a fault, never fatal at 3 a.m."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from helpdesk_tui.domain.errors import Conflict, HelpdeskError
from helpdesk_tui.services.desk import Desk


def apply_change(app: App, apply: Callable[[Desk], Any], done: Callable[[], str]) -> bool:
    """Call from a thread worker. True when the screen should reload (it was saved, or
    a conflict means what it shows is stale); `done()` words the success toast."""
    try:
        apply(app.desk)  # type: ignore[attr-defined]
    except Conflict as error:
        app.call_from_thread(app.notify, str(error), severity="error", timeout=8)
        return True
    except HelpdeskError as error:
        app.call_from_thread(app.notify, str(error), severity="error", timeout=6)
        return False
    except Exception as error:
        app.call_from_thread(app.report_fault, error)  # type: ignore[attr-defined]
        return False
    app.call_from_thread(app.notify, done(), timeout=3)
    return True
