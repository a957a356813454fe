"""Demo server health (技术维保服务 · 监控服务): a few servers for the vendor-operated demo
customers with 14 days of hourly samples and the last hour minute by minute, as the
collector would have stored them: one server down (its urgent incident linked to an open
urgent demo ticket about it), one disk filling up (full in about two weeks: 系统扩容), one
CPU warning, pending security updates on one, the rest healthy with office-hours traffic.

No exporter URL and no instance label: live collection leaves these servers alone. The
same seed and `now` give the same samples. The demo's tickets are only linked to, never
added or changed, so the ticket count and the queue stay as they were.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from helpdesk_tui.domain.health import (
    DiskUse,
    Finding,
    ServerHealth,
    Thresholds,
    evaluate,
)
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services.cloud import add_server
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.health_alerts import TARGET, subject_of
from helpdesk_tui.services.health_history import trends
from helpdesk_tui.services.health_records import sample_values, with_trends
from helpdesk_tui.store.models import (
    AlertTimer,
    Contract,
    Customer,
    HealthIncident,
    HealthSample,
    Server,
    Ticket,
)

LOCAL = ZoneInfo("Asia/Shanghai")
HOURS = 14 * 24
MINUTES = 60
QUIET_HOURS = 24  # the other demo servers: a day is enough for their sparklines and peaks
THRESHOLDS = Thresholds()
GIB = 2**30
UPTIME = 55 * 86400.0  # seconds, at `now`
NONE = -math.inf  # no rate while down (floats only: max() stays fast)
DOWN_PROBLEM = "down: Prometheus' latest scrape of it failed"
JUST_DOWN = timedelta(minutes=1, seconds=30)  # two rounds: not yet sustained, no ticket due
DOWN_WORDS = ("宕机", "失联", "down")


@dataclass(frozen=True)
class Profile:
    name: str
    role: str
    cpu: float  # busy-hour CPU %
    memory: float
    net: float  # busy-hour bytes/s in
    disks: tuple[tuple[str, float, float, float], ...]  # mount, GiB, % 14 days ago, % a day
    apt: tuple[int, int] | None = None  # (pending, security)
    cpu_hot_minutes: int = 0  # the last minutes run hot (a CPU warning)
    down_since: datetime | None = None


def add_demo_health(desk: Desk, seed: int, now: datetime) -> int:
    """The demo servers and their history; returns how many samples were stored."""
    rng = random.Random(f"health:{seed}")
    plans = _plans(desk, now)
    if not plans:
        return 0
    servers = _servers(desk, plans)
    rows, incidents = [], []
    for (_, profile, ticket_id), server_id in zip(plans, servers, strict=True):
        made = _history(server_id, profile, now, rng)
        rows += made
        incidents += _incidents(server_id, made, ticket_id)
    rows += _quiet_history(desk, now, rng, exclude=set(servers))
    with desk.store.write() as session:
        session.connection().execute(insert(HealthSample.__table__), rows)  # Core: 3x faster
        session.add_all(incidents)
        session.flush()
        session.add_all(_quiet_timer(incident) for incident in incidents)
    return len(rows)


# -- who gets which server ------------------------------------------------------------------


def _plans(desk: Desk, now: datetime) -> list[tuple[int, Profile, int | None]]:
    """(customer id, profile, ticket to link) per server to make; none on a second run."""
    with desk.store.read() as session:
        if session.scalar(select(Server.id).where(Server.name == "ecs-app-01").limit(1)):
            return []
        customers = list(session.scalars(
            select(Customer.id).join(Contract, Contract.customer_id == Customer.id)
            .where(Contract.vendor_operated.is_(True)).order_by(Customer.id).limit(3)
        ))  # fmt: skip
        ticket = _down_ticket(session)
    if not customers:
        return []
    a, b, c = (customers * 3)[:3]
    plans: list[tuple[int, Profile, int | None]] = [
        (a, Profile("his-db-01", "数据库服务器", 45, 71, 6e6,
                    (("/", 50, 41, 0.05), ("/data", 800, 52, 0.3)), apt=(2, 0)), None),
        (a, Profile("his-app-01", "应用服务器", 55, 62, 9e6, (("/", 50, 38, 0.02),),
                    apt=(3, 0), cpu_hot_minutes=24), None),
        (b, Profile("file-01", "文件服务器", 12, 35, 2.4e7,
                    (("/", 40, 30, 0.01), ("/data", 2000, 59, 1.5)), apt=(0, 0)), None),
        (b, Profile("erp-app-01", "应用服务器", 30, 58, 4e6, (("/", 60, 47, 0.03),),
                    apt=(23, 7)), None),
        (c, Profile("gis-web-01", "Web 服务器", 20, 44, 1.2e7, (("/", 80, 33, 0.02),),
                    apt=(1, 0)), None),
        (c, Profile("backup-01", "备份服务器", 8, 30, 3e6,
                    (("/", 40, 22, 0.0), ("/backup", 8000, 61, 0.2)), apt=(0, 0)), None),
    ]  # fmt: skip
    down = Profile("ecs-app-01", "应用服务器（云）", 40, 66, 8e6, (("/", 100, 45, 0.1),),
                   apt=(5, 1), down_since=now - JUST_DOWN)  # fmt: skip
    if ticket is None:  # no open urgent ticket to link: it went down a moment ago
        plans.append((c, down, None))
    else:
        ticket_id, customer_id, reported_at = ticket
        since = max(reported_at - timedelta(minutes=3), now - timedelta(hours=HOURS - 1))
        plans.append((customer_id, replace(down, down_since=since), ticket_id))
    return plans


def _down_ticket(session) -> tuple[int, int, datetime] | None:
    """The open urgent demo ticket that reads most like a server being down: from
    monitoring, with 宕机/失联/down in its title; the newest of the best."""
    rows = session.execute(
        select(Ticket.id, Ticket.customer_id, Ticket.reported_at, Ticket.channel, Ticket.title)
        .where(Ticket.is_open.is_(True), Ticket.severity == Severity.URGENT.value)
        .order_by(Ticket.id.desc())
        .limit(200)
    ).all()
    if not rows:
        return None

    def fit(row) -> tuple[int, int]:
        words = any(word in row.title for word in DOWN_WORDS)
        return (2 if row.channel == "monitoring" else 0) + (1 if words else 0), row.id

    best = max(rows, key=fit)
    return best.id, best.customer_id, best.reported_at


def _servers(desk: Desk, plans) -> list[int]:
    return [
        add_server(desk, str(customer_id), profile.name, role=profile.role,
                   vendor_operated=True).id or 0
        for customer_id, profile, _ in plans
    ]  # fmt: skip


# -- the samples ------------------------------------------------------------------------------


def _instants(now: datetime, hours: int = HOURS) -> list[datetime]:
    hourly = [now - timedelta(hours=k) for k in range(hours, 1, -1)]
    return hourly + [now - timedelta(minutes=m) for m in range(MINUTES, -1, -1)]


def _busy(at: datetime) -> float:
    """How busy office hours make a server: 0.25 at night, 1 late morning and afternoon."""
    local = at.astimezone(LOCAL)
    hour = local.hour + local.minute / 60
    weekday = local.weekday() < 5
    day = max(0.0, math.sin(math.pi * (hour - 7) / 12)) if 7 <= hour <= 19 else 0.0
    return 0.25 + (0.75 if weekday else 0.3) * day


def _history(
    server_id: int, profile: Profile, now: datetime, rng: random.Random, hours: int = HOURS
) -> list[dict]:
    instants = _instants(now, hours)
    figures = [_figures(profile, at, now, rng) for at in instants]
    peaks = _peaks(instants, figures)
    looks = [
        ServerHealth(profile.name, True, at, "prometheus", **seen, **peak)
        if seen is not None
        else ServerHealth(profile.name, False, at, "prometheus", problems=(DOWN_PROBLEM,))
        for at, seen, peak in zip(instants, figures, peaks, strict=True)
    ]
    rows = [sample_values(server_id, health, evaluate(health, THRESHOLDS)) for health in looks]
    return _with_trend(rows, now)


def _figures(profile: Profile, at: datetime, now: datetime, rng: random.Random) -> dict | None:
    """What the server shows at `at`; None while it is down."""
    if profile.down_since is not None and at >= profile.down_since:
        return None
    busy = _busy(at) * rng.uniform(0.85, 1.15)
    cpu = min(99.0, profile.cpu * busy + rng.uniform(0, 4))
    if profile.cpu_hot_minutes and now - at < timedelta(minutes=profile.cpu_hot_minutes):
        cpu = rng.uniform(86, 92)
    days_ago = (now - at) / timedelta(days=1)
    disks = tuple(_disk(mount, size, start + rate * (14 - days_ago)) for mount, size, start, rate
                  in profile.disks)  # fmt: skip
    pending, security = profile.apt or (None, None)
    return {
        "cpu_percent": cpu, "memory_percent": profile.memory + rng.uniform(-2, 2),
        "load1": cpu / 25, "uptime_seconds": UPTIME - (now - at).total_seconds(),
        "disks": disks, "net_in_bps": profile.net * busy,
        "net_out_bps": profile.net * busy * rng.uniform(0.3, 0.6),
        "apt_upgrades_pending": pending, "apt_security_pending": security,
    }  # fmt: skip


def _peaks(instants: list[datetime], figures: list[dict | None]) -> list[dict]:
    """The peaks of the hour and the day before each instant, as Prometheus tells them."""
    seconds = [at.timestamp() for at in instants]
    rates_in = [seen["net_in_bps"] if seen else NONE for seen in figures]
    rates_out = [seen["net_out_bps"] if seen else NONE for seen in figures]
    peaks = []
    for k, now in enumerate(seconds):
        hour, day = bisect_left(seconds, now - 3600), bisect_left(seconds, now - 86400)
        peaks.append({
            "net_in_peak_1h": _known_max(rates_in[hour : k + 1]),
            "net_out_peak_1h": _known_max(rates_out[hour : k + 1]),
            "net_in_peak_24h": _known_max(rates_in[day : k + 1]),
            "net_out_peak_24h": _known_max(rates_out[day : k + 1]),
        })  # fmt: skip
    return peaks


def _known_max(values: list[float]) -> float | None:
    highest = max(values)
    return None if highest == NONE else highest


def _disk(mount: str, size_gib: float, percent: float) -> DiskUse:
    size = size_gib * GIB
    free = size * (1 - percent / 100)
    device = "vda1" if mount == "/" else "vdb1"
    return DiskUse(mount, f"/dev/{device}", "ext4", size, free, free)


def _with_trend(rows: list[dict], now: datetime) -> list[dict]:
    """The latest hour's samples carry the trend worked out from the history before."""
    points: dict[str, list[tuple[datetime, float]]] = {}
    for row in rows:
        for disk in row["disks"]:
            points.setdefault(disk["mount"], []).append((row["collected_at"], disk["percent"]))
    current = {mount: found[-1][1] for mount, found in points.items()}
    days = trends({mount: found[:-1] for mount, found in points.items()}, now, current)
    for row in rows:
        if row["disks"] and now - row["collected_at"] <= timedelta(minutes=MINUTES):
            row["disks"] = with_trends(row["disks"], days, row["collected_at"])
    return rows


def _quiet_history(desk: Desk, now: datetime, rng: random.Random, exclude: set[int]) -> list:
    """Healthy samples for the other demo servers (made by other demo parts) that have no
    source and no samples yet; their hand-entered pending updates stay theirs."""
    with desk.store.read() as session:
        sampled = select(HealthSample.server_id)
        others = session.execute(
            select(Server.id, Server.name).where(
                Server.active.is_(True), Server.exporter_url == "",
                Server.prometheus_instance == "", Server.id.not_in(sampled),
            ).order_by(Server.id)
        ).all()  # fmt: skip
    rows = []
    for server_id, name in others:
        if server_id in exclude:
            continue
        profile = Profile(name, "", rng.uniform(15, 40), rng.uniform(40, 65), rng.uniform(2e6, 9e6),
                          (("/", 100, rng.uniform(30, 50), 0.03),))  # fmt: skip
        rows += _history(server_id, profile, now, rng, hours=QUIET_HOURS)
    return rows


# -- incidents ------------------------------------------------------------------------------


def _incidents(server_id: int, rows: list[dict], ticket_id: int | None) -> list[HealthIncident]:
    """The incidents open at the end, as the collector would have followed them."""
    last = rows[-1]
    made = []
    for entry in last["findings"]:
        finding = Finding(entry["kind"], entry["subject"], entry["level"], entry["value"],
                          entry["detail"])  # fmt: skip
        run = _run_of(rows, finding)
        critical = [at for at, level in run if level == "critical"]
        made.append(HealthIncident(
            server_id=server_id, kind=finding.kind, subject=finding.subject,
            level="critical" if critical else "warning", detail=finding.detail,
            first_seen_at=run[0][0], last_seen_at=last["collected_at"],
            critical_since=min(critical) if critical else None, rounds=len(run),
            ticket_id=ticket_id if finding.kind == "down" else None,
        ))  # fmt: skip
    return made


def _run_of(rows: list[dict], finding: Finding) -> list[tuple[datetime, str]]:
    """(instant, level) of the samples, latest backwards, that found it without a break."""
    run = []
    for row in reversed(rows):
        levels = [f["level"] for f in row["findings"]
                  if (f["kind"], f["subject"]) == (finding.kind, finding.subject)]  # fmt: skip
        if not levels:
            break
        run.append((row["collected_at"], levels[0]))
    return run[::-1]


def _quiet_timer(incident: HealthIncident) -> AlertTimer:
    """As with the demo tickets: what happened before `now` counts as alerted already."""
    return AlertTimer(subject=subject_of(incident.id), target=TARGET, next_at=None,
                      fired_upto=incident.first_seen_at, ticket_id=incident.ticket_id)  # fmt: skip
