"""`helpdesk training ...`: the training programme (项目培训) from the command line."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk_tui.cli.context import options, parse_instant
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.output import iso, print_json
from helpdesk_tui.cli.report_output import report_csv, report_json, report_markdown
from helpdesk_tui.domain.errors import InvalidInput, NotFound
from helpdesk_tui.domain.training import (
    Audience,
    Category,
    Mode,
    SessionStatus,
    advisories,
    materials_due,
    materials_late,
    needs_agreement,
)
from helpdesk_tui.safe_text import fit, one_line
from helpdesk_tui.services import training as use
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer
from helpdesk_tui.services.training_report import training_report
from helpdesk_tui.store.models import (
    Customer,
    TrainingMaterial,
    TrainingPlan,
    TrainingSession,
)

app = typer.Typer(
    help="Training plans and sessions (项目培训): schedule, outcomes, calendars, reports.",
    no_args_is_help=True,
)
Json = Annotated[bool, typer.Option("--json", help="Print JSON")]
SessionId = Annotated[int, typer.Argument(help="The session's number")]
Version = Annotated[
    int | None,
    typer.Option("--expect-version", help="Refuse (exit 3) if the session changed since"),
]
REPORT_FORMATS = ("markdown", "csv", "json")


@app.command("plan")
def plan(
    ctx: typer.Context,
    customer: Annotated[str, typer.Argument(help="Customer name (or a unique part) or id")],
    title: Annotated[str, typer.Argument(help="What the plan is, e.g. 2026 年系统培训")],
    notes: Annotated[str, typer.Option(help="Anything agreed with the customer")] = "",
    as_json: Json = False,
) -> None:
    """Start a customer's training plan; prints its number."""
    desk = ready_desk(options(ctx).settings())
    made = use.add_plan(desk, customer, title, notes=notes)
    if as_json:
        print_json({"id": made.id, "customer_id": made.customer_id,
                    "contract_id": made.contract_id, "title": made.title, "notes": made.notes,
                    "version": made.version})  # fmt: skip
    else:
        print(made.id)


@app.command("add")
def add(
    ctx: typer.Context,
    plan_id: Annotated[int, typer.Option("--plan", help="The plan's number")],
    title: Annotated[str, typer.Option(help="What is taught")],
    start: Annotated[str, typer.Option(help="Start (ISO 8601)")],
    trainer: Annotated[list[str], typer.Option(help="Engineer login (repeatable)")],
    end: Annotated[str | None, typer.Option(help="End (default: one training day)")] = None,
    category: Annotated[str, typer.Option(help="operation|maintenance|new_tech")] = "operation",
    audience: Annotated[str, typer.Option(help="leaders|users|admins|others")] = "users",
    trainees: Annotated[int | None, typer.Option(help="How many (default: names given)")] = None,
    trainee: Annotated[list[str] | None, typer.Option(help="A trainee's name (repeatable)")] = None,
    mode: Annotated[str, typer.Option(help="classroom|remote|desk_side")] = "classroom",
    place: Annotated[str, typer.Option(help="Room, address, or a link for remote")] = "",
    status: Annotated[str, typer.Option(help="proposed|agreed|done|cancelled")] = "proposed",
    lang: Annotated[str, typer.Option("--lang", help="Teaching language: zh|en")] = "zh",
    as_json: Json = False,
) -> None:
    """Schedule a session; a trainer busy at that time is refused."""
    settings = options(ctx).settings()
    starts_at = parse_instant(start, settings.zone, "--start")
    assert starts_at is not None
    request = use.SessionFields(
        plan_id=plan_id, title=title, start_at=starts_at,
        end_at=parse_instant(end, settings.zone, "--end"), trainers=tuple(trainer),
        category=Category.parse(category), audience=Audience.parse(audience),
        mode=Mode.parse(mode), place=place, trainees=tuple(trainee or ()),
        trainee_count=trainees, status=SessionStatus.parse(status), language=lang,
    )  # fmt: skip
    desk = ready_desk(settings)
    made = use.add_session(desk, request)
    notes = advisories(Audience(made.audience), made.trainee_count)
    if as_json:
        with desk.store.read() as session:
            customer = _customer_names(session, {made.plan_id}).get(made.plan_id)
        print_json({**_session_json(desk, made, customer, all_ready=False), "advisories": notes})
        return
    print(f"session {made.id}: {one_line(made.title)} {desk.local(made.start_at)} → "
          f"{desk.local(made.end_at)} ({made.status})")  # fmt: skip
    for note in notes:
        print(f"note: {note}")


@app.command("list")
def list_(
    ctx: typer.Context,
    start: Annotated[str | None, typer.Option("--from", help="From (default: now)")] = None,
    days: Annotated[int, typer.Option(min=1, max=366, help="How many days")] = 30,
    customer: Annotated[str | None, typer.Option(help="Only this customer's")] = None,
    plan_id: Annotated[int | None, typer.Option("--plan", help="Only this plan's")] = None,
    as_json: Json = False,
) -> None:
    """Sessions overlapping the period, in time order, with what needs doing."""
    settings = options(ctx).settings()
    begin = parse_instant(start, settings.zone, "--from")
    desk = ready_desk(settings)
    begin = begin or desk.now()
    with desk.store.read() as session:
        customer_id = find_customer(session, customer).id if customer else None
        found = use.sessions_between(session, begin, begin + timedelta(days=days),
                                     customer_id=customer_id, plan_id=plan_id)  # fmt: skip
        names = _customer_names(session, {s.plan_id for s in found})
        ready = _all_ready(session, [s.id for s in found if s.id is not None])
    rows = [_session_json(desk, s, names.get(s.plan_id), ready.get(s.id, True)) for s in found]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        print(_list_line(row, desk))


@app.command("status")
def status(
    ctx: typer.Context,
    session_id: SessionId,
    new_status: Annotated[str, typer.Argument(help="proposed|agreed|done|cancelled")],
    expect_version: Version = None,
) -> None:
    """Agreed with the customer, held, or cancelled."""
    wanted = SessionStatus.parse(new_status)
    desk = ready_desk(options(ctx).settings())
    made = use.set_status(desk, session_id, wanted, expected_version=expect_version)
    print(f"session {made.id}: {made.status}")


@app.command("outcome")
def outcome(
    ctx: typer.Context,
    session_id: SessionId,
    attended: Annotated[int, typer.Option(help="How many came")],
    feedback: Annotated[float | None, typer.Option(help="Average score, 1 to 5")] = None,
    notes: Annotated[str, typer.Option(help="What the trainees said")] = "",
    expect_version: Version = None,
) -> None:
    """Record who came and how they rated it; the session is then done."""
    desk = ready_desk(options(ctx).settings())
    made = use.record_outcome(desk, session_id, attended, feedback, notes,
                              expected_version=expect_version)  # fmt: skip
    score = "-" if made.feedback is None else f"{made.feedback:g}"
    print(f"session {made.id}: done, {made.attended} attended, feedback {score}")


@app.command("material")
def material(
    ctx: typer.Context,
    material_id: Annotated[int, typer.Argument(help="The material's number")],
    ready: Annotated[bool, typer.Option("--ready/--not-ready", help="Ready or not")],
) -> None:
    """Mark a course material (培训资料) ready, or not ready after all."""
    desk = ready_desk(options(ctx).settings())
    made = use.set_material_ready(desk, material_id, ready)
    print(f"material {made.id}: {'ready' if made.ready else 'not ready'}")


@app.command("materials")
def materials(ctx: typer.Context, session_id: SessionId, as_json: Json = False) -> None:
    """A session's materials, and when they are due (3 days before it starts)."""
    desk = ready_desk(options(ctx).settings())
    with desk.store.read() as session:
        training = session.get(TrainingSession, session_id)
        if training is None:
            raise NotFound(f"no training session {session_id}")
        found = use.materials_of(session, session_id)
    due = materials_due(training.start_at)
    rows = [_material_json(m, due, desk.zone) for m in found]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        state = "ready" if row["ready"] else "not ready"
        print(f"{row['id']:>5}  {fit(row['medium'], 10)} {fit(state, 9)} "
              f"due {desk.local(due)}  {one_line(row['title'])}")  # fmt: skip


@app.command("export")
def export(
    ctx: typer.Context,
    output: Annotated[str, typer.Option("--output", "-o", help="The .ics file, or - for stdout")],
    plan_id: Annotated[int | None, typer.Option("--plan", help="Only this plan's")] = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer's")] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="From (default: now; with --plan: all)")
    ] = None,
    days: Annotated[int | None, typer.Option(min=1, max=3660, help="How many days (90)")] = None,
) -> None:
    """Write sessions as an iCalendar file for Outlook, Thunderbird, DingTalk (钉钉)."""
    from helpdesk_tui.exchange.training_calendar import Selection, export_calendar

    settings = options(ctx).settings()
    target = _output_path(output)
    begin = parse_instant(start, settings.zone, "--from")
    desk = ready_desk(settings)
    if begin is None and days is None and plan_id is not None:
        selection = Selection(plan_id=plan_id, customer=customer)
    else:
        begin = begin or desk.now()
        end = begin + timedelta(days=days or 90)
        selection = Selection(plan_id=plan_id, customer=customer, start=begin, end=end)
    data, count = export_calendar(desk, selection, settings.lang)
    _write(target, data)
    if target is not None:
        print(f"{count} session(s) written to {target}")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="An .ics file, or - for stdin")],
    plan_id: Annotated[int, typer.Option("--plan", help="The plan the sessions belong to")],
    trainer: Annotated[
        str | None, typer.Option(help="Login teaching the events that name no trainer")
    ] = None,
    tz: Annotated[
        str | None, typer.Option("--tz", help="Zone of floating and all-day times")
    ] = None,
    as_json: Json = False,
) -> None:
    """Read an iCalendar file into a plan: new UIDs are added, known ones updated."""
    from helpdesk_tui.exchange.training_calendar import import_calendar
    from helpdesk_tui.exchange.training_ics import MAX_BYTES

    settings = options(ctx).settings()
    zone = _zone(tz) if tz else settings.zone
    data = _read_input(file, MAX_BYTES)
    desk = ready_desk(settings)
    result = import_calendar(desk, data, plan_id=plan_id, zone=zone, trainer=trainer)
    skipped = [{"uid": s.uid, "title": s.title, "reason": s.reason} for s in result.skipped]
    if as_json:
        print_json({"created": result.created, "updated": result.updated,
                    "unchanged": result.unchanged, "skipped": skipped})  # fmt: skip
    else:
        for item in skipped:
            print(f"skipped {one_line(item['uid'] or '-', 80)} "
                  f"({one_line(item['title'], 40)}): {one_line(item['reason'])}")  # fmt: skip
        print(f"created {len(result.created)}, updated {len(result.updated)}, "
              f"unchanged {len(result.unchanged)}, skipped {len(skipped)}")  # fmt: skip
    if skipped and not (result.written or result.unchanged):
        raise InvalidInput(f"nothing imported: all {len(skipped)} event(s) were skipped")


@app.command("report")
def report(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help="Period start (ISO 8601)")],
    end: Annotated[str, typer.Option("--to", help="Period end, exclusive (ISO 8601)")],
    customer: Annotated[str | None, typer.Option(help="Only this customer")] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="markdown | csv | json")
    ] = "markdown",
    output: Annotated[str, typer.Option("--output", "-o", help="A file, or - for stdout")] = "-",
) -> None:
    """Sessions planned, held and cancelled, trainees, feedback and late materials."""
    settings = options(ctx).settings()
    if output_format not in REPORT_FORMATS:
        raise InvalidInput(f"--format {output_format!r}: expected markdown, csv or json")
    target = _output_path(output)
    begin = parse_instant(start, settings.zone, "--from")
    finish = parse_instant(end, settings.zone, "--to")
    assert begin is not None and finish is not None
    desk = ready_desk(settings)
    with desk.store.read() as session:
        figures = training_report(session, begin, finish, desk.now(), customer)
    if output_format == "csv":
        text = report_csv(figures)
    elif output_format == "json":
        text = json.dumps(report_json(figures, desk.zone), ensure_ascii=False, indent=2) + "\n"
    else:
        text = report_markdown(figures, settings.lang, desk.zone)
    _write(target, text.encode("utf-8"))


# -- reading helpers -------------------------------------------------------------------------


def _customer_names(session: Session, plan_ids: set[int]) -> dict[int, str]:
    query = (
        select(TrainingPlan.id, Customer.name)
        .join(Customer, Customer.id == TrainingPlan.customer_id)
        .where(TrainingPlan.id.in_(plan_ids))
    )
    return {plan_id: name for plan_id, name in session.execute(query)}


def _all_ready(session: Session, session_ids: list[int]) -> dict[int, bool]:
    """Per session: are all its materials ready (True when it has none)."""
    ready: dict[int, bool] = {}
    query = select(TrainingMaterial.session_id, TrainingMaterial.ready).where(
        TrainingMaterial.session_id.in_(session_ids)
    )
    for session_id, is_ready in session.execute(query):
        ready[session_id] = ready.get(session_id, True) and bool(is_ready)
    return ready


# -- output helpers --------------------------------------------------------------------------


def _session_json(
    desk: Desk, training: TrainingSession, customer: str | None = None, all_ready: bool = True
) -> dict[str, Any]:
    now, zone = desk.now(), desk.zone
    state = SessionStatus(training.status)
    return {
        "id": training.id,
        "plan_id": training.plan_id,
        "customer": customer,
        "title": training.title,
        "category": training.category,
        "audience": training.audience,
        "trainee_count": training.trainee_count,
        "trainees": [n for n in training.trainees.splitlines() if n],
        "trainers": [t for t in training.trainers.split(",") if t],
        "mode": training.mode,
        "place": training.place,
        "start_at": iso(training.start_at, zone),
        "end_at": iso(training.end_at, zone),
        "status": training.status,
        "language": training.language,
        "attended": training.attended,
        "feedback": training.feedback,
        "feedback_notes": training.feedback_notes,
        "uid": training.uid,
        "version": training.version,
        "needs_agreement": needs_agreement(state, training.start_at, now),
        "materials_late": materials_late(all_ready, state, training.start_at, now),
    }


def _list_line(row: dict[str, Any], desk: Desk) -> str:
    flags = [name.replace("_", " ") for name in ("needs_agreement", "materials_late") if row[name]]
    start = datetime.fromisoformat(row["start_at"])
    return (
        f"{row['id']:>5}  {desk.local(start)}  {fit(row['status'], 9)} "
        f"{fit(one_line(row['customer'] or '-'), 16)} {fit(one_line(row['title']), 30)} "
        f"{fit(','.join(row['trainers']), 16)} {', '.join(flags)}"
    ).rstrip()


def _material_json(material: TrainingMaterial, due: datetime, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": material.id,
        "session_id": material.session_id,
        "title": material.title,
        "medium": material.medium,
        "ready": material.ready,
        "ready_at": iso(material.ready_at, zone),
        "due_at": iso(due, zone),
        "version": material.version,
    }


# -- files -----------------------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"unknown time zone {name!r}: use a name such as Asia/Shanghai"
        ) from None


def _output_path(output: str) -> Path | None:
    """None for stdout; else a file whose folder exists, checked before any work is done."""
    if output == "-":
        return None
    path = Path(output).expanduser()
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder: name a file")
    if not path.parent.is_dir():
        raise InvalidInput(f"folder {path.parent} does not exist")
    return path


def _write(target: Path | None, data: bytes) -> None:
    """To stdout, or whole to the file: a temporary file renamed, so a failure midway never
    leaves half a file behind."""
    if target is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_input(name: str, cap: int) -> bytes:
    """The file's bytes, reading at most one byte past the cap (so a huge file is refused
    without being loaded)."""
    if name == "-":
        return sys.stdin.buffer.read(cap + 1)
    path = Path(name).expanduser()
    if not path.is_file():
        raise InvalidInput(f"no file {path}")
    try:
        with path.open("rb") as file:
            return file.read(cap + 1)
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None
