"""`helpdesk server ...` and `helpdesk cloud ...`: what the desk watches for customers and
what they rent that must be renewed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import typer

from helpdesk_tui.cli.context import options
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.output import print_json
from helpdesk_tui.domain.errors import Conflict, InvalidInput
from helpdesk_tui.domain.renewal import WARN_DAYS, days_left
from helpdesk_tui.safe_text import fit, one_line
from helpdesk_tui.services import cloud as use
from helpdesk_tui.services.directory import find_customer
from helpdesk_tui.store.models import CloudResource, Server

servers_app = typer.Typer(help="Customers' servers that the desk monitors.", no_args_is_help=True)
cloud_app = typer.Typer(help="Rented cloud resources and their renewal.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print JSON")]
Customer = Annotated[str | None, typer.Option(help="Only this customer's")]


@servers_app.command("add")
def add_server(
    ctx: typer.Context,
    customer: Annotated[str, typer.Argument(help="The customer (name or a unique part)")],
    name: Annotated[str, typer.Argument(help="The server's name")],
    address: Annotated[str, typer.Option(help="Host name or IP")] = "",
    role: Annotated[str, typer.Option(help="What it does, e.g. 数据库主库")] = "",
    vendor_operated: Annotated[bool, typer.Option(help="We operate it (乙方运维)")] = False,
    instance: Annotated[str, typer.Option(help="Its Prometheus `instance` label")] = "",
    exporter_url: Annotated[str, typer.Option(help="Its node_exporter /metrics URL")] = "",
    disk_critical: Annotated[int | None, typer.Option(help="Disk % that is critical")] = None,
    as_json: Json = False,
) -> None:
    """Register a server."""
    desk = ready_desk(options(ctx).settings())
    server = use.add_server(
        desk, customer, name, address=address, role=role, vendor_operated=vendor_operated,
        prometheus_instance=instance, exporter_url=exporter_url, disk_critical=disk_critical,
    )  # fmt: skip
    if as_json:
        print_json(_server_json(server, ""))
    else:
        print(f"server {server.id}: {server.name}")


@servers_app.command("list")
def list_servers(ctx: typer.Context, customer: Customer = None, as_json: Json = False) -> None:
    """Servers, by customer."""
    desk = ready_desk(options(ctx).settings())
    with desk.store.read() as session:
        owner = find_customer(session, customer).id if customer else None
        rows = use.servers(session, owner)
    if as_json:
        print_json([_server_json(server, name) for server, name in rows])
        return
    for server, name in rows:
        operated = "乙方运维" if server.vendor_operated else ""
        where = fit(one_line(server.address), 18)
        print(f"{server.id:>5}  {fit(one_line(name), 20)} {fit(one_line(server.name), 16)} "
              f"{where} {fit(one_line(server.role), 12)} {operated}")  # fmt: skip


@servers_app.command("remove")
def remove_server(ctx: typer.Context, server_id: Annotated[int, typer.Argument()]) -> None:
    """Forget a server (its cloud resources stay)."""
    desk = ready_desk(options(ctx).settings())
    server = use.remove_server(desk, server_id)
    print(f"server {server_id} ({server.name}) removed")


@cloud_app.command("add")
def add_resource(
    ctx: typer.Context,
    customer: Annotated[str, typer.Argument(help="The customer")],
    kind: Annotated[str, typer.Argument(help="e.g. ECS, RDS, 带宽, 域名, SSL 证书")],
    name: Annotated[str, typer.Argument(help="Its name or id at the provider")],
    expires: Annotated[str, typer.Option(help="Expiry date, YYYY-MM-DD")],
    provider: Annotated[str, typer.Option(help="e.g. 阿里云, 腾讯云")] = "",
    auto_renew: Annotated[bool, typer.Option(help="Renews itself: no warnings")] = False,
    as_json: Json = False,
) -> None:
    """Register a rented resource; warnings come 30, 14, 7 and 1 days before it expires."""
    desk = ready_desk(options(ctx).settings())
    resource = use.add_resource(desk, customer, kind, name, _date(expires),
                                provider=provider, auto_renew=auto_renew)  # fmt: skip
    if as_json:
        print_json(_resource_json(resource, desk.now().astimezone(desk.zone).date()))
    else:
        print(f"cloud resource {resource.id}: {resource.name} expires {resource.expires_on}")


@cloud_app.command("list")
def list_resources(ctx: typer.Context, customer: Customer = None, as_json: Json = False) -> None:
    """Resources, soonest expiry first; those due within 30 days are marked."""
    desk = ready_desk(options(ctx).settings())
    today = desk.now().astimezone(desk.zone).date()
    with desk.store.read() as session:
        owner = find_customer(session, customer).id if customer else None
        rows = use.resources(session, owner)
    if as_json:
        print_json([_resource_json(r, today) for r in rows])
        return
    for r in rows:
        left = days_left(r.expires_on, today)
        mark = "!" if left <= max(WARN_DAYS) and not r.auto_renew else " "
        print(f"{mark}{r.id:>5}  {r.expires_on}  {left:>5} d  {fit(one_line(r.kind), 10)} "
              f"{fit(one_line(r.name), 24)} {one_line(r.provider)}")  # fmt: skip


@cloud_app.command("renew")
def renew(
    ctx: typer.Context,
    resource_id: Annotated[int, typer.Argument()],
    expires: Annotated[str, typer.Option(help="The new expiry date, YYYY-MM-DD")],
) -> None:
    """Record a renewal: the warnings start over for the new date."""
    desk = ready_desk(options(ctx).settings())
    resource = use.renew(desk, resource_id, _date(expires))
    print(f"cloud resource {resource.id} now expires {resource.expires_on}")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"bad date {text!r}: expected YYYY-MM-DD") from None


def _server_json(server: Server, customer: str) -> dict:
    return {
        "id": server.id, "customer_id": server.customer_id, "customer": customer,
        "name": server.name, "address": server.address, "role": server.role,
        "vendor_operated": server.vendor_operated, "instance": server.prometheus_instance,
        "exporter_url": server.exporter_url, "cpu_critical": server.cpu_critical,
        "memory_critical": server.memory_critical, "disk_critical": server.disk_critical,
    }  # fmt: skip


def _resource_json(resource: CloudResource, today: date) -> dict:
    return {
        "id": resource.id, "customer_id": resource.customer_id, "kind": resource.kind,
        "name": resource.name, "provider": resource.provider,
        "expires_on": resource.expires_on.isoformat(), "auto_renew": resource.auto_renew,
        "days_left": days_left(resource.expires_on, today),
    }  # fmt: skip


@servers_app.command("health")
def health(ctx: typer.Context, customer: Customer = None, as_json: Json = False) -> None:
    """Check every server now (Prometheus if `prometheus_url` is set, else its exporter)."""
    from helpdesk_tui.services.server_health import check_servers

    settings = options(ctx).settings()
    desk = ready_desk(settings)
    with desk.store.read() as session:
        owner = find_customer(session, customer).id if customer else None
    checks = check_servers(desk, settings.prometheus_url, owner)
    if as_json:
        print_json([_check_json(check) for check in checks])
        return
    for check in checks:
        print(_check_line(check))


def _check_json(check) -> dict:
    h = check.health
    return {
        "server_id": check.server_id, "name": check.name, "customer": check.customer,
        "source": h.source if h else None, "up": h.up if h else None,
        "cpu_percent": h.cpu_percent if h else None,
        "memory_percent": h.memory_percent if h else None,
        "disks": [{"mount": d.mount, "percent": d.percent} for d in h.disks] if h else [],
        "apt_upgrades_pending": h.apt_upgrades_pending if h else None,
        "problems": list(h.problems) if h else ["no Prometheus instance or exporter URL"],
        "findings": [{"kind": f.kind, "subject": f.subject, "level": f.level,
                      "value": f.value, "detail": f.detail} for f in check.findings],
    }  # fmt: skip


def _check_line(check) -> str:
    h = check.health
    name = f"{fit(one_line(check.customer), 20)} {fit(one_line(check.name), 16)}"
    if h is None:
        return f"{name} not monitored (no instance label or exporter URL)"
    state = "up" if h.up else ("DOWN" if h.up is False else "?")
    worst = max((d.percent for d in h.disks if d.percent is not None), default=None)
    figures = "  ".join(
        f"{label} {value:5.1f}%" if value is not None else f"{label}   —  "
        for label, value in (("cpu", h.cpu_percent), ("mem", h.memory_percent), ("disk", worst))
    )
    alarms = "; ".join(one_line(f.detail) for f in check.findings)
    return f"{name} {state:<4} {figures}  {alarms}"


# -- stored health: collection rounds, incidents, history ---------------------------------

HISTORY_HOURS_MAX = 24 * 35
CLI_LEASE_TTL = timedelta(minutes=5)  # when this process does not collect periodically


@servers_app.command("collect")
def collect(ctx: typer.Context, as_json: Json = False) -> None:
    """One health round now, stored: samples, incidents, monitoring tickets, alerts.

    Refused (exit 3) while another process (a daemon, a console) is the collector: its
    rounds are stored already."""
    from helpdesk_tui.alerts.health_job import LEASE, lease_ttl
    from helpdesk_tui.alerts.runner import process_name
    from helpdesk_tui.cli.health_output import round_json, round_lines
    from helpdesk_tui.reference_data import load_monitoring_policy
    from helpdesk_tui.services.health_collector import collect_round
    from helpdesk_tui.services.job_lease import current, hold, release

    settings = options(ctx).settings()
    policy = load_monitoring_policy(settings.monitoring_policy)  # a bad file: exit 2 first
    desk = ready_desk(settings)
    holder = process_name("cli")
    ttl = lease_ttl(settings) if settings.health_every else CLI_LEASE_TTL
    if not hold(desk, LEASE, holder, ttl):
        lease = current(desk, LEASE)
        who = f"{lease.holder} until {desk.local(lease.expires_at)}" if lease else "another process"
        raise Conflict(f"health collection is running in {who}: see `helpdesk server incidents`")
    try:
        report = collect_round(desk, settings.prometheus_url, keep_days=settings.health_keep_days,
                               policy=policy)  # fmt: skip
    finally:
        release(desk, LEASE, holder)
    if as_json:
        print_json(round_json(report, desk.zone))
        return
    for line in round_lines(report):
        print(line)


@servers_app.command("incidents")
def incidents(
    ctx: typer.Context,
    include_cleared: Annotated[
        bool, typer.Option("--all", help="Cleared incidents too, newest first")
    ] = False,
    as_json: Json = False,
) -> None:
    """Open health incidents (a finding that persists from round to round)."""
    from helpdesk_tui.cli.health_output import incident_json, incident_line
    from helpdesk_tui.services.health_history import list_incidents

    desk = ready_desk(options(ctx).settings())
    with desk.store.read() as session:
        rows = list_incidents(session, include_cleared=include_cleared)
    if as_json:
        print_json([incident_json(row, desk.zone) for row in rows])
        return
    for row in rows:
        print(incident_line(row, desk.zone))


@servers_app.command("history")
def history(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The server's name")],
    customer: Annotated[str, typer.Option(help="The server's customer")],
    hours: Annotated[int, typer.Option(help="How far back (hourly beyond 48 h)")] = 24,
    as_json: Json = False,
) -> None:
    """A server's stored samples, oldest first."""
    from helpdesk_tui.cli.health_output import sample_json, sample_line
    from helpdesk_tui.services.health_history import samples_between
    from helpdesk_tui.services.patches import find_server

    if not 1 <= hours <= HISTORY_HOURS_MAX:
        raise InvalidInput(f"--hours: expected 1 to {HISTORY_HOURS_MAX}")
    desk = ready_desk(options(ctx).settings())
    now = desk.now()
    with desk.store.read() as session:
        server = find_server(session, name, customer)
        samples = samples_between(session, server.id or 0, now - timedelta(hours=hours), now)
    if as_json:
        print_json([sample_json(sample, desk.zone) for sample in samples])
        return
    for sample in samples:
        print(sample_line(sample, desk.zone))
