"""`helpdesk sla due`: the SLA calendar maths from the command line."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

import typer

from helpdesk_tui.cli.context import options, parse_instant
from helpdesk_tui.domain.calendar import CalendarError
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.reference_data import CalendarBook

app = typer.Typer(help="SLA calendar maths.", no_args_is_help=True)


@app.command("due")
def due(
    ctx: typer.Context,
    start: Annotated[str, typer.Option(help="When the clock starts (ISO 8601)")],
    hours: Annotated[float, typer.Option(help="Working hours allowed")],
    calendar: Annotated[str, typer.Option(help="Calendar name or TOML file")] = "24x7",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Print the instant when HOURS of working time have passed since START."""
    settings = options(ctx).settings()
    begin = parse_instant(start, settings.zone, "--start")
    assert begin is not None
    if not 0 <= hours <= 100_000:
        raise InvalidInput(f"--hours must be between 0 and 100000, got {hours}")
    work_calendar = CalendarBook(settings.tz, settings.calendars_dir).get(calendar)
    try:
        instant = work_calendar.add(begin, timedelta(hours=hours))
    except CalendarError as error:
        raise InvalidInput(str(error)) from None
    shown = instant.astimezone(settings.zone).isoformat()
    if as_json:
        print(
            json.dumps(
                {
                    "start": begin.isoformat(),
                    "hours": hours,
                    "calendar": work_calendar.name,
                    "due_at": shown,
                    "due_at_utc": instant.isoformat(),
                },
                ensure_ascii=False,
            )
        )
    else:
        print(shown)
