"""`helpdesk alerts ...` and `helpdesk daemon`: deadline alerts from the command line."""

from __future__ import annotations

import logging
import sys
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from helpdesk_tui.cli.context import options
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.output import iso, print_json
from helpdesk_tui.safe_text import fit, one_line
from helpdesk_tui.services import alerts as use
from helpdesk_tui.store.models import AlertClaim, ticket_key

app = typer.Typer(help="Deadline alerts: list, acknowledge, snooze, sweep.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print JSON")]
AlertId = Annotated[int, typer.Argument(help="The alert's number")]


@app.command("list")
def list_(
    ctx: typer.Context,
    state: Annotated[str, typer.Option(help="active | acked | all")] = "active",
    mine: Annotated[bool, typer.Option("--mine", help="Only alerts addressed to me")] = False,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 200,
    as_json: Json = False,
) -> None:
    """Alerts, newest first."""
    settings = options(ctx).settings()
    desk = ready_desk(settings)
    login = desk.actor if mine else ""
    with desk.store.read() as session:
        found = use.list_alerts(session, desk.now(), state, limit=limit, login=login)
    if as_json:
        print_json([alert_json(a, desk.zone) for a in found])
        return
    for alert in found:
        print(_line(alert, desk.local))


@app.command("ack")
def ack(ctx: typer.Context, alert_id: AlertId, as_json: Json = False) -> None:
    """Acknowledge an alert (and the older ones of its target); a breach stops reminding."""
    desk = ready_desk(options(ctx).settings())
    alert = use.acknowledge(desk, alert_id)
    if as_json:
        print_json(alert_json(alert, desk.zone))
    else:
        print(f"alert {alert.id} acknowledged by {alert.acked_by}")


@app.command("snooze")
def snooze(
    ctx: typer.Context,
    alert_id: AlertId,
    minutes: Annotated[int, typer.Option(help="For how long (1 to 1440)")] = 30,
) -> None:
    """Quiet an alert's target for a while."""
    desk = ready_desk(options(ctx).settings())
    alert = use.snooze(desk, alert_id, minutes)
    assert alert.snoozed_until is not None
    print(f"alert {alert.id} snoozed until {desk.local(alert.snoozed_until)}")


@app.command("sweep")
def sweep(ctx: typer.Context) -> None:
    """Claim and deliver what has fallen due, once (for cron, or to check the set-up)."""
    from helpdesk_tui.alerts.routing import remote_sender
    from helpdesk_tui.alerts.runner import process_name

    settings = options(ctx).settings()
    desk = ready_desk(settings)
    owner = process_name("sweep")
    send = remote_sender(settings.notifiers)
    total = 0
    while True:
        claimed = use.sweep(desk, owner)
        total += use.deliver(desk, owner, claimed, send)
        if len(claimed) < use.BATCH:
            break
    print(f"{total} alert(s) delivered")


def daemon(
    ctx: typer.Context,
    sweep_seconds: Annotated[
        int, typer.Option(min=1, max=3600, help="Seconds between full sweeps")
    ] = 30,
) -> None:
    """Run the alert scheduler without a console (24 hours a day), until stopped."""
    from helpdesk_tui.alerts.daemon import serve

    settings = options(ctx).settings()
    desk = ready_desk(settings)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s"
    )
    serve(desk, settings, sweep_seconds)


def alert_json(alert: AlertClaim, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": alert.id,
        "subject": alert.subject,
        "ticket_id": alert.ticket_id,
        "ticket_key": ticket_key(alert.ticket_id) if alert.ticket_id else None,
        "target": alert.target,
        "threshold": alert.threshold,
        "repeat": alert.repeat,
        "level": alert.level,
        "due_at": iso(alert.due_at, zone),
        "fired_at": iso(alert.fired_at, zone),
        "late": alert.late,
        "recipients": [r for r in alert.recipients.split(",") if r],
        "summary": alert.summary,
        "claimed_by": alert.claimed_by,
        "delivered_by": alert.delivered_by,
        "delivered_at": iso(alert.delivered_at, zone),
        "acked_by": alert.acked_by or None,
        "acked_at": iso(alert.acked_at, zone),
        "snoozed_until": iso(alert.snoozed_until, zone),
    }


def _line(alert: AlertClaim, local) -> str:
    what = "breach" if alert.threshold >= 100 else f"{alert.threshold}%"
    if alert.repeat:
        what += f" #{alert.repeat}"
    flags = ("late " if alert.late else "") + ("acked" if alert.acked_at else "")
    return (
        f"{alert.id:>6}  {fit(alert.target, 8)} {fit(what, 10)} {local(alert.due_at)}  "
        f"{fit(flags, 10)} {one_line(alert.summary, 80)}"
    )
