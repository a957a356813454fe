"""Health cards made by hand, for the console tests: every status, hostile names, and a
board of any size (the screen takes a reader, so these never touch the database)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta

from helpdesk_tui.services.health_board import DiskGauge, ServerCard
from tests.tui.conftest import NOW

HOSTILE_NAME = "[red]x[/red]\x1b[2J"
MB = 1_000_000


def wave(level: float, swing: float, count: int = 60, phase: float = 0.0) -> tuple[float, ...]:
    return tuple(max(level + swing * math.sin(i / 6 + phase), 0.0) for i in range(count))


def card(server_id: int, name: str, **changes) -> ServerCard:
    base = ServerCard(
        server_id=server_id,
        name=name,
        customer="长沙人民医院",
        role="数据库主库",
        vendor_operated=True,
        status="ok",
        collected_at=NOW - timedelta(seconds=70),
        cpu_percent=23.0,
        memory_percent=61.0,
        load1=0.84,
        uptime_seconds=86_400 * 41,
        net_in_bps=1.2 * MB,
        net_out_bps=0.4 * MB,
        net_in_peak_1h=3.5 * MB,
        net_out_peak_1h=0.9 * MB,
        net_in_peak_24h=12.3 * MB,
        net_out_peak_24h=2.1 * MB,
        cpu_series=wave(25, 10, phase=server_id),
        net_in_series=wave(1.5 * MB, 1.2 * MB, phase=server_id + 1),
        net_out_series=wave(0.5 * MB, 0.3 * MB, phase=server_id + 2),
        disks=(DiskGauge("/", 41.0, None, False), DiskGauge("/data", 58.0, 120.0, False)),
        updates_pending=4,
        security_updates_pending=0,
        findings=(),
        problems=(),
        open_tickets=(),
    )
    return replace(base, **changes)


def sample_board() -> list[ServerCard]:
    """Worst first, as the board reads: down, critical, warning, unknown, ok, stale."""
    return [
        card(1, "db-primary", status="down", cpu_percent=None, memory_percent=None,
             load1=None, net_in_bps=None, net_out_bps=None, collected_at=NOW - timedelta(minutes=2),
             findings=("node_exporter 10.0.3.11:9100 不可达（连续 3 轮）",),
             open_tickets=("T-000301",)),
        card(2, "his-app-01", customer="长沙人民医院", role="应用服务器", status="critical",
             cpu_percent=97.0, cpu_series=wave(80, 18, phase=2),
             disks=(DiskGauge("/", 96.4, 3.2, True), DiskGauge("/var/log", 88.0, 20.0, True),
                    DiskGauge("/boot", 31.0, None, False)),
             updates_pending=37, security_updates_pending=5,
             findings=("CPU 97% ≥ 95%（持续 5 轮）", "磁盘 / 96% ≥ 95%"),
             open_tickets=("T-000288", "T-000290")),
        card(3, "web-01", customer="广州第一中学", role="门户网站", status="warning",
             memory_percent=89.0, vendor_operated=False,
             findings=("内存 89% ≥ 85%",)),
        card(4, "backup-nas", customer="广州第一中学", role="备份存储", status="unknown",
             cpu_percent=None, cpu_series=(), net_in_series=(), net_out_series=(),
             disks=(), updates_pending=None, security_updates_pending=None,
             problems=("Prometheus 未返回 node_filesystem 指标",)),
        card(5, "erp-db", customer="湖南机电", role="ERP 数据库"),
        card(6, "erp-app", customer="湖南机电", role="ERP 应用",
             collected_at=NOW - timedelta(minutes=17)),
    ]  # fmt: skip


def big_board(count: int) -> list[ServerCard]:
    """`count` servers: a few down and critical at the front, the rest fine."""
    cards = []
    for number in range(1, count + 1):
        status = "down" if number <= 3 else "critical" if number <= 8 else "ok"
        findings = ("CPU 97% ≥ 95%",) if status != "ok" else ()
        cards.append(card(number, f"srv-{number:03d}", status=status, findings=findings,
                          customer=f"客户{number % 17:02d}"))  # fmt: skip
    return cards
