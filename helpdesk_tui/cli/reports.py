"""`helpdesk report …`: the service manager's figures (issue 7): penalties, SLA
compliance and service quality, as Markdown, CSV or JSON."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Annotated

import typer

from helpdesk_tui.cli.context import options
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.penalty_output import penalties_csv, penalties_json, penalties_markdown
from helpdesk_tui.cli.quality_output import quality_csv, quality_json, quality_markdown
from helpdesk_tui.cli.sla_output import sla_csv, sla_json, sla_markdown
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.penalties import penalties
from helpdesk_tui.services.quality_report import quality_report
from helpdesk_tui.services.sla_report import Dimension, sla_report

app = typer.Typer(help="Reports for the service manager.", no_args_is_help=True)
FORMATS = ("markdown", "csv", "json")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
BY = tuple(d.value for d in Dimension if d is not Dimension.TOTAL)


def parse_month(text: str, option: str) -> date:
    match = _MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise InvalidInput(f"{option} {text!r}: expected a month as YYYY-MM")
    return date(int(match[1]), int(match[2]), 1)


@app.command("penalties")
def penalties_report(
    ctx: typer.Context,
    first: Annotated[str | None, typer.Option("--from", help="First month, YYYY-MM")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last month, YYYY-MM")] = None,
    contract: Annotated[str | None, typer.Option(help="Only this contract (number or id)")] = None,
    output_format: Annotated[str, typer.Option("--format", help="markdown | csv | json")] = (
        "markdown"
    ),
) -> None:
    """What each contract owes for broken promises, month by month (违约金): breaches
    priced by the contract's terms, capped over the contract's whole term."""
    settings = options(ctx).settings()
    if output_format not in FORMATS:
        raise InvalidInput(f"--format {output_format!r}: expected markdown, csv or json")
    start = parse_month(first, "--from") if first else None
    end = parse_month(last, "--to") if last else None
    desk = ready_desk(settings)
    this_month = desk.now().astimezone(desk.zone).date().replace(day=1)
    start, end = start or end or this_month, end or this_month
    if end < start:
        raise InvalidInput("--to is before --from")
    with desk.store.read() as session:
        report = penalties(session, desk, start, end, contract)
    if output_format == "csv":
        print(penalties_csv(report), end="")
    elif output_format == "json":
        print(json.dumps(penalties_json(report, desk.zone), ensure_ascii=False, indent=2))
    else:
        print(penalties_markdown(report, settings.lang), end="")


FirstOption = Annotated[str | None, typer.Option("--from", help="First month, YYYY-MM")]
LastOption = Annotated[str | None, typer.Option("--to", help="Last month, YYYY-MM")]
MonthOption = Annotated[str | None, typer.Option("--month", help="One month, YYYY-MM")]
CustomerOption = Annotated[str | None, typer.Option(help="Only this customer (name or id)")]
FormatOption = Annotated[str, typer.Option("--format", help="markdown | csv | json")]


def _month_end(first_day: date) -> date:
    following = date(first_day.year + (first_day.month == 12), first_day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _check_period_options(first: str | None, last: str | None, month: str | None,
                          output_format: str) -> tuple[date | None, date | None]:  # fmt: skip
    """Parse the options before anything is opened: bad input costs nothing."""
    if output_format not in FORMATS:
        raise InvalidInput(f"--format {output_format!r}: expected markdown, csv or json")
    if month and (first or last):
        raise InvalidInput("--month names the whole period: leave out --from and --to")
    if month:
        day = parse_month(month, "--month")
        return day, day
    start = parse_month(first, "--from") if first else None
    end = parse_month(last, "--to") if last else None
    if start and end and end < start:
        raise InvalidInput("--to is before --from")
    return start, end


def _period(desk: Desk, start: date | None, end: date | None) -> tuple[date, date]:
    """Whole months, from the first day of the first to the last day of the last; as for
    penalties, --from alone runs to this month, --to alone is that month, neither is this
    month."""
    this_month = desk.now().astimezone(desk.zone).date().replace(day=1)
    start, end = start or end or this_month, end or this_month
    if end < start:
        raise InvalidInput("--from is after this month: give --to as well")
    return start, _month_end(end)


def _parse_by(by: str) -> Dimension:
    if by not in BY:
        raise InvalidInput(f"--by {by!r}: expected {', '.join(BY)}")
    return Dimension(by)


@app.command("sla")
def sla_command(
    ctx: typer.Context,
    first: FirstOption = None,
    last: LastOption = None,
    month: MonthOption = None,
    by: Annotated[str | None, typer.Option(help="customer | severity | engineer | channel")] = (
        None
    ),
    customer: CustomerOption = None,
    output_format: FormatOption = "markdown",
) -> None:
    """SLA compliance for whole months (this month by default): tickets by channel,
    response and fix promises kept and broken, MTTA and MTTR in working and wall hours;
    per customer, severity, engineer or channel with --by."""
    settings = options(ctx).settings()
    start, end = _check_period_options(first, last, month, output_format)
    dimension = _parse_by(by) if by else Dimension.TOTAL
    desk = ready_desk(settings)
    start, end = _period(desk, start, end)
    with desk.store.read() as session:
        report = sla_report(session, desk, start, end, dimension, customer)
    if output_format == "csv":
        print(sla_csv(report), end="")
    elif output_format == "json":
        print(json.dumps(sla_json(report), ensure_ascii=False, indent=2))
    else:
        print(sla_markdown(report, settings.lang), end="")


@app.command("quality")
def quality_command(
    ctx: typer.Context,
    first: FirstOption = None,
    last: LastOption = None,
    month: MonthOption = None,
    customer: CustomerOption = None,
    output_format: FormatOption = "markdown",
) -> None:
    """Service quality per customer for whole months (this month by default): ratings
    (CSAT), complaints, return visits done against those due, penalties owed."""
    settings = options(ctx).settings()
    start, end = _check_period_options(first, last, month, output_format)
    desk = ready_desk(settings)
    start, end = _period(desk, start, end)
    with desk.store.read() as session:
        report = quality_report(session, desk, start, end, customer)
    if output_format == "csv":
        print(quality_csv(report), end="")
    elif output_format == "json":
        print(json.dumps(quality_json(report), ensure_ascii=False, indent=2))
    else:
        print(quality_markdown(report, settings.lang), end="")
