"""`helpdesk ticket ...`: every ticket use case from the command line."""

from collections.abc import Callable
from typing import Annotated, Any

import typer

from helpdesk_tui.cli.context import options, parse_instant
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.output import (
    detail_json,
    list_header,
    list_line,
    print_json,
    stream_json_list,
    summary_line,
    ticket_json,
)
from helpdesk_tui.domain.channel import parse_channel
from helpdesk_tui.domain.errors import InvalidInput, NotFound
from helpdesk_tui.domain.lifecycle import parse_status
from helpdesk_tui.domain.severity import parse_severity
from helpdesk_tui.domain.ticket_kind import parse_ticket_kind
from helpdesk_tui.services import tickets as use
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Ticket
from helpdesk_tui.store.queries import TicketFilter, TicketRow, list_tickets, ticket_detail

app = typer.Typer(help="Open, list, show and work on tickets.", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="Print JSON")]
At = Annotated[str | None, typer.Option("--at", help="When it happened (ISO 8601; default now)")]
Version = Annotated[
    int | None,
    typer.Option(
        "--expect-version", help="Refuse (exit 3) if the ticket is no longer at this version"
    ),
]
Ref = Annotated[str, typer.Argument(help="Ticket key (T-000123) or number")]


def _report(desk: Desk, ticket: Ticket, as_json: bool) -> None:
    if as_json:
        with desk.store.read() as session:
            detail = ticket_detail(session, ticket.id or 0)
        assert detail is not None
        print_json(ticket_json(detail.row, desk.now(), desk.zone))
    else:
        print(summary_line(ticket, desk.now(), desk.zone))


def _edit(
    ctx: typer.Context, at: str | None, as_json: bool, call: Callable[[Desk, Any], Ticket]
) -> None:
    """The shape of every edit: settings, the --at instant, a ready desk, the use case."""
    settings = options(ctx).settings()
    when = parse_instant(at, settings.zone, "--at")
    desk = ready_desk(settings)
    _report(desk, call(desk, when), as_json)


@app.command("new")
def new(
    ctx: typer.Context,
    customer: Annotated[str, typer.Option(help="Customer name (or a unique part of it) or id")],
    title: Annotated[str, typer.Option(help="One line saying what is wrong")],
    severity: Annotated[
        str, typer.Option(help="urgent|serious|medium|minor or 紧急|严重|中等|轻度")
    ],
    channel: Annotated[str, typer.Option(help="phone|fax|email|monitoring|visit|survey|proactive")],
    reported_at: Annotated[
        str | None, typer.Option(help="When the customer reported it (default now)")
    ] = None,
    contact: Annotated[str, typer.Option(help="Who called: name, phone or e-mail")] = "",
    description: Annotated[str, typer.Option(help="Details")] = "",
    assignee: Annotated[str, typer.Option(help="Engineer login")] = "",
    kind: Annotated[
        str, typer.Option(help="fault|migration|defect or 故障处理|数据迁移|缺陷修复")
    ] = "fault",
    as_json: Json = False,
) -> None:
    """Open a ticket: a fault, or a work order for a data migration or a defect fix."""
    settings = options(ctx).settings()
    request = use.NewTicket(
        customer=customer,
        title=title,
        severity=parse_severity(severity),
        channel=parse_channel(channel),
        description=description,
        contact=contact,
        assignee=assignee,
        reported_at=parse_instant(reported_at, settings.zone, "reported-at"),
        kind=parse_ticket_kind(kind),
    )
    desk = ready_desk(settings)
    _report(desk, use.new_ticket(desk, request), as_json)


@app.command("list")
def list_(
    ctx: typer.Context,
    open_only: Annotated[
        bool, typer.Option("--open", help="Only tickets the desk still works on")
    ] = False,
    severity: Annotated[
        list[str] | None, typer.Option(help="Only these severities (repeatable)")
    ] = None,
    status: Annotated[
        list[str] | None, typer.Option(help="Only these statuses (repeatable)")
    ] = None,
    breached: Annotated[
        bool, typer.Option("--breached", help="Only tickets with a broken promise")
    ] = False,
    assignee: Annotated[
        str | None, typer.Option(help="Only this engineer's ('' for unassigned)")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many")] = None,
    kind: Annotated[
        str | None, typer.Option(help="Only this kind: fault|migration|defect (or 中文)")
    ] = None,
    as_json: Json = False,
) -> None:
    """List tickets; with --open in queue order, most urgent deadline first."""
    settings = options(ctx).settings()
    only_kind = (Ticket.kind == parse_ticket_kind(kind).value,) if kind else ()
    flt = TicketFilter(
        open_only=open_only,
        severities=tuple(parse_severity(s).value for s in severity or ()),
        statuses=tuple(parse_status(s).value for s in status or ()),
        assignee=assignee,
        limit=limit,
        extra=only_kind,
    )
    desk = ready_desk(settings)
    now = desk.now()
    if breached:
        flt = TicketFilter(**{**flt.__dict__, "breached_at": now})
    with desk.store.read() as session:
        rows = list_tickets(session, flt)
        if as_json:
            stream_json_list(ticket_json(row, now, desk.zone) for row in rows)
        else:
            _print_table(rows, now)


def _print_table(rows, now) -> None:
    print(list_header())
    for row in rows:
        row: TicketRow
        print(list_line(row, now))


@app.command("show")
def show(ctx: typer.Context, ref: Ref, as_json: Json = False) -> None:
    """Everything about one ticket: details, SLA, work log, audit trail."""
    desk = ready_desk(options(ctx).settings())
    with desk.store.read() as session:
        detail = ticket_detail(session, use.parse_ticket_ref(ref))
    if detail is None:
        raise NotFound(f"no ticket {ref}")
    data = detail_json(detail, desk.now(), desk.zone)
    if as_json:
        print_json(data)
        return
    from helpdesk_tui.cli.ticket_text import print_detail

    print_detail(data)


def _simple(name: str, action, text_option: str, help_text: str) -> None:
    def command(
        ctx: typer.Context,
        ref: Ref,
        note: Annotated[str, typer.Option(text_option, help="A line for the work log")] = "",
        at: At = None,
        expect_version: Version = None,
        as_json: Json = False,
    ) -> None:
        _edit(
            ctx,
            at,
            as_json,
            lambda desk, when: action(desk, ref, note, at=when, expected_version=expect_version),
        )

    command.__doc__ = help_text
    app.command(name)(command)


_simple("respond", use.respond, "--note", "Record the first engineer response to the customer.")
_simple("wait", use.wait_for_customer, "--note", "Wait for the customer (pauses the fix clock).")
_simple("resume", use.resume, "--note", "The customer answered: work goes on (fix clock resumes).")
_simple("reopen", use.reopen, "--reason", "The customer did not accept the fix: work goes on.")
_simple("cancel", use.cancel, "--reason", "Cancel a ticket that needs no work.")


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    ref: Ref,
    summary: Annotated[str, typer.Option(help="The maintenance summary (维护总结)")],
    at: At = None,
    expect_version: Version = None,
    as_json: Json = False,
) -> None:
    """Resolve with the maintenance summary; the customer then accepts it."""
    _edit(
        ctx,
        at,
        as_json,
        lambda desk, when: use.resolve(
            desk, ref, summary, at=when, expected_version=expect_version
        ),
    )


@app.command("accept")
def accept(
    ctx: typer.Context,
    ref: Ref,
    rating: Annotated[int, typer.Option(help="The customer's rating, 1 to 5")],
    comment: Annotated[str, typer.Option(help="The customer's words")] = "",
    at: At = None,
    expect_version: Version = None,
    as_json: Json = False,
) -> None:
    """Record the customer's acceptance (验收) and rating."""
    _edit(
        ctx,
        at,
        as_json,
        lambda desk, when: use.accept(
            desk, ref, rating, comment, at=when, expected_version=expect_version
        ),
    )


@app.command("assign")
def assign(
    ctx: typer.Context,
    ref: Ref,
    engineer: Annotated[str, typer.Argument(help="Engineer login")],
    expect_version: Version = None,
    as_json: Json = False,
) -> None:
    """Give the ticket to an engineer."""
    _edit(
        ctx,
        None,
        as_json,
        lambda desk, _: use.assign(desk, ref, engineer, expected_version=expect_version),
    )


@app.command("severity")
def severity(
    ctx: typer.Context,
    ref: Ref,
    level: Annotated[
        str, typer.Argument(help="urgent|serious|medium|minor or 紧急|严重|中等|轻度")
    ],
    expect_version: Version = None,
    as_json: Json = False,
) -> None:
    """Change the severity; both deadlines are recomputed from reported-at."""
    new_level = parse_severity(level)
    _edit(
        ctx,
        None,
        as_json,
        lambda desk, _: use.change_severity(desk, ref, new_level, expected_version=expect_version),
    )


@app.command("log")
def log(
    ctx: typer.Context,
    ref: Ref,
    text: Annotated[str, typer.Argument(help="What was done (支持维护记录)")],
    minutes: Annotated[int, typer.Option(help="Time spent")] = 0,
    at: At = None,
    expect_version: Version = None,
    as_json: Json = False,
) -> None:
    """Add a line to the support maintenance record."""
    _edit(
        ctx,
        at,
        as_json,
        lambda desk, when: use.log_work(
            desk, ref, text, minutes, at=when, expected_version=expect_version
        ),
    )


@app.command("analyse")
def analyse(
    ctx: typer.Context,
    ref: Ref,
    cause: Annotated[str, typer.Option(help="Why it happened (故障分析: 故障原因)")],
    fix: Annotated[str, typer.Option(help="What fixed it (解决方案)")] = "",
    expect_version: Version = None,
    as_json: Json = False,
) -> None:
    """Record the fault analysis: root cause and fix (not required to resolve)."""
    _edit(
        ctx,
        None,
        as_json,
        lambda desk, _: use.analyse(desk, ref, cause, fix, expected_version=expect_version),
    )


@app.command("paper")
def paper(
    ctx: typer.Context,
    ref: Ref,
    what: Annotated[str, typer.Option(help="record (支持维护记录) | summary (维护总结)")] = (
        "record"
    ),
    output_format: Annotated[str, typer.Option("--format", help="markdown | html")] = "markdown",
    output: Annotated[str, typer.Option("--output", "-o", help="A file; - for stdout")] = "-",
) -> None:
    """The paperwork for the customer: the support maintenance record or the maintenance
    summary, as Markdown or as a printable HTML page (in the --lang of the desk)."""
    from helpdesk_tui.cli.paper_command import write_paper

    write_paper(options(ctx).settings(), ref, what, output_format, output)


@app.command("coverage")
def coverage(
    ctx: typer.Context,
    ref: Ref,
    exclusion: Annotated[
        str | None,
        typer.Option(help="customer_damage|force_majeure|missing_configuration|unnotified_change"),
    ] = None,
    goodwill: Annotated[
        bool, typer.Option("--goodwill", help="With --exclusion: the vendor does it for free")
    ] = False,
    note: Annotated[str, typer.Option(help="Why (goes into the work log)")] = "",
    set_to: Annotated[
        str | None,
        typer.Option("--coverage", help="Set by hand: warranty|contract|billable|goodwill"),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Clear the exclusion: covered as the contract says")
    ] = False,
    expect_version: Version = None,
    as_json: Json = False,
) -> None:
    """Who pays (保修/维保/有偿/免费): record an exclusion (the ticket becomes billable, or
    goodwill with --goodwill), clear it, or set the coverage by hand."""
    from helpdesk_tui.domain.coverage import parse_coverage, parse_exclusion
    from helpdesk_tui.services import coverage as covering

    if sum((exclusion is not None, set_to is not None, clear)) != 1:
        raise InvalidInput("give one of --exclusion KIND, --coverage C or --clear")
    if goodwill and exclusion is None:
        raise InvalidInput("--goodwill goes with --exclusion (or use --coverage goodwill)")
    if exclusion is not None:
        kind = parse_exclusion(exclusion)
        call = lambda desk, _: covering.record_exclusion(  # noqa: E731
            desk, ref, kind, goodwill=goodwill, note=note, expected_version=expect_version
        )
    elif set_to is not None:
        chosen = parse_coverage(set_to)
        call = lambda desk, _: covering.set_coverage(  # noqa: E731
            desk, ref, chosen, note=note, expected_version=expect_version
        )
    else:
        call = lambda desk, _: covering.clear_exclusion(  # noqa: E731
            desk, ref, note=note, expected_version=expect_version
        )
    _edit(ctx, None, as_json, call)
