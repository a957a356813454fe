"""Server health rules (pure): findings, ticket severities, sustained findings, disk trend,
counter rates, peaks and the df-compatible disk percentage."""

import ast
import math
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from helpdesk_tui.domain import health
from helpdesk_tui.domain.health import (
    DiskUse,
    Finding,
    Rate,
    ServerHealth,
    ServiceState,
    Thresholds,
    counter_increase,
    cpu_busy_percent,
    days_until_full,
    df_percent,
    evaluate,
    is_counted_interface,
    is_server_disk,
    peak,
    peak_since,
    sustained,
)

T0 = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)
GB = 1024**3


def server(**values) -> ServerHealth:
    return ServerHealth(instance="web-1:9100", up=True, collected_at=T0, source="scrape", **values)


def disk(mount: str, used_percent: float) -> DiskUse:
    return DiskUse(mount, "/dev/vda1", "ext4", 100 * GB, (100 - used_percent) * GB,
                   (100 - used_percent) * GB)  # fmt: skip


def found(findings: list[Finding]) -> set[tuple[str, str, str]]:
    return {(f.kind, f.subject, f.level) for f in findings}


# -- df-compatible disk use ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "free", "avail", "expected"),
    [
        (100, 40, 40, 60.0),  # no reserved blocks: plain used / size
        (100, 40, 35, 100 * 60 / 95),  # 5 reserved for root: df counts them as used up
        (100, 5, 0, 100.0),  # only root's reserve is left: full for everyone else
        (100, 100, 100, 0.0),
        (0, 0, 0, None),  # nothing at all (a pseudo file system)
        (None, 40, 40, None),
        (100, None, 40, None),
        (100, 40, None, None),
    ],
)
def test_df_percent(size, free, avail, expected):
    got = df_percent(size, free, avail)
    assert got == pytest.approx(expected) if expected is not None else got is None
    assert DiskUse("/", "/dev/vda", "ext4", size, free, avail).percent == got


def test_df_percent_matches_df_on_a_real_looking_ext4():
    # statfs of an ext4 root with a large root reserve, for which `df /` showed Use% 24
    # (df rounds up); used / size would say 10 %
    size, free, avail = 270_553_174_016, 244_796_276_736, 83_187_396_608
    assert math.ceil(df_percent(size, free, avail)) == 24
    assert round(100 * (size - free) / size) == 10


# -- findings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, set()),
        ({"cpu_percent": 80.0}, set()),  # at the threshold is not above it
        ({"cpu_percent": 80.1}, {("cpu", "web-1:9100", "warning")}),
        ({"cpu_percent": 95.0}, {("cpu", "web-1:9100", "warning")}),
        ({"cpu_percent": 99.0}, {("cpu", "web-1:9100", "critical")}),
        ({"memory_percent": 86.0}, {("memory", "web-1:9100", "warning")}),
        ({"memory_percent": 96.0}, {("memory", "web-1:9100", "critical")}),
        ({"disks": (disk("/", 50), disk("/data", 90))}, {("disk", "/data", "warning")}),
        ({"disks": (disk("/data", 96),)}, {("disk", "/data", "critical")}),
        ({"services": (ServiceState("nginx.service", "failed"),)},
         {("service", "nginx.service", "critical")}),
        ({"services": (ServiceState("app.service", "activating"),)},
         {("service", "app.service", "warning")}),
        ({"services": (ServiceState("cron.service", "inactive"),
                       ServiceState("ssh.service", "active"))}, set()),
        ({"up": False, "cpu_percent": 99.0, "disks": (disk("/", 99),)},
         {("down", "web-1:9100", "critical")}),  # down says it all: the rest is stale
        ({"up": None, "cpu_percent": 99.0}, {("cpu", "web-1:9100", "critical")}),
        ({"cpu_percent": 85.0, "memory_percent": 97.0, "disks": (disk("/", 99),)},
         {("cpu", "web-1:9100", "warning"), ("memory", "web-1:9100", "critical"),
          ("disk", "/", "critical")}),
    ],
)  # fmt: skip
def test_evaluate(values, expected):
    values = {"up": True, **values}
    up = values.pop("up")
    health = ServerHealth("web-1:9100", up, T0, "prometheus", **values)
    assert found(evaluate(health, Thresholds())) == expected


def test_evaluate_uses_the_given_thresholds():
    strict = Thresholds(cpu_warn=50, cpu_crit=70, disk_warn=40, disk_crit=45)
    findings = evaluate(server(cpu_percent=75.0, disks=(disk("/", 42),)), strict)
    assert found(findings) == {("cpu", "web-1:9100", "critical"), ("disk", "/", "warning")}
    assert [f.value for f in findings] == [75.0, pytest.approx(42.0)]


def test_a_finding_tells_its_value():
    (finding,) = evaluate(server(memory_percent=91.25), Thresholds())
    assert finding.detail == "memory 91.2 %"


def f(kind: str, subject: str, level: str = "critical") -> Finding:
    return Finding(kind, subject, level, 1.0, "")


@pytest.mark.parametrize(
    ("history", "sustain", "expected"),
    [
        ([], 3, set()),
        ([[f("cpu", "a")]] * 2, 3, set()),  # not enough samples yet
        ([[f("cpu", "a")]] * 3, 3, {("cpu", "a", "critical")}),
        ([[f("cpu", "a")], [], [f("cpu", "a")], [f("cpu", "a")]], 3, set()),  # a gap
        ([[], [f("cpu", "a")], [f("cpu", "a")], [f("cpu", "a")]], 3,
         {("cpu", "a", "critical")}),  # only the latest samples count
        ([[f("disk", "/")], [f("disk", "/data")], [f("disk", "/")]], 2, set()),  # other subject
        ([[f("cpu", "a", "warning")], [f("cpu", "a")], [f("cpu", "a")]], 3,
         {("cpu", "a", "warning")}),  # one spike does not make it critical
        ([[f("cpu", "a"), f("memory", "a")], [f("cpu", "a")]], 1, {("cpu", "a", "critical")}),
        ([[f("down", "a")]], 0, {("down", "a", "critical")}),  # 0 means "the latest sample"
    ],
)  # fmt: skip
def test_sustained(history, sustain, expected):
    assert found(sustained(history, sustain)) == expected


def test_sustained_keeps_the_latest_value():
    older = Finding("cpu", "a", "critical", 96.0, "CPU 96.0 %")
    latest = Finding("cpu", "a", "critical", 99.0, "CPU 99.0 %")
    assert sustained([[older], [latest]], 2) == [latest]


# -- trend --------------------------------------------------------------------------------


def series(*points: tuple[float, float]) -> list[tuple[datetime, float]]:
    """(days after T0, used percent)"""
    return [(T0 + days * DAY, percent) for days, percent in points]


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        (series((0, 50), (1, 51), (2, 52)), 48.0),  # 1 point a day, 48 points to go
        (series((0, 90), (7, 97)), 3.0),
        (series((0, 50), (1, 52), (2, 51), (3, 53)), (100 - 52.7) / 0.8),  # fitted, not last
        (series((0, 50), (10, 50)), None),  # flat
        (series((0, 60), (10, 50)), None),  # shrinking
        (series((0, 99), (1, 101)), 0.0),  # already past full on the line
        (series((0, 50)), None),  # one sample
        ([], None),
        (series((0, 50), (0.5, 60)), None),  # under a day: noise, not a trend
        (series((2, 52), (0, 50), (1, 51)), 48.0),  # order does not matter
    ],
)
def test_days_until_full(samples, expected):
    got = days_until_full(samples)
    assert got == pytest.approx(expected) if expected is not None else got is None


def test_days_until_full_with_a_shorter_minimum_span():
    samples = [(T0, 50.0), (T0 + timedelta(hours=1), 51.0)]
    assert days_until_full(samples, min_span=timedelta(hours=1)) == pytest.approx(49 / 24)


# -- counters, peaks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "later", "seconds", "per_second", "reset"),
    [
        (1000.0, 1600.0, 60, 10.0, False),
        (1000.0, 1000.0, 60, 0.0, False),
        (1_000_000.0, 300.0, 60, 5.0, True),  # reset: the counter restarted from zero
        (1_000_000.0, 0.0, 60, 0.0, True),
        (1000.0, 1600.0, 0, None, False),  # no time passed
        (1000.0, 1600.0, -5, None, False),  # the clock went back
    ],
)
def test_rate(earlier, later, seconds, per_second, reset):
    rate = Rate.between((earlier, T0), (later, T0 + timedelta(seconds=seconds)))
    assert rate.per_second == per_second
    assert rate.reset is reset


def test_counter_increase():
    assert counter_increase(5.0, 7.5) == (2.5, False)
    assert counter_increase(7.5, 5.0) == (5.0, True)


@pytest.mark.parametrize(
    ("idle", "total", "expected"),
    [
        (75.0, 100.0, 25.0),
        (100.0, 100.0, 0.0),
        (0.0, 100.0, 100.0),
        (0.0, 0.0, None),
        (110.0, 100.0, 0.0),
    ],
)
def test_cpu_busy_percent(idle, total, expected):
    assert cpu_busy_percent(idle, total) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 5.0, 3.0], 5.0),
        ([None, 2.0], 2.0),
        ([], None),
        ([None, float("nan")], None),
        ([float("nan"), 1.0], 1.0),
    ],
)
def test_peak(values, expected):
    assert peak(values) == expected


def test_peak_since_leaves_out_older_samples():
    samples = [(T0, 900.0), (T0 + timedelta(minutes=30), 100.0), (T0 + timedelta(hours=1), 50.0)]
    assert peak_since(samples, T0 + timedelta(minutes=1)) == 100.0
    assert peak_since(samples, T0) == 900.0
    assert peak_since(samples, T0 + DAY) is None


# -- what counts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("device", "counted"),
    [
        ("eth0", True),
        ("ens3", True),
        ("enp0s31f6", True),
        ("wlan0", True),
        ("lo", False),
        ("veth1a2b", False),
        ("docker0", False),
        ("br-9f8e", False),
        ("virbr0", False),
        ("cali123", False),
        ("flannel.1", False),
        ("tun0", False),
        ("wg0", False),
        ("bond0", False),
        ("ifb0", False),
        ("lo0", True),
    ],
)
def test_counted_interfaces(device, counted):
    assert is_counted_interface(device) is counted


@pytest.mark.parametrize(
    ("fstype", "disk"),
    [
        ("ext4", True),
        ("xfs", True),
        ("btrfs", True),
        ("vfat", True),
        ("zfs", True),
        ("tmpfs", False),
        ("overlay", False),
        ("squashfs", False),
        ("nfs4", False),
        ("fuse.sshfs", False),
        ("devtmpfs", False),
        ("cgroup2", False),
    ],
)
def test_server_disks(fstype, disk):
    assert is_server_disk(fstype) is disk


def test_the_health_rules_import_only_the_standard_library_and_the_domain():
    tree = ast.parse(Path(health.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}  # fmt: skip
    imported |= {node.module for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}  # fmt: skip
    outside = {name for name in imported if name.split(".")[0] not in sys.stdlib_module_names
               and not name.startswith("helpdesk_tui.domain")}  # fmt: skip
    assert outside == set()
