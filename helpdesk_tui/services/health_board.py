"""The health board: what the console shows per server (技术维保服务 · 监控服务), read from
the samples and incidents the collector stored. Reads only; the UI never collects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.health import peak
from helpdesk_tui.services.health_history import latest_samples
from helpdesk_tui.services.health_records import finding_line
from helpdesk_tui.store.models import (
    Customer,
    HealthIncident,
    HealthSample,
    Server,
    Ticket,
    ticket_key,
)

Status = Literal["ok", "warning", "critical", "down", "unknown"]


@dataclass(frozen=True)
class DiskGauge:
    mount: str
    percent: float | None
    days_until_full: float | None  # from the trend; None: cannot be told yet
    capacity_flagged: bool  # full sooner than the server's capacity_warn_days


@dataclass(frozen=True)
class ServerCard:
    server_id: int
    name: str
    customer: str
    role: str
    vendor_operated: bool
    status: Status
    collected_at: datetime | None  # the latest sample; None: never collected
    cpu_percent: float | None
    memory_percent: float | None
    load1: float | None
    uptime_seconds: float | None
    net_in_bps: float | None
    net_out_bps: float | None
    net_in_peak_1h: float | None
    net_out_peak_1h: float | None
    net_in_peak_24h: float | None
    net_out_peak_24h: float | None
    # The last hour, oldest first, one value per stored sample (None where unknown):
    cpu_series: tuple[float | None, ...]
    net_in_series: tuple[float | None, ...]
    net_out_series: tuple[float | None, ...]
    disks: tuple[DiskGauge, ...]
    updates_pending: int | None  # from the apt collector, else entered by hand
    security_updates_pending: int | None
    findings: tuple[str, ...]  # one line each, worst first
    problems: tuple[str, ...]  # why something is unknown
    open_tickets: tuple[str, ...]  # keys of open monitoring tickets, e.g. "T-000123"


def health_board(
    session: Session, now: datetime, customer_id: int | None = None
) -> list[ServerCard]:
    """One card per active server, worst status first (down, critical, warning, unknown,
    ok), then by customer and name. Six queries, however many servers there are."""
    servers = _servers(session, customer_id)
    ids = [server.id for server, _ in servers]
    if not ids:
        return []
    latest = latest_samples(session, ids, now)
    series = _last_hour(session, ids, now)
    worst = _worst_open_incidents(session, ids)
    tickets = _open_tickets(session, ids)
    cards = [
        _card(server, customer, latest.get(server.id), series.get(server.id, []),
              worst.get(server.id), tickets.get(server.id, ()))
        for server, customer in servers
    ]  # fmt: skip
    return sorted(cards, key=lambda c: (STATUS_ORDER[c.status], c.customer, c.name))


STATUS_ORDER: dict[Status, int] = {"down": 0, "critical": 1, "warning": 2, "unknown": 3, "ok": 4}
_LEVEL_ORDER = {"critical": 0, "warning": 1}
SERIES_SPAN = timedelta(hours=1)

SeriesPoint = tuple[float | None, float | None, float | None]  # cpu, in, out


def _servers(session: Session, customer_id: int | None) -> list[tuple[Server, str]]:
    query = (
        select(Server, Customer.name)
        .join(Customer, Customer.id == Server.customer_id)
        .where(Server.active.is_(True))
    )
    if customer_id is not None:
        query = query.where(Server.customer_id == customer_id)
    return [(server, name) for server, name in session.execute(query)]


def _last_hour(session: Session, ids: list[int], now: datetime) -> dict[int, list[SeriesPoint]]:
    query = (
        select(
            HealthSample.server_id, HealthSample.cpu_percent, HealthSample.net_in_bps,
            HealthSample.net_out_bps,
        )
        .where(
            HealthSample.server_id.in_(ids),
            HealthSample.collected_at > now - SERIES_SPAN,
            HealthSample.collected_at <= now,
        )
        .order_by(HealthSample.server_id, HealthSample.collected_at)
    )  # fmt: skip
    found: dict[int, list[SeriesPoint]] = defaultdict(list)
    # Core rows, not the ORM's (12 000 rows for 200 servers: the ORM layer doubles the
    # cost); instants left out: parsing them costs too
    for server_id, *point in session.connection().execute(query):
        found[server_id].append(tuple(point))
    return found


def _worst_open_incidents(session: Session, ids: list[int]) -> dict[int, str]:
    query = select(HealthIncident.server_id, HealthIncident.level).where(
        HealthIncident.server_id.in_(ids), HealthIncident.cleared_at.is_(None)
    )
    worst: dict[int, str] = {}
    for server_id, level in session.execute(query):
        if _LEVEL_ORDER.get(level, 9) < _LEVEL_ORDER.get(worst.get(server_id, ""), 9):
            worst[server_id] = level
    return worst


def _open_tickets(session: Session, ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The open tickets that monitoring opened for each server (their incidents may have
    cleared already: an engineer still has to resolve them)."""
    query = (
        select(HealthIncident.server_id, Ticket.id)
        .join(Ticket, Ticket.id == HealthIncident.ticket_id)
        .where(HealthIncident.server_id.in_(ids), Ticket.is_open.is_(True))
        .distinct()
        .order_by(HealthIncident.server_id, Ticket.id)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for server_id, ticket_id in session.execute(query):
        found[server_id].append(ticket_key(ticket_id))
    return {server_id: tuple(keys) for server_id, keys in found.items()}


def _card(
    server: Server, customer: str, sample: HealthSample | None,
    series: Sequence[SeriesPoint], worst_incident: str | None, tickets: tuple[str, ...],
) -> ServerCard:  # fmt: skip
    cpu = tuple(point[0] for point in series)
    net_in = tuple(point[1] for point in series)
    net_out = tuple(point[2] for point in series)
    findings = _ordered_findings(sample.findings if sample else [])
    return ServerCard(
        server_id=server.id or 0,
        name=server.name,
        customer=customer,
        role=server.role,
        vendor_operated=server.vendor_operated,
        status=_status(sample, worst_incident, findings),
        collected_at=sample.collected_at if sample else None,
        cpu_percent=sample.cpu_percent if sample else None,
        memory_percent=sample.memory_percent if sample else None,
        load1=sample.load1 if sample else None,
        uptime_seconds=sample.uptime_seconds if sample else None,
        net_in_bps=sample.net_in_bps if sample else None,
        net_out_bps=sample.net_out_bps if sample else None,
        net_in_peak_1h=_stored_or(sample, "net_in_peak_1h", net_in),
        net_out_peak_1h=_stored_or(sample, "net_out_peak_1h", net_out),
        net_in_peak_24h=sample.net_in_peak_24h if sample else None,
        net_out_peak_24h=sample.net_out_peak_24h if sample else None,
        cpu_series=cpu,
        net_in_series=net_in,
        net_out_series=net_out,
        disks=_gauges(sample.disks if sample else [], server.capacity_warn_days),
        updates_pending=_pending(sample, "apt_upgrades_pending", server.updates_pending),
        security_updates_pending=_pending(
            sample, "apt_security_pending", server.security_updates_pending
        ),
        findings=tuple(_finding_line(f) for f in findings),
        problems=_problems(sample),
        open_tickets=tickets,
    )


def _status(
    sample: HealthSample | None, worst_incident: str | None, findings: Sequence[dict[str, Any]]
) -> Status:
    if sample is None:
        return "unknown"
    if sample.up is False:
        return "down"
    levels = {worst_incident, *(f.get("level") for f in findings)}
    if "critical" in levels:
        return "critical"
    if "warning" in levels:
        return "warning"
    return "unknown" if sample.up is None else "ok"


def _ordered_findings(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries, key=lambda f: _LEVEL_ORDER.get(f.get("level", ""), 9))


def _finding_line(entry: dict[str, Any]) -> str:
    return finding_line(entry.get("kind", ""), entry.get("subject", ""), entry.get("detail", ""))


def _stored_or(
    sample: HealthSample | None, field: str, series: Sequence[float | None]
) -> float | None:
    """The source's own peak, else the peak of the stored samples."""
    stored = getattr(sample, field) if sample else None
    return stored if stored is not None else peak(series)


def _gauges(entries: Iterable[dict[str, Any]], warn_days: int) -> tuple[DiskGauge, ...]:
    gauges = []
    for entry in entries:
        days = entry.get("days_until_full")
        flagged = days is not None and days < warn_days
        gauges.append(DiskGauge(entry["mount"], entry.get("percent"), days, flagged))
    return tuple(gauges)


def _problems(sample: HealthSample | None) -> tuple[str, ...]:
    text = sample.problems if sample else ""
    return tuple(line for line in (text or "").splitlines() if line)


def _pending(sample: HealthSample | None, field: str, by_hand: int | None) -> int | None:
    collected = getattr(sample, field) if sample else None
    return collected if collected is not None else by_hand
