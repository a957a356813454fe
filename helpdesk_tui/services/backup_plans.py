"""Customers' backup plans: registering them, recording successes and restore checks,
and the overdue alerts through the one alert mechanism."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk_tui.domain import limits
from helpdesk_tui.domain.alert_rules import Moment, Schedule
from helpdesk_tui.domain.backup_plan import check_plan, overdue_at, restore_check_at
from helpdesk_tui.domain.errors import InvalidInput, NotFound
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.services.alert_source import About, set_timers
from helpdesk_tui.services.audit import record
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer
from helpdesk_tui.services.roster import duty_now
from helpdesk_tui.store.models import BackupPlan, Customer

TARGETS = ("backup_overdue", "restore_check")


def add_plan(
    desk: Desk, customer: str, system: str, *, what: str = "", location: str = "",
    interval_hours: int = 24, retention_days: int = 30,
) -> BackupPlan:  # fmt: skip
    system = limits.required_text(system, "system", limits.NAME_MAX)
    check_plan(interval_hours, retention_days)
    with desk.store.write() as session:
        owner = find_customer(session, customer)
        plan = BackupPlan(customer_id=owner.id, system=system,
                          what=limits.bounded_text(what, "what", 300),
                          location=limits.bounded_text(location, "location", 300),
                          interval_hours=interval_hours, retention_days=retention_days,
                          created_at=desk.now())  # fmt: skip
        session.add(plan)
        session.flush()
        record(session, desk, "backup_plan", plan.id, "create", {"system": system})
        _sync(session, plan)
        return plan


def record_success(desk: Desk, plan_id: int, at: datetime | None = None) -> BackupPlan:
    return _stamp(desk, plan_id, "last_success_at", at, "success")


def record_restore_check(desk: Desk, plan_id: int, at: datetime | None = None) -> BackupPlan:
    return _stamp(desk, plan_id, "last_verified_at", at, "restore_check")


def plans(session: Session, customer_id: int | None = None) -> list[tuple[BackupPlan, str]]:
    query = select(BackupPlan, Customer.name).join(Customer, Customer.id == BackupPlan.customer_id)
    if customer_id is not None:
        query = query.where(BackupPlan.customer_id == customer_id)
    return [(p, c) for p, c in session.execute(query.order_by(Customer.name, BackupPlan.system))]


def _stamp(desk: Desk, plan_id: int, field: str, at: datetime | None, action: str) -> BackupPlan:
    when = at or desk.now()
    if when.tzinfo is None:
        raise InvalidInput("--at needs a time zone")
    if when > desk.now():
        raise InvalidInput(f"{when.isoformat()} is in the future")
    with desk.store.write() as session:
        plan = session.get(BackupPlan, plan_id)
        if plan is None:
            raise NotFound(f"no backup plan {plan_id}")
        previous = getattr(plan, field)
        if previous is not None and when < previous:
            raise InvalidInput(f"an earlier one ({previous.isoformat()}) is recorded already")
        setattr(plan, field, when)
        record(session, desk, "backup_plan", plan.id, action, {"at": when.isoformat()})
        _sync(session, plan)
        return plan


def _sync(session: Session, plan: BackupPlan) -> None:
    set_timers(session, f"backup:{plan.id}", plan_schedules(plan))


def plan_schedules(plan: BackupPlan) -> dict[str, Schedule | None]:
    interval = timedelta(hours=plan.interval_hours)
    overdue = overdue_at(plan.last_success_at, plan.created_at, interval)
    check = restore_check_at(plan.last_verified_at, plan.created_at)
    return {
        "backup_overdue": Schedule("backup_overdue", (), overdue, interval, "critical"),
        "restore_check": Schedule("restore_check", (), check, None, "warning"),
    }


class BackupPlanAlerts:
    """The alert source for customers' backup plans: to the account manager and the
    primary engineer on duty."""

    def schedule(
        self, session: Session, desk: Desk, subject_id: int, target: str
    ) -> Schedule | None:
        plan = session.get(BackupPlan, subject_id)
        return plan_schedules(plan).get(target) if plan is not None else None

    def about(
        self, session: Session, desk: Desk, subject_id: int, moment: Moment, now: datetime
    ) -> About:
        plan = session.get(BackupPlan, subject_id)
        assert plan is not None
        customer = session.get(Customer, plan.customer_id)
        people = [customer.account_manager] if customer and customer.account_manager else []
        people += duty_now(session, now)[DutyRole.PRIMARY][:1]
        name = customer.name if customer else "?"
        return About(f"备份 {name}: {plan.system}"[:300], None, list(dict.fromkeys(people)))
