"""Server health (技术维保服务 · 监控服务): what a monitored server looks like, and the rules
that turn a look into findings, tickets and a capacity forecast (系统扩容).

Pure: the sources in `helpdesk_tui.monitoring` fill `ServerHealth`; every instant comes in
as an argument. Any measured value may be None: unknown is shown as unknown, and the
reason goes into `problems`, one line each.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

Source = Literal["prometheus", "scrape", "local"]
Level = Literal["warning", "critical"]
Kind = Literal["down", "cpu", "memory", "disk", "service"]

# Interfaces whose traffic is not the server's own traffic on the wire: loopback, and
# virtual devices that carry (or duplicate) what a physical interface already counts:
# container and VM plumbing, bridges, bonds and teams (their members are counted),
# tunnels and VPNs (their packets travel on a physical interface too), ifb mirrors.
VIRTUAL_INTERFACES = (
    r"lo|veth.*|docker.*|br-.*|virbr.*|vnet.*|cni.*|flannel.*|cali.*|vxlan.*|kube-.*"
    r"|tun.*|tap.*|wg.*|ifb.*|bond.*|team.*|dummy.*|gre.*|ip6tnl.*|sit.*|zt.*|tailscale.*"
)
# File systems that are not disks of the server: memory-backed, container layers, images,
# kernel pseudo file systems, and network mounts (they are another server's disks).
PSEUDO_FILESYSTEMS = (
    r"tmpfs|devtmpfs|ramfs|overlay|aufs|squashfs|iso9660|nsfs|proc|sysfs|cgroup2?|autofs"
    r"|devpts|mqueue|debugfs|tracefs|securityfs|pstore|bpf|configfs|fusectl|hugetlbfs"
    r"|binfmt_misc|rpc_pipefs|nfs4?|cifs|smb3?|fuse\..*"
)
_VIRTUAL = re.compile(VIRTUAL_INTERFACES)
_PSEUDO = re.compile(PSEUDO_FILESYSTEMS)


def is_counted_interface(device: str) -> bool:
    return _VIRTUAL.fullmatch(device) is None


def is_server_disk(fstype: str) -> bool:
    return _PSEUDO.fullmatch(fstype) is None


@dataclass(frozen=True)
class DiskUse:
    mount: str
    device: str
    fstype: str
    size_bytes: float | None
    free_bytes: float | None  # free blocks, the root-reserved ones included
    avail_bytes: float | None  # free blocks an ordinary user may use

    @property
    def percent(self) -> float | None:
        return df_percent(self.size_bytes, self.free_bytes, self.avail_bytes)


def df_percent(size: float | None, free: float | None, avail: float | None) -> float | None:
    """Use% as df shows it: used / (used + avail), so root-reserved blocks count as full."""
    if size is None or free is None or avail is None:
        return None
    used = size - free
    if used + avail <= 0:
        return None
    return 100.0 * used / (used + avail)


@dataclass(frozen=True)
class ServiceState:
    unit: str  # systemd unit, e.g. "nginx.service"
    state: str  # active | inactive | failed | activating | deactivating


@dataclass(frozen=True)
class ServerHealth:
    instance: str
    up: bool | None
    collected_at: datetime
    source: Source
    cpu_percent: float | None = None
    memory_percent: float | None = None
    load1: float | None = None
    load5: float | None = None
    load15: float | None = None
    uptime_seconds: float | None = None
    disks: tuple[DiskUse, ...] = ()
    net_in_bps: float | None = None  # bytes/s over counted interfaces (is_counted_interface)
    net_out_bps: float | None = None
    net_in_peak_1h: float | None = None
    net_out_peak_1h: float | None = None
    net_in_peak_24h: float | None = None
    net_out_peak_24h: float | None = None
    services: tuple[ServiceState, ...] = ()
    apt_upgrades_pending: int | None = None
    apt_security_pending: int | None = None
    problems: tuple[str, ...] = ()


# -- thresholds and findings --------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """A value above `*_warn` is a warning, above `*_crit` critical (percent)."""

    cpu_warn: float = 80.0
    cpu_crit: float = 95.0
    memory_warn: float = 85.0
    memory_crit: float = 95.0
    disk_warn: float = 85.0
    disk_crit: float = 95.0


@dataclass(frozen=True)
class Finding:
    kind: Kind
    subject: str  # the instance, a mount point or a unit
    level: Level
    value: float | None
    detail: str


# Service states worth a finding; "inactive" is a unit someone stopped on purpose.
_SERVICE_LEVELS: dict[str, Level] = {
    "failed": "critical",
    "activating": "warning",
    "deactivating": "warning",
}


def evaluate(health: ServerHealth, thresholds: Thresholds) -> list[Finding]:
    """What is wrong with one server now. A server that is down has no other findings:
    its other values are stale or unknown."""
    if health.up is False:
        return [Finding("down", health.instance, "critical", None, "not reachable")]
    findings = [
        _level_finding("cpu", health.instance, health.cpu_percent,
                       thresholds.cpu_warn, thresholds.cpu_crit, "CPU"),
        _level_finding("memory", health.instance, health.memory_percent,
                       thresholds.memory_warn, thresholds.memory_crit, "memory"),
    ]  # fmt: skip
    for disk in health.disks:
        findings.append(
            _level_finding("disk", disk.mount, disk.percent,
                           thresholds.disk_warn, thresholds.disk_crit, f"disk {disk.mount}")
        )  # fmt: skip
    for service in health.services:
        level = _SERVICE_LEVELS.get(service.state)
        if level:
            findings.append(Finding("service", service.unit, level, None, service.state))
    return [finding for finding in findings if finding is not None]


def _level_finding(
    kind: Kind, subject: str, value: float | None, warn: float, crit: float, label: str
) -> Finding | None:
    if value is None or value <= warn:
        return None
    level: Level = "critical" if value > crit else "warning"
    return Finding(kind, subject, level, value, f"{label} {value:.1f} %")


def sustained(history: Sequence[Sequence[Finding]], sustain: int) -> list[Finding]:
    """The findings of the latest sample that were also found (same kind and subject) in
    each of the `sustain` latest samples, at the mildest level seen among them: one
    critical spike in a run of warnings stays a warning."""
    sustain = max(sustain, 1)
    if len(history) < sustain:
        return []
    recent = history[-sustain:]
    in_every = set.intersection(*({_key(f) for f in sample} for sample in recent))
    levels: dict[tuple[str, str], set[str]] = {}
    for sample in recent:
        for finding in sample:
            levels.setdefault(_key(finding), set()).add(finding.level)
    found = []
    for finding in recent[-1]:
        if _key(finding) in in_every:
            mildest: Level = "warning" if "warning" in levels[_key(finding)] else "critical"
            found.append(replace(finding, level=mildest))
    return found


def _key(finding: Finding) -> tuple[str, str]:
    return finding.kind, finding.subject


# -- counters, peaks, trends --------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """The per-second rate of a counter between two samples (value, instant).

    A counter that went down was reset (a reboot, an exporter restart, a wrap): like
    Prometheus' rate(), the counter is taken to have restarted from zero, so the increase
    is the new value. `per_second` is None when no time passed between the samples."""

    per_second: float | None
    reset: bool

    @classmethod
    def between(cls, earlier: tuple[float, datetime], later: tuple[float, datetime]) -> Rate:
        increase, reset = counter_increase(earlier[0], later[0])
        seconds = (later[1] - earlier[1]).total_seconds()
        if seconds <= 0:
            return cls(None, reset)
        return cls(increase / seconds, reset)


def counter_increase(earlier: float, later: float) -> tuple[float, bool]:
    """(increase, reset) between two readings of a counter."""
    if later < earlier:
        return later, True
    return later - earlier, False


def cpu_busy_percent(idle_increase: float, total_increase: float) -> float | None:
    """Busy CPU time as a percentage: everything but the idle mode (iowait counts as busy,
    as in the usual `1 - rate(node_cpu_seconds_total{mode="idle"})`)."""
    if total_increase <= 0:
        return None
    return min(100.0, max(0.0, 100.0 * (1 - idle_increase / total_increase)))


def peak(values: Iterable[float | None]) -> float | None:
    """The highest known value; None when none is known (None and NaN are unknown)."""
    known = [v for v in values if v is not None and not math.isnan(v)]
    return max(known) if known else None


def peak_since(samples: Iterable[tuple[datetime, float | None]], since: datetime) -> float | None:
    return peak(value for at, value in samples if at >= since)


FULL = 100.0
MIN_TREND_SPAN = timedelta(days=1)


def days_until_full(
    samples: Sequence[tuple[datetime, float]], min_span: timedelta = MIN_TREND_SPAN
) -> float | None:
    """Days from the latest sample until disk use (percent) reaches 100 %, on the
    least-squares line through the samples (like PromQL's predict_linear).

    None when it cannot be told: fewer than 2 samples, samples spanning less than
    `min_span` (a day by default: a trend of minutes is noise, not capacity planning),
    or use that is flat or shrinking. 0 when the line is already at or above 100 %."""
    if len(samples) < 2:
        return None
    first = min(at for at, _ in samples)
    last = max(at for at, _ in samples)
    if last - first < min_span or last == first:
        return None
    days = [(at - first) / timedelta(days=1) for at, _ in samples]
    values = [value for _, value in samples]
    slope, intercept = _least_squares(days, values)
    if slope <= 0:
        return None
    now = (last - first) / timedelta(days=1)
    return max(0.0, (FULL - (intercept + slope * now)) / slope)


def _least_squares(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return slope, mean_y - slope * mean_x
