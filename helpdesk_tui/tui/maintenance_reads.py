"""What the health and maintenance views read (技术维保服务): each function is one short
read-only transaction through the services' read functions. Call them in a worker
thread, never on the UI loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from helpdesk_tui.domain.backup_plan import overdue_at, restore_check_at
from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.domain.health import ServiceState
from helpdesk_tui.domain.renewal import days_left
from helpdesk_tui.services import backup_plans, cloud, patches, recovery_plans
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.health_board import ServerCard, health_board
from helpdesk_tui.services.health_history import latest_samples
from helpdesk_tui.services.health_records import services_of
from helpdesk_tui.services.patches import PatchRow, Pending
from helpdesk_tui.store.models import BackupPlan, CloudResource, Customer, RecoveryPlan

PATCHES_SHOWN = timedelta(days=180)  # the patch history the tab lists


@dataclass(frozen=True)
class BackupRow:
    plan: BackupPlan
    customer: str
    overdue_at: datetime  # no success by then is overdue
    check_due_at: datetime  # a restore check is due by then

    def overdue(self, now: datetime) -> bool:
        return now >= self.overdue_at

    def check_due(self, now: datetime) -> bool:
        return now >= self.check_due_at


@dataclass(frozen=True)
class RenewalRow:
    resource: CloudResource
    customer: str
    days_left: int  # negative: expired that many days ago


@dataclass(frozen=True)
class RecoveryRow:
    plan: RecoveryPlan
    customer: str
    next_drill_on: date
    drill_state: str  # ok | due_soon | due | overdue
    rpo_warning: str | None


def read_board(desk: Desk, customer_id: int | None = None) -> list[ServerCard]:
    with desk.store.read() as session:
        return health_board(session, desk.now(), customer_id)


def read_services(desk: Desk, server_id: int) -> tuple[ServiceState, ...]:
    """The services the server's latest sample reported."""
    with desk.store.read() as session:
        sample = latest_samples(session, [server_id], desk.now()).get(server_id)
        return services_of(sample.services) if sample is not None else ()


def read_backups(desk: Desk) -> list[BackupRow]:
    with desk.store.read() as session:
        rows = backup_plans.plans(session)
    return [_backup_row(plan, customer) for plan, customer in rows]


def _backup_row(plan: BackupPlan, customer: str) -> BackupRow:
    interval = timedelta(hours=plan.interval_hours)
    return BackupRow(
        plan,
        customer,
        overdue_at(plan.last_success_at, plan.created_at, interval),
        restore_check_at(plan.last_verified_at, plan.created_at),
    )


def read_renewals(desk: Desk) -> list[RenewalRow]:
    """Soonest expiry first."""
    today = desk.now().astimezone(desk.zone).date()
    with desk.store.read() as session:
        resources = cloud.resources(session)
        names = {
            customer_id: _customer_name(session, customer_id)
            for customer_id in {resource.customer_id for resource in resources}
        }
    return [
        RenewalRow(resource, names[resource.customer_id], days_left(resource.expires_on, today))
        for resource in resources
    ]


def _customer_name(session, customer_id: int) -> str:
    customer = session.get(Customer, customer_id)
    return customer.name if customer is not None else "?"


def read_recovery(desk: Desk) -> list[RecoveryRow]:
    with desk.store.read() as session:
        return [_recovery_row(session, desk, plan, customer)
                for plan, customer in recovery_plans.plans(session)]  # fmt: skip


def read_recovery_plan(desk: Desk, plan_id: int) -> RecoveryRow | None:
    with desk.store.read() as session:
        try:
            plan, customer = recovery_plans.get_plan(session, plan_id)
        except NotFound:
            return None
        return _recovery_row(session, desk, plan, customer)


def _recovery_row(session, desk: Desk, plan: RecoveryPlan, customer: str) -> RecoveryRow:
    facts = recovery_plans.facts(session, desk, plan)
    return RecoveryRow(plan, customer, facts.next_drill_on, facts.drill_state, facts.rpo_warning)


def read_pending(desk: Desk) -> list[Pending]:
    with desk.store.read() as session:
        return patches.pending_updates(session)


def read_patches(desk: Desk) -> list[PatchRow]:
    """Newest first, the last PATCHES_SHOWN."""
    with desk.store.read() as session:
        return patches.list_patches(session, since=desk.now() - PATCHES_SHOWN)
