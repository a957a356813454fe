"""`helpdesk visit ...`: return visits (回访) — plan, list, add, record (with the needs found,
each a ticket), cancel, show."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from helpdesk_tui.cli.context import options
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.output import iso, print_json
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.severity import Severity, parse_severity
from helpdesk_tui.domain.visits import Need, parse_method, parse_need_channel
from helpdesk_tui.safe_text import fit, one_line, printable
from helpdesk_tui.services import visits as use
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer

app = typer.Typer(help="Return visits (回访) and the needs found on them.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print JSON")]
VisitId = Annotated[int, typer.Argument(help="The visit's number")]
Version = Annotated[
    int | None,
    typer.Option(
        "--expect-version", help="Refuse (exit 3) if the visit is no longer at this version"
    ),
]
Method = Annotated[str, typer.Option(help="phone | onsite | email (电话 | 上门 | 邮件)")]
Visitor = Annotated[str, typer.Option(help="Who makes it (an engineer's login)")]


@app.command("plan")
def plan(ctx: typer.Context, as_json: Json = False) -> None:
    """Plan what is due: each customer's next scheduled visit, and a follow-up visit for
    each urgent or serious ticket accepted lately. Running it again plans nothing twice."""
    desk = ready_desk(options(ctx).settings())
    planned = use.plan_visits(desk)
    with desk.store.read() as session:
        rows = [use.get_visit(session, desk, visit.id or 0) for visit in planned]
    if as_json:
        print_json([_visit_json(row, desk) for row in rows])
        return
    print(f"{len(rows)} visit(s) planned")
    for row in rows:
        print(_line(row))


@app.command("list")
def list_(
    ctx: typer.Context,
    due: Annotated[bool, typer.Option("--due", help="Planned, due today or overdue")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Planned, due before today")] = False,
    done: Annotated[bool, typer.Option("--done", help="Made (recorded)")] = False,
    upcoming: Annotated[bool, typer.Option("--upcoming", help="Planned, due later")] = False,
    customer: Annotated[str | None, typer.Option(help="Only this customer's")] = None,
    as_json: Json = False,
) -> None:
    """Visits: planned ones first (soonest due first), then done ones (latest first)."""
    chosen = [name for name, on in (("due", due), ("overdue", overdue), ("done", done),
                                    ("upcoming", upcoming)) if on]  # fmt: skip
    if len(chosen) > 1:
        raise InvalidInput("give at most one of --due, --overdue, --done, --upcoming")
    desk = ready_desk(options(ctx).settings())
    with desk.store.read() as session:
        owner = find_customer(session, customer).id if customer else None
        rows = use.visit_rows(session, desk, only=chosen[0] if chosen else None,
                              customer_id=owner)  # fmt: skip
    if as_json:
        print_json([_visit_json(row, desk) for row in rows])
        return
    for row in rows:
        print(_line(row))


@app.command("show")
def show(ctx: typer.Context, visit_id: VisitId, as_json: Json = False) -> None:
    """One visit, with its notes and the tickets raised from it."""
    desk = ready_desk(options(ctx).settings())
    _report(desk, visit_id, as_json, full=True)


@app.command("every")
def every(
    ctx: typer.Context,
    customer: Annotated[str, typer.Argument(help="The customer (name, a unique part, or id)")],
    months: Annotated[int, typer.Argument(help="Months between scheduled visits (0: none)")],
) -> None:
    """Set how often a customer gets a scheduled visit (3: quarterly; 0: none)."""
    desk = ready_desk(options(ctx).settings())
    owner = use.set_visit_interval(desk, customer, months)
    with desk.store.read() as session:
        rows = use.visit_rows(session, desk, only="planned", customer_id=owner.id)
    scheduled = [row for row in rows if row.visit.reason == "scheduled"]
    when = f", next visit {scheduled[0].visit.due_on}" if scheduled else ""
    print(f"{one_line(owner.name)}: a visit every {months} month(s){when}")


@app.command("add")
def add(
    ctx: typer.Context,
    customer: Annotated[str, typer.Option(help="The customer (name, a unique part, or id)")],
    on: Annotated[str | None, typer.Option(help="Due day, YYYY-MM-DD (today)")] = None,
    visitor: Visitor = "",
    method: Method = "phone",
    notes: Annotated[str, typer.Option(help="What it is about")] = "",
    as_json: Json = False,
) -> None:
    """Plan an ad-hoc visit (from today on)."""
    day = _date(on) if on is not None else None
    chosen = parse_method(method)
    desk = ready_desk(options(ctx).settings())
    visit = use.add_visit(desk, customer, day, visitor=visitor, method=chosen, notes=notes)
    _report(desk, visit.id or 0, as_json)


@app.command("record")
def record(
    ctx: typer.Context,
    visit_id: VisitId,
    satisfaction: Annotated[int, typer.Option(help="1 (very unhappy) to 5 (very happy)")],
    notes: Annotated[str, typer.Option(help="What the customer said")] = "",
    method: Method = "phone",
    visitor: Annotated[str, typer.Option(help="Who made it (default: you)")] = "",
    need: Annotated[
        list[str] | None, typer.Option("--need", help="A need found: becomes a ticket")
    ] = None,
    need_severity: Annotated[
        list[str] | None,
        typer.Option(help="Severity of the needs: once for all, or once per --need (minor)"),
    ] = None,
    need_channel: Annotated[
        list[str] | None,
        typer.Option(help="survey | proactive: once for all, or once per --need (survey)"),
    ] = None,
    expect_version: Version = None,
    as_json: Json = False,
) -> None:
    """Record a visit made: score, notes, method; each --need becomes a ticket."""
    needs = _needs(need or [], need_severity or [], need_channel or [])
    chosen = parse_method(method)
    desk = ready_desk(options(ctx).settings())
    use.record_visit(desk, visit_id, satisfaction, notes, method=chosen, visitor=visitor,
                     needs=needs, expected_version=expect_version)  # fmt: skip
    _report(desk, visit_id, as_json)


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    visit_id: VisitId,
    reason: Annotated[str, typer.Option(help="Why it will not be made")] = "",
    expect_version: Version = None,
    as_json: Json = False,
) -> None:
    """Cancel a planned visit; a scheduled one skips its period."""
    desk = ready_desk(options(ctx).settings())
    use.cancel_visit(desk, visit_id, reason, expected_version=expect_version)
    _report(desk, visit_id, as_json)


def _needs(titles: list[str], severities: list[str], channels: list[str]) -> list[Need]:
    """Pair each --need with its severity and channel (one given applies to all)."""

    def spread(values: list[str], option: str, default: str) -> list[str]:
        if not values:
            return [default] * len(titles)
        if not titles:
            raise InvalidInput(f"{option} needs a --need")
        if len(values) == 1:
            return values * len(titles)
        if len(values) != len(titles):
            raise InvalidInput(f"give {option} once, or once per --need ({len(titles)})")
        return values

    levels = [parse_severity(s) for s in spread(severities, "--need-severity", "minor")]
    ways = [parse_need_channel(c) for c in spread(channels, "--need-channel", "survey")]
    return [Need(t, Severity(s), c) for t, s, c in zip(titles, levels, ways, strict=True)]


def _report(desk: Desk, visit_id: int, as_json: bool, *, full: bool = False) -> None:
    with desk.store.read() as session:
        row = use.get_visit(session, desk, visit_id)
    if as_json:
        print_json(_visit_json(row, desk))
    elif full:
        _print_visit(row, desk)
    else:
        print(_line(row))


def _line(row: use.VisitRow) -> str:
    visit = row.visit
    mark = "!" if row.state in ("due", "overdue") else " "
    score = f"{visit.satisfaction}/5" if visit.satisfaction else "   "
    raised = " ".join(t.key for t in row.tickets)
    return (f"{mark}{visit.id:>5}  {visit.due_on}  {row.state:<9} {visit.reason:<12} "
            f"{fit(one_line(row.customer), 20)} {score}  {raised}").rstrip()  # fmt: skip


def _print_visit(row: use.VisitRow, desk: Desk) -> None:
    visit = row.visit
    print(f"visit {visit.id}  {one_line(row.customer)}  ({visit.reason})")
    print(f"  due {visit.due_on}, {row.state}; {visit.method}"
          f"{', by ' + one_line(visit.visitor) if visit.visitor else ''}")  # fmt: skip
    if row.prompted_by:
        print(f"  follows up {row.prompted_by}")
    if visit.done_at:
        print(f"  made {iso(visit.done_at, desk.zone)}, satisfaction {visit.satisfaction}/5")
    if visit.notes:
        print("  notes: " + printable(visit.notes).replace("\n", "\n    "))
    for ticket in row.tickets:
        print(f"  → {ticket.key} [{ticket.channel}, {ticket.status}] {one_line(ticket.title)}")
    print(f"version {visit.version}")


def _visit_json(row: use.VisitRow, desk: Desk) -> dict[str, Any]:
    visit = row.visit
    return {
        "id": visit.id, "customer_id": visit.customer_id, "customer": row.customer,
        "reason": visit.reason, "schedule_key": visit.schedule_key,
        "ticket_id": visit.ticket_id, "ticket": row.prompted_by,
        "due_on": visit.due_on.isoformat(), "status": visit.status, "state": str(row.state),
        "visitor": visit.visitor, "method": visit.method,
        "done_at": iso(visit.done_at, desk.zone), "satisfaction": visit.satisfaction,
        "notes": visit.notes, "created_at": iso(visit.created_at, desk.zone),
        "tickets": [{"id": t.id, "key": t.key, "title": t.title, "status": t.status,
                     "channel": t.channel} for t in row.tickets],
        "version": visit.version,
    }  # fmt: skip


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"bad date {text!r}: expected YYYY-MM-DD") from None
