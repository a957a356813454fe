"""`helpdesk dr ...`: customers' disaster-recovery plans (灾难恢复预案) and their drills."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated

import typer

from helpdesk_tui.cli.context import options
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.output import iso, print_json
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.safe_text import fit, one_line, printable
from helpdesk_tui.services import recovery_plans as use
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer
from helpdesk_tui.store.models import RecoveryPlan

app = typer.Typer(help="Disaster-recovery plans (灾难恢复预案) and drills.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print JSON")]
PlanId = Annotated[int, typer.Argument(help="The plan's number")]
Version = Annotated[
    int | None,
    typer.Option(
        "--expect-version", help="Refuse (exit 3) if the plan is no longer at this version"
    ),
]
Steps = Annotated[list[str] | None, typer.Option("--step", help="A recovery step, in order")]
Contacts = Annotated[
    list[str] | None, typer.Option("--contact", help='Emergency contact: "张三 13800000000 DBA"')
]


@app.command("add")
def add(
    ctx: typer.Context,
    customer: Annotated[str, typer.Option(help="The customer (name, a unique part, or id)")],
    system: Annotated[str, typer.Option(help="The system it recovers, e.g. HIS 数据库")],
    rto: Annotated[int, typer.Option(help="Recovery time objective, minutes")],
    rpo: Annotated[int, typer.Option(help="Recovery point objective, minutes")],
    step: Steps = None,
    contact: Contacts = None,
    drill_every: Annotated[int, typer.Option(help="Days between drills (30-730)")] = 180,
    as_json: Json = False,
) -> None:
    """Write a plan; its first drill is due a drill interval from today."""
    desk = ready_desk(options(ctx).settings())
    plan = use.add_plan(desk, customer, system, rto_minutes=rto, rpo_minutes=rpo,
                        steps=step or [], contacts=contact or [],
                        drill_interval_days=drill_every)  # fmt: skip
    _report(desk, plan.id or 0, as_json)


@app.command("update")
def update(
    ctx: typer.Context,
    plan_id: PlanId,
    rto: Annotated[int | None, typer.Option(help="Recovery time objective, minutes")] = None,
    rpo: Annotated[int | None, typer.Option(help="Recovery point objective, minutes")] = None,
    contact: Contacts = None,
    drill_every: Annotated[int | None, typer.Option(help="Days between drills")] = None,
    expect_version: Version = None,
    as_json: Json = False,
) -> None:
    """Change the objectives, the drill interval, or the contacts (all of them replaced)."""
    desk = ready_desk(options(ctx).settings())
    use.update_plan(desk, plan_id, rto_minutes=rto, rpo_minutes=rpo, contacts=contact,
                    drill_interval_days=drill_every, expected_version=expect_version)  # fmt: skip
    _report(desk, plan_id, as_json)


@app.command("step")
def step(
    ctx: typer.Context,
    plan_id: PlanId,
    add: Annotated[str | None, typer.Option("--add", help="Append this step")] = None,
    remove: Annotated[int | None, typer.Option("--remove", help="Remove step N")] = None,
    expect_version: Version = None,
    as_json: Json = False,
) -> None:
    """Append a step, or remove one by its number in `dr show`."""
    if (add is None) == (remove is None):
        raise InvalidInput("give either --add TEXT or --remove N")
    desk = ready_desk(options(ctx).settings())
    if add is not None:
        use.add_step(desk, plan_id, add, expected_version=expect_version)
    else:
        use.remove_step(desk, plan_id, remove or 0, expected_version=expect_version)
    _report(desk, plan_id, as_json)


@app.command("remove")
def remove(
    ctx: typer.Context,
    plan_id: PlanId,
    yes: Annotated[bool, typer.Option("--yes", help="Yes, remove the plan now")] = False,
    expect_version: Version = None,
) -> None:
    """Remove a plan (its steps, contacts and drill reminders); the audit trail keeps it."""
    if not yes:
        raise InvalidInput(f"removing recovery plan {plan_id} cannot be undone: add --yes to do it")
    desk = ready_desk(options(ctx).settings())
    plan = use.remove_plan(desk, plan_id, expected_version=expect_version)
    print(f"recovery plan {plan_id} removed: {one_line(plan.system)}")


@app.command("drill")
def drill(
    ctx: typer.Context,
    plan_id: PlanId,
    on: Annotated[str | None, typer.Option(help="The drill's date, YYYY-MM-DD (today)")] = None,
    notes: Annotated[str, typer.Option(help="How it went")] = "",
    expect_version: Version = None,
    as_json: Json = False,
) -> None:
    """Record a drill (演练): the next one is due a drill interval later."""
    day = _date(on) if on is not None else None
    desk = ready_desk(options(ctx).settings())
    use.record_drill(desk, plan_id, day, notes, expected_version=expect_version)
    _report(desk, plan_id, as_json)


@app.command("list")
def list_(
    ctx: typer.Context,
    customer: Annotated[str | None, typer.Option(help="Only this customer's")] = None,
    as_json: Json = False,
) -> None:
    """Plans with their next drill; due and overdue ones marked."""
    desk = ready_desk(options(ctx).settings())
    with desk.store.read() as session:
        owner = find_customer(session, customer).id if customer else None
        rows = [
            (plan, name, use.facts(session, desk, plan)) for plan, name in use.plans(session, owner)
        ]
    if as_json:
        print_json([_plan_json(plan, name, facts, desk) for plan, name, facts in rows])
        return
    for plan, name, facts in rows:
        mark = "!" if facts.drill_state in ("due", "overdue") else " "
        warn = "  RPO > backups" if facts.rpo_warning else ""
        print(f"{mark}{plan.id:>4}  {fit(one_line(name), 20)} {fit(one_line(plan.system), 16)} "
              f"RTO {plan.rto_minutes:>5} min  RPO {plan.rpo_minutes:>5} min  "
              f"drill {facts.next_drill_on} {facts.drill_state}{warn}")  # fmt: skip


@app.command("show")
def show(ctx: typer.Context, plan_id: PlanId, as_json: Json = False) -> None:
    """One plan: objectives, numbered steps, contacts, drills."""
    desk = ready_desk(options(ctx).settings())
    _report(desk, plan_id, as_json, full=True)


def _report(desk: Desk, plan_id: int, as_json: bool, *, full: bool = False) -> None:
    with desk.store.read() as session:
        plan, name = use.get_plan(session, plan_id)
        facts = use.facts(session, desk, plan)
    if facts.rpo_warning:
        print(f"helpdesk: warning: {facts.rpo_warning}", file=sys.stderr)
    if as_json:
        print_json(_plan_json(plan, name, facts, desk))
    elif full:
        _print_plan(plan, name, facts)
    else:
        print(f"recovery plan {plan.id}: {one_line(plan.system)}, next drill "
              f"{facts.next_drill_on} ({facts.drill_state}), version {plan.version}")  # fmt: skip


def _print_plan(plan: RecoveryPlan, customer: str, facts: use.PlanFacts) -> None:
    print(f"recovery plan {plan.id}  {one_line(customer)}: {one_line(plan.system)}")
    print(f"  RTO {plan.rto_minutes} min, RPO {plan.rpo_minutes} min")
    print(f"  drill every {plan.drill_interval_days} d, next {facts.next_drill_on}"
          f" ({facts.drill_state}), last {plan.last_drill_on or 'never'}")  # fmt: skip
    if plan.last_drill_notes:
        print("  notes: " + printable(plan.last_drill_notes).replace("\n", "\n    "))
    print("\nsteps:")
    for number, text in enumerate(plan.steps, 1):
        print(f"  {number:>2}. " + printable(text).replace("\n", "\n      "))
    print("\ncontacts:")
    for person in plan.contacts:
        role = f" ({one_line(person['role'])})" if person.get("role") else ""
        print(f"  {one_line(person['name'])} {one_line(person['phone'])}{role}")
    print(f"\nversion {plan.version}")


def _plan_json(plan: RecoveryPlan, customer: str, facts: use.PlanFacts, desk: Desk) -> dict:
    return {
        "id": plan.id, "customer_id": plan.customer_id, "customer": customer,
        "system": plan.system, "rto_minutes": plan.rto_minutes,
        "rpo_minutes": plan.rpo_minutes, "steps": list(plan.steps),
        "contacts": list(plan.contacts), "drill_interval_days": plan.drill_interval_days,
        "created_at": iso(plan.created_at, desk.zone),
        "last_drill_on": plan.last_drill_on.isoformat() if plan.last_drill_on else None,
        "last_drill_notes": plan.last_drill_notes,
        "next_drill_on": facts.next_drill_on.isoformat(), "drill_state": facts.drill_state,
        "rpo_warning": facts.rpo_warning, "version": plan.version,
    }  # fmt: skip


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"bad date {text!r}: expected YYYY-MM-DD") from None
