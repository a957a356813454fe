"""What a kind of subject (ticket, later training session, backup plan ...) must say for
the alert sweep: its schedule per target, and what an alert about it reads and who gets it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from helpdesk_tui.domain.alert_rules import Moment, Schedule
from helpdesk_tui.services.desk import Desk


@dataclass(frozen=True)
class About:
    summary: str
    ticket_id: int | None
    recipients: list[str]  # logins


class AlertSource(Protocol):
    def schedule(
        self, session: Session, desk: Desk, subject_id: int, target: str
    ) -> Schedule | None: ...

    def about(
        self, session: Session, desk: Desk, subject_id: int, moment: Moment, now: datetime
    ) -> About: ...
