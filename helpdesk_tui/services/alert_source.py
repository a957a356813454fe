"""The one mechanism every kind of alert goes through (tickets now; training sessions,
renewals, backups and health later): a kind registers an AlertSource with
`services.alerts.register_source(kind, source)`, and its use cases call `set_timers`
whenever a subject's moments change. The sweep does the rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.alert_rules import Moment, Schedule, first_timer
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import AlertTimer


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


def set_timers(
    session: Session,
    subject: str,
    schedules: dict[str, Schedule | None],
    *,
    ticket_id: int | None = None,
) -> None:
    """Point each target's timer at its first moment after the last one fired (None: the
    target has nothing more to say). `subject` is "KIND:ID"."""
    timers = {
        timer.target: timer
        for timer in session.scalars(select(AlertTimer).where(AlertTimer.subject == subject))
    }
    for target, schedule in schedules.items():
        timer = timers.get(target)
        if timer is None:
            if schedule is None:
                continue
            timer = AlertTimer(subject=subject, target=target, ticket_id=ticket_id)
            session.add(timer)
        timer.next_at = first_timer(schedule, timer.fired_upto)
