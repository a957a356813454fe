"""Alerts about training sessions (seed §1.2), through the one alert mechanism:

- "agreement": 7 days before, the session is still only proposed;
- "materials": 3 days before, its materials are not all ready;
- "tomorrow": the day before, to the trainers and the customer's account manager.

A target whose condition no longer holds when its moment comes says nothing: the sweep
asks for the schedule afresh and gets None.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.alert_rules import Moment, Schedule
from helpdesk_tui.domain.training import (
    AGREEMENT_LEAD,
    REMINDER_LEAD,
    SessionStatus,
    materials_due,
)
from helpdesk_tui.services.alert_source import About, set_timers
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Customer, TrainingMaterial, TrainingPlan, TrainingSession

TARGETS = ("agreement", "materials", "tomorrow")
LEVELS = {"agreement": "warning", "materials": "warning", "tomorrow": "info"}


def subject_of(session_id: int) -> str:
    return f"training:{session_id}"


def training_schedules(session: Session, training: TrainingSession) -> dict[str, Schedule | None]:
    status = SessionStatus(training.status)
    live = status in (SessionStatus.PROPOSED, SessionStatus.AGREED)
    moments = {
        "agreement": training.start_at - AGREEMENT_LEAD,
        "materials": materials_due(training.start_at),
        "tomorrow": training.start_at - REMINDER_LEAD,
    }
    wanted = {
        "agreement": status is SessionStatus.PROPOSED,
        "materials": live and not _materials_ready(session, training.id),
        "tomorrow": live,
    }
    return {
        target: Schedule(target, (), moments[target], None, LEVELS[target])
        if wanted[target] else None
        for target in TARGETS
    }  # fmt: skip


def sync_training_timers(session: Session, desk: Desk, training: TrainingSession) -> None:
    assert training.id is not None, "flush the session first"
    session.flush()  # materials added in this transaction count
    set_timers(session, subject_of(training.id), training_schedules(session, training))


class TrainingAlerts:
    """The alert source for training sessions (see services.alert_source)."""

    def schedule(
        self, session: Session, desk: Desk, subject_id: int, target: str
    ) -> Schedule | None:
        training = session.get(TrainingSession, subject_id)
        if training is None or target not in TARGETS:
            return None
        return training_schedules(session, training)[target]

    def about(
        self, session: Session, desk: Desk, subject_id: int, moment: Moment, now: datetime
    ) -> About:
        training = session.get(TrainingSession, subject_id)
        assert training is not None
        plan = session.get(TrainingPlan, training.plan_id)
        customer = session.get(Customer, plan.customer_id) if plan else None
        recipients = [t for t in training.trainers.split(",") if t]
        if customer is not None and customer.account_manager:
            recipients.append(customer.account_manager)
        name = customer.name if customer else "?"
        summary = f"培训 {name}: {training.title}"
        return About(summary[:300], None, list(dict.fromkeys(recipients)))


def _materials_ready(session: Session, session_id: int | None) -> bool:
    query = select(TrainingMaterial.ready).where(TrainingMaterial.session_id == session_id)
    return all(session.scalars(query))
