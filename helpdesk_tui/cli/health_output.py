"""How health rounds, incidents and stored samples look on standard output: JSON objects
and plain aligned lines. Names, details and problem lines come from outside: one_line()
keeps them literal and on one line."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from helpdesk_tui.cli.output import iso
from helpdesk_tui.safe_text import fit, one_line
from helpdesk_tui.services.health_collector import RoundReport, ServerRound
from helpdesk_tui.services.health_history import IncidentRow
from helpdesk_tui.store.models import HealthSample, ticket_key


def round_json(report: RoundReport, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "collected_at": iso(report.collected_at, zone),
        "samples": report.samples,
        "pruned": report.pruned,
        "servers": [
            {"server_id": s.server_id, "name": s.name, "customer": s.customer,
             "status": s.status, "findings": list(s.findings), "problems": list(s.problems),
             "opened": list(s.opened), "cleared": list(s.cleared), "tickets": list(s.tickets)}
            for s in report.servers
        ],
    }  # fmt: skip


def round_lines(report: RoundReport) -> list[str]:
    lines = [_server_line(server) for server in report.servers]
    opened = sum(len(s.opened) for s in report.servers)
    tickets = sum(len(s.tickets) for s in report.servers)
    lines.append(f"{report.samples} sample(s) stored, {opened} incident(s) opened, "
                 f"{tickets} ticket(s) opened or reused, "
                 f"{report.pruned} old sample(s) pruned")  # fmt: skip
    return lines


def _server_line(server: ServerRound) -> str:
    name = f"{fit(one_line(server.customer), 20)} {fit(one_line(server.name), 16)}"
    parts = [f"{name} {server.status.upper():<11}"]
    if server.status == "unmonitored":
        parts.append("no Prometheus instance or exporter URL")
    parts += [one_line(text, 80) for text in server.findings]
    parts += [f"opened: {one_line(text, 80)}" for text in server.opened]
    parts += [f"cleared: {one_line(text, 80)}" for text in server.cleared]
    parts += [f"ticket {key}" for key in server.tickets]
    if server.status == "unknown":
        parts += [one_line(text, 120) for text in server.problems]
    return "  ".join(parts).rstrip()


def incident_json(row: IncidentRow, zone: ZoneInfo) -> dict[str, Any]:
    i = row.incident
    return {
        "id": i.id, "server_id": i.server_id, "server": row.server, "customer": row.customer,
        "kind": i.kind, "subject": i.subject, "level": i.level, "detail": i.detail,
        "rounds": i.rounds, "first_seen_at": iso(i.first_seen_at, zone),
        "last_seen_at": iso(i.last_seen_at, zone), "cleared_at": iso(i.cleared_at, zone),
        "ticket": ticket_key(i.ticket_id) if i.ticket_id else None,
    }  # fmt: skip


def incident_line(row: IncidentRow, zone: ZoneInfo) -> str:
    i = row.incident
    state = f"cleared {_local(i.cleared_at, zone)}" if i.cleared_at else "OPEN"
    ticket = ticket_key(i.ticket_id) if i.ticket_id else ""
    return (f"{i.id:>6}  {fit(one_line(row.customer), 20)} {fit(one_line(row.server), 16)} "
            f"{i.level:<8} {fit(one_line(i.detail), 28)} since {_local(i.first_seen_at, zone)} "
            f"x{i.rounds:<4} {state:<24} {ticket}").rstrip()  # fmt: skip


def sample_json(sample: HealthSample, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "collected_at": iso(sample.collected_at, zone), "source": sample.source,
        "up": sample.up, "cpu_percent": sample.cpu_percent,
        "memory_percent": sample.memory_percent, "load1": sample.load1,
        "uptime_seconds": sample.uptime_seconds, "net_in_bps": sample.net_in_bps,
        "net_out_bps": sample.net_out_bps, "net_in_peak_1h": sample.net_in_peak_1h,
        "net_out_peak_1h": sample.net_out_peak_1h, "net_in_peak_24h": sample.net_in_peak_24h,
        "net_out_peak_24h": sample.net_out_peak_24h, "disk_max_percent": sample.disk_max_percent,
        "apt_upgrades_pending": sample.apt_upgrades_pending,
        "apt_security_pending": sample.apt_security_pending,
        "disks": sample.disks, "services": sample.services, "findings": sample.findings,
        "problems": [line for line in (sample.problems or "").splitlines() if line],
    }  # fmt: skip


def sample_line(sample: HealthSample, zone: ZoneInfo) -> str:
    state = "?" if sample.up is None else ("up" if sample.up else "DOWN")
    figures = "  ".join(
        f"{label} {_figure(value)}"
        for label, value in (("cpu", sample.cpu_percent), ("mem", sample.memory_percent),
                             ("disk", sample.disk_max_percent))
    )  # fmt: skip
    rates = f"in {_rate(sample.net_in_bps)} out {_rate(sample.net_out_bps)}"
    findings = "; ".join(one_line(str(f.get("detail", "")), 40) for f in sample.findings)
    return (
        f"{_local(sample.collected_at, zone)}  {state:<4} {figures}  {rates}  {findings}".rstrip()
    )


def _figure(value: float | None) -> str:
    return f"{value:5.1f}%" if value is not None else "   —  "


def _rate(bytes_per_second: float | None) -> str:
    if bytes_per_second is None:
        return "     —"
    for unit, size in (("GB/s", 1e9), ("MB/s", 1e6), ("kB/s", 1e3)):
        if bytes_per_second >= size:
            return f"{bytes_per_second / size:5.1f} {unit}"
    return f"{bytes_per_second:5.0f} B/s"


def _local(instant, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%m-%d %H:%M") if instant else "—"
