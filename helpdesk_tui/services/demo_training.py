"""Demo training plans: a few customers, sessions from last month to next month, made
through the training use cases so every rule holds (no trainer teaches twice at once)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.training import Audience, Category, Mode, SessionStatus
from helpdesk_tui.services import training as use
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Customer, Engineer

CUSTOMERS = 6
SESSIONS_PER_PLAN = 4
LOCAL = ZoneInfo("Asia/Shanghai")


def add_demo_training(desk: Desk, words: dict[str, Any], rng: random.Random, now: datetime) -> int:
    with desk.store.read() as session:
        customers = session.scalars(select(Customer.name).order_by(Customer.id)).all()
        trainers = session.scalars(
            select(Engineer.login).where(Engineer.role == "engineer").order_by(Engineer.login)
        ).all()
    catalogue = words["training"]
    made = 0
    for index, customer in enumerate(customers[:CUSTOMERS]):
        plan = use.add_plan(desk, customer, catalogue["plans"][index % len(catalogue["plans"])])
        for _ in range(SESSIONS_PER_PLAN):
            made += _one_session(desk, plan.id, catalogue["sessions"], trainers, rng, now)
    return made


def _one_session(desk, plan_id, kinds, trainers, rng: random.Random, now: datetime) -> int:
    category, audience, mode, title, place = rng.choice(kinds)
    day = (now.astimezone(LOCAL) + timedelta(days=rng.randint(-30, 35))).date()
    start = datetime.combine(day, time(rng.choice((9, 9, 14))), LOCAL)
    length = timedelta(hours=3 if start.hour == 14 else 8)
    status = _status(start, now, rng)
    count = rng.randint(1, 3) if audience == "admins" else rng.randint(8, 40)
    request = use.SessionFields(
        plan_id=plan_id, title=title, start_at=start, end_at=start + length,
        trainers=(rng.choice(trainers),), category=Category(category),
        audience=Audience(audience), mode=Mode(mode), place=place, trainee_count=count,
        status=status,
    )  # fmt: skip
    try:
        made = use.add_session(desk, request)
    except InvalidInput:  # that trainer is busy then: the demo just has one session fewer
        return 0
    _history(desk, made, now, rng)
    return 1


def _history(desk: Desk, made, now: datetime, rng: random.Random) -> None:
    """What would have happened by `now`: materials mostly ready when due, held sessions
    with attendance and feedback."""
    due = made.start_at - timedelta(days=3)
    if due <= now and rng.random() < 0.85:
        with desk.store.read() as session:
            materials = use.materials_of(session, made.id)
        ready_at = due - timedelta(hours=rng.randint(2, 72))  # in time, as most are
        on_time = Desk(desk.store, desk.actor, desk.policy, desk.calendars, desk.zone,
                       lambda: ready_at)  # fmt: skip
        for material in materials:
            use.set_material_ready(on_time, material.id, True)
    if made.start_at < now and made.status == SessionStatus.AGREED.value:
        attended = max(made.trainee_count - rng.randint(0, 3), 0)
        use.record_outcome(desk, made.id, attended, round(rng.uniform(3.6, 5.0), 1))


def _status(start: datetime, now: datetime, rng: random.Random) -> SessionStatus:
    if start < now:
        return SessionStatus.AGREED if rng.random() < 0.9 else SessionStatus.CANCELLED
    return SessionStatus.AGREED if rng.random() < 0.6 else SessionStatus.PROPOSED
