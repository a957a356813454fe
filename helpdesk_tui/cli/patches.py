"""`helpdesk patch ...`: patches applied to customers' servers (漏洞补丁) and the updates
still pending on each."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from helpdesk_tui.cli.context import options, parse_instant
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.output import iso, print_json
from helpdesk_tui.safe_text import fit, one_line
from helpdesk_tui.services import patches as use
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer

app = typer.Typer(help="Patches applied to servers, and pending updates.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print JSON")]
ServerName = Annotated[str, typer.Option("--server", help="The server's name")]
CustomerName = Annotated[
    str | None, typer.Option("--customer", help="The server's customer (needed if ambiguous)")
]


@app.command("add")
def add(
    ctx: typer.Context,
    server: ServerName,
    packages: Annotated[str, typer.Option(help='What was applied, e.g. "openssl 3.0.15"')],
    customer: CustomerName = None,
    description: Annotated[str, typer.Option(help="Why, and what it fixes")] = "",
    security: Annotated[bool, typer.Option("--security", help="A security patch")] = False,
    reboot: Annotated[bool, typer.Option("--reboot", help="It needs a reboot")] = False,
    at: Annotated[str | None, typer.Option(help="When it was applied (ISO 8601; now)")] = None,
    ticket: Annotated[str | None, typer.Option(help="The ticket it was done for")] = None,
    all_pending: Annotated[
        bool, typer.Option("--all-pending", help="It applied everything pending: entered counts 0")
    ] = False,
    as_json: Json = False,
) -> None:
    """Record a patch applied to a server."""
    settings = options(ctx).settings()
    when = parse_instant(at, settings.zone, "--at")
    desk = ready_desk(settings)
    patch = use.record_patch(desk, server, packages, customer=customer, description=description,
                             security=security, reboot_required=reboot, at=when, ticket=ticket,
                             clears_pending=all_pending)  # fmt: skip
    if as_json:
        with desk.store.read() as session:
            print_json(_patch_json(use.get_patch(session, patch.id or 0), desk))
    else:
        print(f"patch {patch.id} recorded on {one_line(server)}")


@app.command("list")
def list_(
    ctx: typer.Context,
    server: Annotated[str | None, typer.Option(help="Only this server's")] = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer's")] = None,
    since: Annotated[str | None, typer.Option(help="Only from this instant (ISO 8601)")] = None,
    as_json: Json = False,
) -> None:
    """Patches, newest first."""
    settings = options(ctx).settings()
    start = parse_instant(since, settings.zone, "--since")
    desk = ready_desk(settings)
    with desk.store.read() as session:
        server_id = use.find_server(session, server, customer).id if server else None
        owner = find_customer(session, customer).id if customer and not server else None
        rows = use.list_patches(session, server_id=server_id, customer_id=owner, since=start)
    if as_json:
        print_json([_patch_json(row, desk) for row in rows])
        return
    for row in rows:
        p = row.patch
        flags = " ".join(
            f for f, on in (("security", p.security), ("reboot", p.reboot_required)) if on
        )
        print(f"{p.id:>5}  {_local(p.applied_at, desk)}  {fit(one_line(row.customer), 20)} "
              f"{fit(one_line(row.server), 16)} {fit(one_line(p.packages), 30)} "
              f"{fit(flags, 16)} {row.ticket or ''}".rstrip())  # fmt: skip


@app.command("pending")
def pending(
    ctx: typer.Context,
    customer: Annotated[str | None, typer.Option(help="Only this customer's")] = None,
    as_json: Json = False,
) -> None:
    """Every active server's pending updates and where the numbers come from."""
    desk = ready_desk(options(ctx).settings())
    with desk.store.read() as session:
        owner = find_customer(session, customer).id if customer else None
        rows = use.pending_updates(session, owner)
    if as_json:
        print_json([_pending_json(row, desk) for row in rows])
        return
    for row in rows:
        counts = f"{_count(row.updates):>5} updates {_count(row.security):>4} security"
        source = row.source + (f" ({row.collector})" if row.collector else "")
        since = f"  {_local(row.as_of, desk)}" if row.as_of else ""
        print(f"{fit(one_line(row.customer), 20)} {fit(one_line(row.server), 16)} "
              f"{counts}  {source}{since}")  # fmt: skip


@app.command("set-pending")
def set_pending(
    ctx: typer.Context,
    server: ServerName,
    customer: CustomerName = None,
    updates: Annotated[int | None, typer.Option(help="Updates pending")] = None,
    security: Annotated[int | None, typer.Option(help="Of them, security updates")] = None,
    expect_version: Annotated[
        int | None, typer.Option("--expect-version", help="Refuse (exit 3) if changed since")
    ] = None,
) -> None:
    """Enter the pending counts where no apt collector reports (neither: forget them)."""
    desk = ready_desk(options(ctx).settings())
    found = use.set_pending(desk, server, updates, security, customer=customer,
                            expected_version=expect_version)  # fmt: skip
    print(f"server {one_line(found.name)}: {_count(updates)} updates, "
          f"{_count(security)} security pending (entered)")  # fmt: skip


def _count(value: int | None) -> str:
    return "?" if value is None else str(value)


def _local(instant: datetime | None, desk: Desk) -> str:
    return instant.astimezone(desk.zone).strftime("%Y-%m-%d %H:%M") if instant else "-"


def _patch_json(row: use.PatchRow, desk: Desk) -> dict:
    p = row.patch
    return {
        "id": p.id, "server_id": p.server_id, "server": row.server, "customer": row.customer,
        "applied_at": iso(p.applied_at, desk.zone), "applied_by": p.applied_by,
        "packages": p.packages, "description": p.description, "security": p.security,
        "reboot_required": p.reboot_required, "ticket": row.ticket,
    }  # fmt: skip


def _pending_json(row: use.Pending, desk: Desk) -> dict:
    return {
        "server_id": row.server_id, "server": row.server, "customer": row.customer,
        "updates": row.updates, "security": row.security, "source": row.source,
        "collector": row.collector, "as_of": iso(row.as_of, desk.zone),
    }  # fmt: skip
