"""What every use case needs: the store, who is acting, the clock and the service terms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from helpdesk_tui.config import Settings
from helpdesk_tui.domain.severity import SlaPolicy
from helpdesk_tui.reference_data import CalendarBook, load_policy
from helpdesk_tui.store.engine import Store, open_store


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Desk:
    store: Store
    actor: str
    policy: SlaPolicy
    calendars: CalendarBook
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    clock: Callable[[], datetime] = utc_now

    def now(self) -> datetime:
        return self.clock()

    def local(self, instant: datetime) -> str:
        """An instant as the user reads it, e.g. in an error message."""
        return instant.astimezone(self.zone).isoformat(timespec="minutes")


def open_desk(settings: Settings, clock: Callable[[], datetime] = utc_now) -> Desk:
    return Desk(
        store=open_store(settings.db),
        actor=settings.user,
        policy=load_policy(settings.sla_policy),
        calendars=CalendarBook(settings.tz, settings.calendars_dir),
        zone=settings.zone,
        clock=clock,
    )
