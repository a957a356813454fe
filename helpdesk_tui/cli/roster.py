"""`helpdesk roster ...`: the duty roster (值班表) from the command line."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from helpdesk_tui.cli.context import options, parse_instant
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.output import iso, print_json
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.roster import parse_role
from helpdesk_tui.safe_text import fit, one_line
from helpdesk_tui.services import roster as use

app = typer.Typer(help="Duty shifts: who is on call, and handover notes.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print JSON")]


@app.command("add")
def add(
    ctx: typer.Context,
    engineer: Annotated[str, typer.Argument(help="The engineer's login")],
    role: Annotated[str, typer.Option(help="primary | backup | manager (主值班/备班/值班经理)")],
    start: Annotated[str, typer.Option("--from", help="Start (ISO 8601)")],
    end: Annotated[str | None, typer.Option("--to", help="End (ISO 8601)")] = None,
    hours: Annotated[float | None, typer.Option(help="Length, instead of --to")] = None,
    handover: Annotated[str, typer.Option(help="A note for this shift")] = "",
    as_json: Json = False,
) -> None:
    """Put an engineer on duty; overlapping shifts of one engineer are refused."""
    settings = options(ctx).settings()
    starts_at = parse_instant(start, settings.zone, "--from")
    assert starts_at is not None
    if (end is None) == (hours is None):
        raise InvalidInput("give either --to or --hours")
    if hours is not None:
        if not 0 < hours <= 24 * 7:
            raise InvalidInput("--hours: expected more than 0 and at most 168")
        ends_at = starts_at + timedelta(hours=hours)
    else:
        ends_at = parse_instant(end, settings.zone, "--to")
    duty_role = parse_role(role)
    desk = ready_desk(settings)
    shift = use.add_shift(desk, engineer, duty_role, starts_at, ends_at, handover)
    if as_json:
        print_json(_shift_json(shift, engineer, desk.zone))
    else:
        print(f"shift {shift.id}: {engineer} {duty_role.value} {desk.local(starts_at)} → "
              f"{desk.local(ends_at)}")  # fmt: skip


@app.command("list")
def list_(
    ctx: typer.Context,
    start: Annotated[str | None, typer.Option("--from", help="From (default: now)")] = None,
    days: Annotated[int, typer.Option(min=1, max=366, help="How many days")] = 7,
    as_json: Json = False,
) -> None:
    """Shifts overlapping the period, in time order."""
    settings = options(ctx).settings()
    desk = ready_desk(settings)
    begin = parse_instant(start, settings.zone, "--from") or desk.now()
    with desk.store.read() as session:
        rows = use.shifts_between(session, begin, begin + timedelta(days=days))
    if as_json:
        print_json([_shift_json(shift, login, desk.zone) for shift, login in rows])
        return
    for shift, login in rows:
        note = one_line(shift.handover or "", 60)
        print(f"{shift.id:>5}  {fit(login, 12)} {fit(shift.role, 8)} "
              f"{desk.local(shift.starts_at)} → {desk.local(shift.ends_at)}  {note}")  # fmt: skip


@app.command("now")
def now(ctx: typer.Context, as_json: Json = False) -> None:
    """Who is on duty at this moment, per role."""
    desk = ready_desk(options(ctx).settings())
    with desk.store.read() as session:
        duty = use.duty_now(session, desk.now())
    if as_json:
        print_json({role.value: logins for role, logins in duty.items()})
        return
    for role, logins in duty.items():
        print(f"{fit(role.value, 8)} {', '.join(logins) or '-'}")


@app.command("handover")
def handover(
    ctx: typer.Context,
    shift_id: Annotated[int, typer.Argument(help="The shift's number")],
    note: Annotated[str, typer.Argument(help="What the next shift must know")],
) -> None:
    """Write the handover note (交接班记录) of a shift."""
    desk = ready_desk(options(ctx).settings())
    shift = use.write_handover(desk, shift_id, note)
    print(f"shift {shift.id}: handover note saved ({len(note)} characters)")


def _shift_json(shift, login: str, zone) -> dict:
    return {
        "id": shift.id,
        "engineer": login,
        "role": shift.role,
        "starts_at": iso(shift.starts_at, zone),
        "ends_at": iso(shift.ends_at, zone),
        "handover": shift.handover or "",
        "version": shift.version,
    }
