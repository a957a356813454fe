"""`helpdesk report …`: the service manager's figures (issue 7). Penalties so far."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated

import typer

from helpdesk_tui.cli.context import options
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.penalty_output import penalties_csv, penalties_json, penalties_markdown
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.services.penalties import penalties

app = typer.Typer(help="Reports for the service manager.", no_args_is_help=True)
FORMATS = ("markdown", "csv", "json")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


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
