"""`helpdesk backup-plan ...`: customers' backup plans (存储备份) and their health."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from helpdesk_tui.cli.context import options, parse_instant
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.output import iso, print_json
from helpdesk_tui.domain.backup_plan import overdue_at, restore_check_at
from helpdesk_tui.safe_text import fit, one_line
from helpdesk_tui.services import backup_plans as use
from helpdesk_tui.services.directory import find_customer
from helpdesk_tui.store.models import BackupPlan

app = typer.Typer(help="Customers' backup plans: successes, restore checks.", no_args_is_help=True)
At = Annotated[str | None, typer.Option("--at", help="When (ISO 8601; default now)")]
PlanId = Annotated[int, typer.Argument(help="The plan's number")]


@app.command("add")
def add(
    ctx: typer.Context,
    customer: Annotated[str, typer.Argument(help="The customer")],
    system: Annotated[str, typer.Argument(help="The system backed up, e.g. HIS 数据库")],
    what: Annotated[str, typer.Option(help="e.g. 全量 + binlog")] = "",
    where: Annotated[str, typer.Option(help="Where backups are kept")] = "",
    every_hours: Annotated[int, typer.Option(help="How often it runs")] = 24,
    keep_days: Annotated[int, typer.Option(help="How long backups are kept")] = 30,
) -> None:
    """Register a plan; it is overdue when no success comes within 1.25 intervals."""
    desk = ready_desk(options(ctx).settings())
    plan = use.add_plan(desk, customer, system, what=what, location=where,
                        interval_hours=every_hours, retention_days=keep_days)  # fmt: skip
    print(f"backup plan {plan.id}: {plan.system}, every {plan.interval_hours} h")


@app.command("success")
def success(ctx: typer.Context, plan_id: PlanId, at: At = None) -> None:
    """Record a backup that worked."""
    settings = options(ctx).settings()
    desk = ready_desk(settings)
    plan = use.record_success(desk, plan_id, parse_instant(at, settings.zone, "--at"))
    print(f"backup plan {plan.id}: success recorded")


@app.command("restored")
def restored(ctx: typer.Context, plan_id: PlanId, at: At = None) -> None:
    """Record a verified restore (the proof that the backups can be used)."""
    settings = options(ctx).settings()
    desk = ready_desk(settings)
    plan = use.record_restore_check(desk, plan_id, parse_instant(at, settings.zone, "--at"))
    print(f"backup plan {plan.id}: restore check recorded")


@app.command("list")
def list_(
    ctx: typer.Context,
    customer: Annotated[str | None, typer.Option(help="Only this customer's")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Plans, with overdue and unverified ones marked."""
    desk = ready_desk(options(ctx).settings())
    now = desk.now()
    with desk.store.read() as session:
        owner = find_customer(session, customer).id if customer else None
        rows = use.plans(session, owner)
    if as_json:
        print_json([_plan_json(plan, name, now, desk.zone) for plan, name in rows])
        return
    for plan, name in rows:
        state = _state(plan, now)
        last = desk.local(plan.last_success_at) if plan.last_success_at else "never"
        flags = ", ".join(state) or "ok"
        print(f"{plan.id:>5}  {fit(one_line(name), 20)} {fit(one_line(plan.system), 16)} "
              f"every {plan.interval_hours:>3} h  last {last:<22} {flags}")  # fmt: skip


def _state(plan: BackupPlan, now) -> list[str]:
    flags = []
    interval = timedelta(hours=plan.interval_hours)
    if overdue_at(plan.last_success_at, plan.created_at, interval) <= now:
        flags.append("overdue")
    if restore_check_at(plan.last_verified_at, plan.created_at) <= now:
        flags.append("restore unverified")
    return flags


def _plan_json(plan: BackupPlan, customer: str, now, zone) -> dict:
    return {
        "id": plan.id, "customer": customer, "system": plan.system, "what": plan.what,
        "location": plan.location, "interval_hours": plan.interval_hours,
        "retention_days": plan.retention_days,
        "last_success_at": iso(plan.last_success_at, zone),
        "last_verified_at": iso(plan.last_verified_at, zone),
        "overdue": "overdue" in _state(plan, now),
        "restore_unverified": "restore unverified" in _state(plan, now),
    }  # fmt: skip
