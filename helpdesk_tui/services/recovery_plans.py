"""Customers' disaster-recovery plans (灾难恢复预案): writing them, keeping their steps,
recording drills, and the drill reminders through the one alert mechanism."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from helpdesk_tui.domain import limits
from helpdesk_tui.domain.alert_rules import Moment, Schedule
from helpdesk_tui.domain.errors import Conflict, InvalidInput, NotFound
from helpdesk_tui.domain.recovery import (
    DRILL_REMINDER_EVERY,
    STEP_MAX,
    check_drill_date,
    check_drill_interval,
    check_objectives,
    clean_notes,
    clean_steps,
    drill_moments,
    drill_state,
    next_drill_on,
    parse_contacts,
    rpo_warning,
)
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.services.alert_source import About, set_timers
from helpdesk_tui.services.audit import last_change, record
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer
from helpdesk_tui.services.roster import duty_now
from helpdesk_tui.store.models import BackupPlan, Customer, RecoveryPlan

TARGET = "drill"
DEFAULT_DRILL_INTERVAL_DAYS = 180
WARNING_THRESHOLD = 90  # nominal: the lead is 14 days whatever the interval; 90 % reads "warning"


@dataclass(frozen=True)
class PlanFacts:
    """What a reader shows next to a plan."""

    next_drill_on: date
    drill_state: str  # ok | due_soon | due | overdue
    rpo_warning: str | None  # the customer's backup of the same system is too sparse


def add_plan(
    desk: Desk, customer: str, system: str, *, rto_minutes: int, rpo_minutes: int,
    steps: list[str], contacts: list[str],
    drill_interval_days: int = DEFAULT_DRILL_INTERVAL_DAYS,
) -> RecoveryPlan:  # fmt: skip
    system = limits.required_text(system, "system", limits.NAME_MAX)
    check_objectives(rto_minutes, rpo_minutes)
    check_drill_interval(drill_interval_days)
    cleaned = clean_steps(steps)
    people = [c.as_dict() for c in parse_contacts(contacts)]
    with desk.store.write() as session:
        owner = find_customer(session, customer)
        if _plan_for(session, owner.id, system) is not None:
            raise InvalidInput(f"{owner.name} has a recovery plan for {system!r} already")
        plan = RecoveryPlan(
            customer_id=owner.id,
            system=system,
            rto_minutes=rto_minutes,
            rpo_minutes=rpo_minutes,
            steps=cleaned,
            contacts=people,
            drill_interval_days=drill_interval_days,
            created_at=desk.now(),
        )
        session.add(plan)
        session.flush()
        record(session, desk, "recovery_plan", plan.id, "create",
               {"system": system, "rto": rto_minutes, "rpo": rpo_minutes})  # fmt: skip
        _sync(session, desk, plan)
        return plan


def update_plan(
    desk: Desk, plan_id: int, *, rto_minutes: int | None = None, rpo_minutes: int | None = None,
    steps: list[str] | None = None, contacts: list[str] | None = None,
    drill_interval_days: int | None = None, expected_version: int | None = None,
) -> RecoveryPlan:  # fmt: skip
    """Change what is given; what is left None stays as it was."""
    new_steps = clean_steps(steps) if steps is not None else None
    new_contacts = [c.as_dict() for c in parse_contacts(contacts)] if contacts is not None else None
    if drill_interval_days is not None:
        check_drill_interval(drill_interval_days)
    with _editing(desk, plan_id, expected_version) as (session, plan):
        check_objectives(
            plan.rto_minutes if rto_minutes is None else rto_minutes,
            plan.rpo_minutes if rpo_minutes is None else rpo_minutes,
        )
        changes = {
            "rto_minutes": rto_minutes, "rpo_minutes": rpo_minutes, "steps": new_steps,
            "contacts": new_contacts, "drill_interval_days": drill_interval_days,
        }  # fmt: skip
        given = {field: value for field, value in changes.items() if value is not None}
        if not given:
            raise InvalidInput("nothing to change")
        for field, value in given.items():
            setattr(plan, field, value)
        record(session, desk, "recovery_plan", plan.id, "update", given)
        _sync(session, desk, plan)
        return plan


def remove_plan(desk: Desk, plan_id: int, *, expected_version: int | None = None) -> RecoveryPlan:
    """Forget a plan: its drill reminders stop; the audit trail keeps what it said."""
    with _editing(desk, plan_id, expected_version) as (session, plan):
        set_timers(session, f"drill:{plan.id}", dict.fromkeys(drill_schedules(plan, desk)))
        record(session, desk, "recovery_plan", plan.id, "delete",
               {"system": plan.system, "customer_id": plan.customer_id,
                "rto": plan.rto_minutes, "rpo": plan.rpo_minutes, "steps": list(plan.steps),
                "contacts": list(plan.contacts)})  # fmt: skip
        session.delete(plan)
        return plan


def add_step(
    desk: Desk, plan_id: int, text: str, *, expected_version: int | None = None
) -> RecoveryPlan:
    """Append a step at the end of the plan."""
    step = limits.required_text(text, "step", STEP_MAX)
    with _editing(desk, plan_id, expected_version) as (session, plan):
        plan.steps = clean_steps([*plan.steps, step])
        record(session, desk, "recovery_plan", plan.id, "add_step", {"step": step})
        return plan


def remove_step(
    desk: Desk, plan_id: int, number: int, *, expected_version: int | None = None
) -> RecoveryPlan:
    """Remove step `number` (counted from 1, as `dr show` numbers them)."""
    with _editing(desk, plan_id, expected_version) as (session, plan):
        if not 1 <= number <= len(plan.steps):
            raise InvalidInput(f"no step {number}: the plan has steps 1 to {len(plan.steps)}")
        if len(plan.steps) == 1:
            raise InvalidInput("a recovery plan needs at least one step")
        removed = plan.steps[number - 1]
        plan.steps = [s for i, s in enumerate(plan.steps, 1) if i != number]
        record(session, desk, "recovery_plan", plan.id, "remove_step",
               {"number": number, "step": removed})  # fmt: skip
        return plan


def record_drill(
    desk: Desk, plan_id: int, on: date | None = None, notes: str = "", *,
    expected_version: int | None = None,
) -> RecoveryPlan:  # fmt: skip
    """A rehearsal of the plan (演练) happened on `on` (default today): the next one is due
    a drill interval later, and the reminders start over."""
    notes = clean_notes(notes)
    today = desk.now().astimezone(desk.zone).date()
    when = on or today
    with _editing(desk, plan_id, expected_version) as (session, plan):
        check_drill_date(when, today, plan.last_drill_on)
        plan.last_drill_on, plan.last_drill_notes = when, notes
        record(session, desk, "recovery_plan", plan.id, "drill",
               {"on": when.isoformat(), "notes": notes})  # fmt: skip
        _sync(session, desk, plan)
        return plan


def plans(session: Session, customer_id: int | None = None) -> list[tuple[RecoveryPlan, str]]:
    """Every plan with its customer's name, by customer and system."""
    query = select(RecoveryPlan, Customer.name).join(
        Customer, Customer.id == RecoveryPlan.customer_id
    )
    if customer_id is not None:
        query = query.where(RecoveryPlan.customer_id == customer_id)
    rows = session.execute(query.order_by(Customer.name, RecoveryPlan.system))
    return [(plan, name) for plan, name in rows]


def get_plan(session: Session, plan_id: int) -> tuple[RecoveryPlan, str]:
    plan = session.get(RecoveryPlan, plan_id)
    if plan is None:
        raise NotFound(f"no recovery plan {plan_id}")
    customer = session.get(Customer, plan.customer_id)
    return plan, customer.name if customer else "?"


def facts(session: Session, desk: Desk, plan: RecoveryPlan) -> PlanFacts:
    due = next_drill(plan, desk)
    today = desk.now().astimezone(desk.zone).date()
    return PlanFacts(due, drill_state(due, today), backup_warning(session, plan))


def next_drill(plan: RecoveryPlan, desk: Desk) -> date:
    created_on = plan.created_at.astimezone(desk.zone).date()
    return next_drill_on(plan.last_drill_on, created_on, plan.drill_interval_days)


def backup_warning(session: Session, plan: RecoveryPlan) -> str | None:
    """When the customer's backup plan for a system of the same name runs less often than
    the plan's RPO promises."""
    query = select(BackupPlan.interval_hours).where(
        BackupPlan.customer_id == plan.customer_id, BackupPlan.system == plan.system
    )
    interval = session.scalar(query)
    return rpo_warning(plan.rpo_minutes, interval) if interval is not None else None


@contextmanager
def _editing(
    desk: Desk, plan_id: int, expected_version: int | None
) -> Iterator[tuple[Session, RecoveryPlan]]:
    """A write transaction on one plan that refuses a stale edit, saying who changed it."""
    try:
        with desk.store.write() as session, session.no_autoflush:
            plan = session.get(RecoveryPlan, plan_id)
            if plan is None:
                raise NotFound(f"no recovery plan {plan_id}")
            if expected_version is not None and plan.version != expected_version:
                change = last_change(session, "recovery_plan", plan.id)
                who = f" by {change.actor} at {desk.local(change.at)}" if change else ""
                raise Conflict(f"recovery plan {plan_id} was changed{who} "
                               f"(now version {plan.version}): reload and try again")  # fmt: skip
            yield session, plan
    except StaleDataError:
        raise Conflict(f"recovery plan {plan_id} was changed meanwhile: reload") from None


def _plan_for(session: Session, customer_id: int, system: str) -> RecoveryPlan | None:
    query = select(RecoveryPlan).where(
        RecoveryPlan.customer_id == customer_id, RecoveryPlan.system == system
    )
    return session.scalars(query).first()


def _sync(session: Session, desk: Desk, plan: RecoveryPlan) -> None:
    set_timers(session, f"drill:{plan.id}", drill_schedules(plan, desk))


def drill_schedules(plan: RecoveryPlan, desk: Desk) -> dict[str, Schedule | None]:
    """A warning 14 days before the drill is due, the due day itself (critical), then a
    reminder every 7 days until a drill is recorded."""
    warning, due = drill_moments(next_drill(plan, desk), desk.zone)
    schedule = Schedule(TARGET, ((WARNING_THRESHOLD, warning),), due, DRILL_REMINDER_EVERY)
    return {TARGET: schedule}


class RecoveryPlanAlerts:
    """The alert source for drills (see services.alert_source): to the customer's account
    manager and the duty manager."""

    def schedule(
        self, session: Session, desk: Desk, subject_id: int, target: str
    ) -> Schedule | None:
        plan = session.get(RecoveryPlan, subject_id)
        return drill_schedules(plan, desk).get(target) if plan is not None else None

    def about(
        self, session: Session, desk: Desk, subject_id: int, moment: Moment, now: datetime
    ) -> About:
        plan = session.get(RecoveryPlan, subject_id)
        assert plan is not None
        customer = session.get(Customer, plan.customer_id)
        people = [customer.account_manager] if customer and customer.account_manager else []
        people += duty_now(session, now)[DutyRole.MANAGER]
        name = customer.name if customer else "?"
        due = next_drill(plan, desk).isoformat()
        summary = f"演练 {name}: {plan.system} 恢复预案应于 {due} 演练"
        return About(summary[:300], None, list(dict.fromkeys(people)))
