"""One health collection round (技术维保服务 · 监控服务): look at every monitored server,
store what was seen, follow the incidents, open monitoring tickets, raise alerts.

    check (network) → prepare (read: trends) → store (ONE write transaction: samples,
    incidents, alert timers, reused tickets, work-log lines) → open new tickets (their
    own transactions, crash-safe: see health_tickets) → prune.

Network I/O: callers run it in a thread. Only one process collects at a time (the
"health-collection" lease, see alerts.health_job and services.job_lease).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.health import Finding, Level
from helpdesk_tui.domain.incidents import Incident, due_tickets, track
from helpdesk_tui.domain.monitoring_policy import SEED_MONITORING, MonitoringPolicy
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.health_alerts import sync_incident_alert
from helpdesk_tui.services.health_history import (
    disk_history,
    latest_samples,
    recent_findings,
    trends,
)
from helpdesk_tui.services.health_records import (
    carried_trends,
    disk_percents,
    finding_line,
    sample_values,
    trend_time,
    with_trends,
)
from helpdesk_tui.services.health_retention import prune
from helpdesk_tui.services.health_tickets import (
    TicketNeed,
    log_on_ticket,
    open_tickets,
    reusable_ticket,
)
from helpdesk_tui.services.server_health import ServerCheck, check_servers
from helpdesk_tui.store.models import HealthIncident, HealthSample, Server, ticket_key

if TYPE_CHECKING:
    from helpdesk_tui.monitoring.node_exporter import ScrapeSource

KEEP_DAYS = 35
TREND_EVERY = timedelta(hours=1)
TREND_BATCH = 20  # servers whose capacity trend is worked out in one round
DETAIL_MAX = 300


@dataclass(frozen=True)
class ServerRound:
    server_id: int
    name: str
    customer: str
    status: str  # ok | warning | critical | down | unknown | unmonitored
    findings: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    opened: tuple[str, ...] = ()  # incidents opened this round
    cleared: tuple[str, ...] = ()  # incidents cleared this round
    tickets: tuple[str, ...] = ()  # tickets opened, or reused, this round


@dataclass(frozen=True)
class RoundReport:
    collected_at: datetime
    servers: tuple[ServerRound, ...]
    samples: int  # stored this round
    pruned: int  # old samples removed


def anything_to_collect(desk: Desk, prometheus_url: str = "") -> bool:
    """Whether any active server can be looked at (an exporter URL, or an instance label
    with a Prometheus configured): a desk without any need not collect, nor take a lease."""
    reachable = Server.exporter_url != ""
    if prometheus_url:
        reachable = or_(reachable, Server.prometheus_instance != "")
    query = select(Server.id).where(Server.active.is_(True), reachable).limit(1)
    with desk.store.read() as session:
        return session.scalar(query) is not None


def collect_round(
    desk: Desk, prometheus_url: str = "", *, keep_days: int = KEEP_DAYS,
    policy: MonitoringPolicy = SEED_MONITORING, scraper: ScrapeSource | None = None,
) -> RoundReport:  # fmt: skip
    """`scraper`: kept by a periodic job across rounds, for the scraped servers' rates."""
    checks = check_servers(desk, prometheus_url, scraper=scraper, policy=policy)
    return store_round(desk, checks, keep_days=keep_days, policy=policy)


def store_round(
    desk: Desk, checks: Sequence[ServerCheck], *, keep_days: int = KEEP_DAYS,
    policy: MonitoringPolicy = SEED_MONITORING,
) -> RoundReport:  # fmt: skip
    """Everything after the network: what `collect_round` does with the checks."""
    now = desk.now()
    measured = [c for c in checks if c.health is not None]
    rows, previous_round = _prepare_samples(desk, measured, now)
    with desk.store.write() as session:
        if rows:
            session.execute(insert(HealthSample), rows)
        judged, needs = _judge_all(session, desk, measured, policy)
    linked = open_tickets(desk, needs)
    for need in needs:
        if need.incident_id in linked:
            judged[need.server_id].tickets.append(linked[need.incident_id])
    pruned = prune(desk, now, keep_days, previous_round)
    servers = tuple(_server_round(check, judged.get(check.server_id)) for check in checks)
    return RoundReport(now, servers, len(rows), pruned)


# -- samples and their capacity trend -----------------------------------------------------


def _prepare_samples(
    desk: Desk, measured: Sequence[ServerCheck], now: datetime
) -> tuple[list[dict], datetime | None]:
    """The sample rows, each disk with its trend (worked out hourly, carried in between);
    and when the previous round was."""
    rows = {c.server_id: sample_values(c.server_id, c.health, c.findings) for c in measured}
    with desk.store.read() as session:
        previous = latest_samples(session, list(rows), now)
        due = _trends_due(rows, previous, now)
        history = disk_history(session, due, now)
    for server_id in due:
        row = rows[server_id]
        days = trends(history.get(server_id, {}), row["collected_at"], disk_percents(row["disks"]))
        row["disks"] = with_trends(row["disks"], days, row["collected_at"])
    for server_id, row in rows.items():
        if server_id not in due and row["disks"]:
            before = previous[server_id].disks if server_id in previous else []
            row["disks"] = carried_trends(row["disks"], before)
    last = max((s.collected_at for s in previous.values()), default=None)
    return list(rows.values()), last


def _trends_due(rows: dict[int, dict], previous: dict[int, HealthSample], now: datetime) -> list:
    """The servers whose trend is worked out this round: the most overdue TREND_BATCH.
    Working out is CPU-bound (weeks of JSON); spread over rounds it never stalls a round,
    nor the console whose thread may run it."""
    due = [sid for sid, row in rows.items() if _trend_due(row, previous.get(sid), now)]
    due.sort(key=lambda sid: _trend_age(previous.get(sid)))
    return due[:TREND_BATCH]


def _trend_age(previous: HealthSample | None) -> datetime:
    worked_out = trend_time(previous.disks) if previous is not None else None
    return worked_out or datetime.min.replace(tzinfo=UTC)


def _trend_due(row: dict, previous: HealthSample | None, now: datetime) -> bool:
    if not row["disks"]:
        return False
    if previous is None:
        return True
    mounts = {d["mount"] for d in row["disks"]}
    if mounts != {d["mount"] for d in previous.disks}:
        return True
    worked_out = trend_time(previous.disks)
    return worked_out is None or worked_out <= now - TREND_EVERY


# -- incidents ------------------------------------------------------------------------------


@dataclass
class Judged:
    opened: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    open_levels: list[str] = field(default_factory=list)


def _judge_all(
    session: Session, desk: Desk, measured: Sequence[ServerCheck], policy: MonitoringPolicy
) -> tuple[dict[int, Judged], list[TicketNeed]]:
    open_rows = _open_incidents(session, [c.server_id for c in measured])
    judged: dict[int, Judged] = {}
    needs: list[TicketNeed] = []
    for check in measured:
        rows = open_rows.get(check.server_id, [])
        judged[check.server_id], found = _judge(session, desk, check, rows, policy)
        needs += found
    return judged, needs


def _open_incidents(session: Session, server_ids: list[int]) -> dict[int, list[HealthIncident]]:
    if not server_ids:
        return {}
    query = (
        select(HealthIncident)
        .where(HealthIncident.server_id.in_(server_ids), HealthIncident.cleared_at.is_(None))
        .order_by(HealthIncident.id)
        .with_for_update()
    )
    found: dict[int, list[HealthIncident]] = defaultdict(list)
    for row in session.scalars(query):
        found[row.server_id].append(row)
    return found


def _judge(
    session: Session,
    desk: Desk,
    check: ServerCheck,
    rows: list[HealthIncident],
    policy: MonitoringPolicy,
) -> tuple[Judged, list[TicketNeed]]:
    assert check.health is not None
    at = check.health.collected_at
    judged = Judged()
    if check.health.up is None:  # nothing could be seen: nothing is judged either
        judged.open_levels = [row.level for row in rows]
        return judged, []
    by_id = {row.id: row for row in rows}
    changes = track([_incident(row) for row in rows], check.findings)
    still_open = [by_id[i.id] for i in changes.unchanged]
    for going_on in changes.continued:
        row = by_id[going_on.incident.id]
        row.rounds, row.level, row.last_seen_at = going_on.rounds, going_on.level, at
        row.detail = going_on.finding.detail[:DETAIL_MAX]
        if row.level == "critical" and row.critical_since is None:
            row.critical_since = at  # a warning that got worse: it alerts now
            sync_incident_alert(session, row)
        still_open.append(row)
    for gone in changes.cleared:
        _clear(session, desk, by_id[gone.id], at)
        judged.cleared.append(by_id[gone.id].detail)
    for finding in changes.opened:
        still_open.append(_open(session, check.server_id, finding, at))
        judged.opened.append(finding.detail)
    judged.open_levels = [row.level for row in still_open]
    return judged, _tickets_due(session, desk, check, still_open, policy, judged)


def _incident(row: HealthIncident) -> Incident:
    level: Level = "critical" if row.level == "critical" else "warning"
    return Incident(row.kind, row.subject, level, row.rounds, row.first_seen_at,
                    row.ticket_id is not None, row.id)  # fmt: skip


def _open(session: Session, server_id: int, finding: Finding, at: datetime) -> HealthIncident:
    row = HealthIncident(
        server_id=server_id, kind=finding.kind, subject=finding.subject[:200],
        level=finding.level, detail=finding.detail[:DETAIL_MAX], first_seen_at=at,
        last_seen_at=at, rounds=1, critical_since=at if finding.level == "critical" else None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    sync_incident_alert(session, row)
    return row


def _clear(session: Session, desk: Desk, row: HealthIncident, at: datetime) -> None:
    row.cleared_at = at
    sync_incident_alert(session, row)  # an alert not yet swept now says nothing
    if row.ticket_id is not None:
        text = f"恢复正常 at {desk.local(at)}: {row.detail}"
        log_on_ticket(session, desk, row.ticket_id, text, at)


def _tickets_due(
    session: Session, desk: Desk, check: ServerCheck, rows: list[HealthIncident],
    policy: MonitoringPolicy, judged: Judged,
) -> list[TicketNeed]:  # fmt: skip
    sustain = policy.sustain_rounds
    incidents = [_incident(row) for row in rows]
    if not any(not i.has_ticket and i.rounds >= sustain for i in incidents):
        return []
    assert check.health is not None
    at = check.health.collected_at
    recent = recent_findings(session, check.server_id, sustain, at)
    by_key = {(row.kind, row.subject): row for row in rows}
    needs = []
    for due in due_tickets(incidents, recent, policy):
        row = by_key[due.key]
        reused = reusable_ticket(session, row)
        if reused is not None:
            row.ticket_id = reused
            log_on_ticket(session, desk, reused, f"再次出现 at {desk.local(at)}: {row.detail}", at)
            judged.tickets.append(ticket_key(reused))
            continue
        needs.append(_need(session, check, row, due.finding, due.severity))
    return needs


def _need(
    session: Session, check: ServerCheck, row: HealthIncident, finding: Finding,
    severity: Severity,
) -> TicketNeed:  # fmt: skip
    server = session.get(Server, check.server_id)
    return TicketNeed(
        incident_id=row.id or 0, server_id=check.server_id, server=check.name,
        address=server.address if server else "", customer_id=server.customer_id if server else 0,
        customer=check.customer,
        finding=finding, severity=severity, first_seen_at=row.first_seen_at, rounds=row.rounds,
    )  # fmt: skip


# -- the report -------------------------------------------------------------------------------


def _server_round(check: ServerCheck, judged: Judged | None) -> ServerRound:
    health = check.health
    if health is None or judged is None:
        return ServerRound(check.server_id, check.name, check.customer, "unmonitored",
                           problems=health.problems if health else ())  # fmt: skip
    return ServerRound(
        check.server_id, check.name, check.customer,
        status=_status(health.up, check.findings, judged.open_levels),
        findings=tuple(finding_line(f.kind, f.subject, f.detail) for f in check.findings),
        problems=health.problems, opened=tuple(judged.opened), cleared=tuple(judged.cleared),
        tickets=tuple(judged.tickets),
    )  # fmt: skip


def _status(up: bool | None, findings: Sequence[Finding], open_levels: list[str]) -> str:
    if up is False:
        return "down"
    levels = {f.level for f in findings} | set(open_levels)
    if "critical" in levels:
        return "critical"
    if "warning" in levels:
        return "warning"
    return "unknown" if up is None else "ok"
