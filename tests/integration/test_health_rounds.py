"""Health rounds on a real SQLite file with made-up looks at the servers (no network): one
ticket per trouble even across a crash, a recurring trouble reuses its open ticket, the
capacity trend, and pruning the history."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, insert, select

from helpdesk_tui.domain.health import DiskUse, ServerHealth, Thresholds, evaluate
from helpdesk_tui.domain.monitoring_policy import MonitoringPolicy
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import health_tickets
from helpdesk_tui.services.cloud import add_server
from helpdesk_tui.services.health_collector import store_round
from helpdesk_tui.services.server_health import ServerCheck
from helpdesk_tui.services.tickets import resolve
from helpdesk_tui.store.models import HealthIncident, HealthSample, Ticket, WorkLogEntry

T0 = datetime.fromisoformat("2026-11-20T10:00:00+08:00")
MINUTE = timedelta(minutes=1)
CUSTOMER = "杭州人民医院"


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(account_desk):
    return account_desk


@pytest.fixture
def server(desk):
    return add_server(desk, CUSTOMER, "his-db", address="10.0.0.8")


def look(desk, server, *, up: bool = True, disk: float = 50.0, cpu: float = 20.0) -> ServerCheck:
    """What a source would have seen of `server` now."""
    used = disk  # a 100-byte disk, no reserved blocks: use% = disk
    disks = (DiskUse("/data", "sdb1", "ext4", 100.0, 100.0 - used, 100.0 - used),) if up else ()
    health = ServerHealth(f"server-{server.id}", up, desk.now(), "scrape",
                          cpu_percent=cpu if up else None, memory_percent=40.0 if up else None,
                          disks=disks)  # fmt: skip
    return ServerCheck(
        server.id, server.name, CUSTOMER, health, tuple(evaluate(health, Thresholds()))
    )


def rounds(desk, server, clock, count: int, **seen) -> list:
    reports = []
    for _ in range(count):
        clock.shift(MINUTE)
        reports.append(store_round(desk, [look(desk, server, **seen)]))
    return reports


def monitoring_tickets(desk) -> list[Ticket]:
    with desk.store.read() as session:
        query = select(Ticket).where(Ticket.channel == "monitoring").order_by(Ticket.id)
        return list(session.scalars(query))


def work_log(desk, ticket_id: int) -> list[str]:
    with desk.store.read() as session:
        query = select(WorkLogEntry.text).where(WorkLogEntry.ticket_id == ticket_id)
        return list(session.scalars(query.order_by(WorkLogEntry.id)))


def test_a_crash_between_opening_and_linking_never_makes_a_second_ticket(
    desk, server, clock, monkeypatch
):
    real_link = health_tickets._link

    def crash(*args):
        raise SystemExit("killed after new_ticket, before the link")

    monkeypatch.setattr(health_tickets, "_link", crash)
    rounds(desk, server, clock, 2, up=False)
    with pytest.raises(SystemExit):
        rounds(desk, server, clock, 1, up=False)
    [orphan] = monitoring_tickets(desk)
    monkeypatch.setattr(health_tickets, "_link", real_link)
    [report] = rounds(desk, server, clock, 1, up=False)  # the next round finds and links it
    assert report.servers[0].tickets == (orphan.key,)
    rounds(desk, server, clock, 3, up=False)
    assert [t.id for t in monitoring_tickets(desk)] == [orphan.id]
    with desk.store.read() as session:
        incident = session.scalars(select(HealthIncident)).one()
    assert incident.ticket_id == orphan.id


def test_a_trouble_that_comes_back_reuses_its_open_ticket(desk, server, clock):
    rounds(desk, server, clock, 3, up=False)
    [ticket] = monitoring_tickets(desk)
    [report] = rounds(desk, server, clock, 1)
    assert report.servers[0].cleared == ("not reachable",)
    rounds(desk, server, clock, 2, up=False)
    [report] = rounds(desk, server, clock, 1, up=False)  # sustained again
    assert report.servers[0].tickets == (ticket.key,)
    assert [t.id for t in monitoring_tickets(desk)] == [ticket.id]
    log = work_log(desk, ticket.id)
    assert [line.split(" at ")[0] for line in log] == ["恢复正常", "再次出现"]
    with desk.store.read() as session:
        incidents = session.scalars(select(HealthIncident).order_by(HealthIncident.id)).all()
    assert [(i.cleared_at is None, i.ticket_id) for i in incidents] == [
        (False, ticket.id), (True, ticket.id)]  # fmt: skip
    # Once an engineer resolved it, the next outage is a new ticket.
    rounds(desk, server, clock, 1)
    resolve(desk, ticket.key, "重启后恢复")
    rounds(desk, server, clock, 3, up=False)
    assert len(monitoring_tickets(desk)) == 2


def test_a_warning_run_with_one_critical_spike_opens_no_ticket(desk, server, clock):
    rounds(desk, server, clock, 2, disk=90.0)  # warning (above 85 %)
    rounds(desk, server, clock, 1, disk=97.0)  # critical once
    assert monitoring_tickets(desk) == []
    rounds(desk, server, clock, 2, disk=97.0)  # critical three rounds running
    [ticket] = monitoring_tickets(desk)
    assert ticket.severity == "serious" and ticket.title == "监控: his-db disk /data 97.0 %"


def test_the_policy_decides_how_soon_and_how_severe(desk, server, clock):
    policy = MonitoringPolicy(sustain_rounds=1, severities={"cpu": Severity.SERIOUS})
    clock.shift(MINUTE)
    store_round(desk, [look(desk, server, cpu=99.0)], policy=policy)
    [ticket] = monitoring_tickets(desk)
    assert ticket.severity == "serious"  # the seed's policy: medium, after three rounds


def test_an_incident_that_clears_before_the_sweep_says_nothing(desk, server, clock):
    from helpdesk_tui.services import alerts

    rounds(desk, server, clock, 1, cpu=99.0)
    rounds(desk, server, clock, 1)
    assert alerts.sweep(desk, "test") == []


def test_a_warning_pushes_nothing_and_alerts_once_when_it_turns_critical(desk, server, clock):
    from helpdesk_tui.services import alerts

    rounds(desk, server, clock, 3, disk=90.0)  # a warning, three rounds running
    assert alerts.sweep(desk, "test") == []
    rounds(desk, server, clock, 1, disk=97.0)
    [claimed] = alerts.sweep(desk, "test")
    assert alerts.deliver(desk, "test", [claimed], lambda message: "test") == 1
    rounds(desk, server, clock, 3, disk=97.0)
    assert alerts.sweep(desk, "test") == []
    with desk.store.read() as session:
        [alert] = alerts.list_alerts(session, desk.now(), state="all")
        [incident] = session.scalars(select(HealthIncident))
    assert alert.id == claimed and alert.level == "critical"
    assert alert.due_at == incident.critical_since == desk.now() - 3 * MINUTE
    assert incident.first_seen_at == incident.critical_since - 3 * MINUTE


def seed_history(desk, server_id: int, start: datetime, end: datetime, step: timedelta,
                 percent) -> None:  # fmt: skip
    rows, at = [], start
    while at < end:
        disks = [{"mount": "/data", "device": "sdb1", "fstype": "ext4", "percent": percent(at)}]
        rows.append({"server_id": server_id, "collected_at": at, "source": "scrape", "up": True,
                     "disks": disks, "services": [], "findings": [], "problems": ""})  # fmt: skip
        at += step
    with desk.store.write() as session:
        session.execute(insert(HealthSample), rows)


def test_the_trend_of_a_filling_disk_is_worked_out_hourly(desk, server, clock):
    # 0.2 % more every hour for 10 days, from 40 %: 4.8 % a day, full 12.5 days from 40.
    start = desk.now() - timedelta(days=10)
    grow = lambda at: 40.0 + 0.2 * (at - start) / timedelta(hours=1)  # noqa: E731
    seed_history(desk, server.id, start, desk.now() - timedelta(hours=48), timedelta(hours=1), grow)
    seed_history(desk, server.id, desk.now() - timedelta(hours=48), desk.now(), MINUTE, grow)
    rounds(desk, server, clock, 1, disk=grow(desk.now() + MINUTE))
    with desk.store.read() as session:
        latest = session.scalars(select(HealthSample).order_by(HealthSample.id.desc())).first()
    [disk] = latest.disks
    assert disk["days_until_full"] == pytest.approx((100.0 - grow(desk.now())) / 4.8, rel=0.02)
    assert disk["trend_at"] is not None
    rounds(desk, server, clock, 1, disk=grow(desk.now() + MINUTE))  # carried, not redone
    with desk.store.read() as session:
        newer = session.scalars(select(HealthSample).order_by(HealthSample.id.desc())).first()
    assert newer.disks[0]["trend_at"] == disk["trend_at"]


def test_pruning_keeps_48_hours_raw_then_hourly_then_nothing(desk, server, clock):
    """The collector stopped 3 days ago, after 40 days of rounds every 10 minutes (pruned
    as it went): the first round now thins what aged past 48 h meanwhile and drops what
    aged past 35 days."""
    stopped = desk.now() - timedelta(days=3)
    hourly_until = stopped - timedelta(hours=48)
    seed_history(desk, server.id, desk.now() - timedelta(days=40), hourly_until,
                 timedelta(hours=1), lambda at: 50.0)  # fmt: skip
    seed_history(desk, server.id, hourly_until, stopped, timedelta(minutes=10), lambda at: 50.0)
    before = _sample_count(desk)
    [report] = rounds(desk, server, clock, 1)
    now = desk.now()
    with desk.store.read() as session:
        instants = list(session.scalars(select(HealthSample.collected_at)))
    assert min(instants) >= now - timedelta(days=35)
    old = [at for at in instants if at < now - timedelta(hours=48)]
    assert len(old) == len({(at.date(), at.hour) for at in old})  # one an hour
    assert len(old) == pytest.approx(32 * 24, abs=2)
    assert report.pruned == before + 1 - len(instants)
    [newest] = [at for at in instants if at >= now - timedelta(hours=48)]
    assert newest == now


def _sample_count(desk) -> int:
    with desk.store.read() as session:
        return session.scalar(select(func.count()).select_from(HealthSample)) or 0
