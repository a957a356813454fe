"""How one look at a server is stored in `health_samples`: the scalar columns, and the
JSON lists of disks, services and findings.

A disk entry: {"mount", "device", "fstype", "size_bytes", "free_bytes", "avail_bytes",
"percent", "days_until_full", "trend_at"}. The last two are the capacity trend, worked
out by the collector at most once an hour and carried forward in between, so that the
health board reads the forecast from the latest sample instead of weeks of history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from helpdesk_tui.domain.health import DiskUse, Finding, ServerHealth, ServiceState, peak

Json = dict[str, Any]


def sample_values(server_id: int, health: ServerHealth, findings: Sequence[Finding]) -> Json:
    """The row of one server's sample, ready for an INSERT."""
    disks = [disk_entry(disk) for disk in health.disks]
    return {
        "server_id": server_id,
        "collected_at": health.collected_at,
        "source": health.source,
        "up": health.up,
        "cpu_percent": health.cpu_percent,
        "memory_percent": health.memory_percent,
        "load1": health.load1,
        "uptime_seconds": health.uptime_seconds,
        "net_in_bps": health.net_in_bps,
        "net_out_bps": health.net_out_bps,
        "net_in_peak_1h": health.net_in_peak_1h,
        "net_out_peak_1h": health.net_out_peak_1h,
        "net_in_peak_24h": health.net_in_peak_24h,
        "net_out_peak_24h": health.net_out_peak_24h,
        "disk_max_percent": peak(disk["percent"] for disk in disks),
        "apt_upgrades_pending": health.apt_upgrades_pending,
        "apt_security_pending": health.apt_security_pending,
        "disks": disks,
        "services": [{"unit": s.unit, "state": s.state} for s in health.services],
        "findings": [finding_entry(f) for f in findings],
        "problems": "\n".join(health.problems),
    }


def disk_entry(disk: DiskUse) -> Json:
    return {
        "mount": disk.mount,
        "device": disk.device,
        "fstype": disk.fstype,
        "size_bytes": disk.size_bytes,
        "free_bytes": disk.free_bytes,
        "avail_bytes": disk.avail_bytes,
        "percent": disk.percent,
        "days_until_full": None,
        "trend_at": None,
    }


def finding_entry(finding: Finding) -> Json:
    return {
        "kind": finding.kind,
        "subject": finding.subject,
        "level": finding.level,
        "value": finding.value,
        "detail": finding.detail,
    }


def finding_line(kind: str, subject: str, detail: str) -> str:
    """A finding on one line as people read it: a unit names itself ("nginx.service
    failed"); the others' detail already says what ("disk /data 96.0 %")."""
    return f"{subject} {detail}" if kind == "service" else detail


def findings_of(entries: Iterable[Mapping[str, Any]]) -> list[Finding]:
    return [
        Finding(e["kind"], e["subject"], e["level"], e.get("value"), e.get("detail", ""))
        for e in entries
    ]


def services_of(entries: Iterable[Mapping[str, Any]]) -> tuple[ServiceState, ...]:
    return tuple(ServiceState(e["unit"], e["state"]) for e in entries)


def disk_percents(entries: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """mount → percent, for the mounts whose use is known."""
    return {e["mount"]: e["percent"] for e in entries if e.get("percent") is not None}


def trend_time(entries: Sequence[Mapping[str, Any]]) -> datetime | None:
    """When the trend of these disks was last worked out (the oldest of them); None when
    any disk has none yet."""
    stamps = [e.get("trend_at") for e in entries]
    if not stamps or any(stamp is None for stamp in stamps):
        return None
    return min(datetime.fromisoformat(stamp) for stamp in stamps)


def with_trends(
    entries: Sequence[Mapping[str, Any]], days: Mapping[str, float | None], at: datetime
) -> list[Json]:
    """The disk entries with `days` (mount → days until full) as their trend, worked out
    `at`."""
    return [
        {**e, "days_until_full": days.get(e["mount"]), "trend_at": at.isoformat()} for e in entries
    ]


def carried_trends(
    entries: Sequence[Mapping[str, Any]], previous: Sequence[Mapping[str, Any]]
) -> list[Json]:
    """The disk entries with the trend of the previous sample's same mount."""
    before = {e["mount"]: e for e in previous}
    carried = []
    for entry in entries:
        old = before.get(entry["mount"], {})
        trend = {"days_until_full": old.get("days_until_full"), "trend_at": old.get("trend_at")}
        carried.append({**entry, **trend})
    return carried
