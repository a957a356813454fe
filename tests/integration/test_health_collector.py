"""Health collection rounds against a real prometheus-node-exporter and a real Prometheus
on 127.0.0.1, stored in a real SQLite file and a real PostgreSQL: samples that match this
host, a stopped exporter that becomes one urgent ticket and one alert, its recovery, and
sources that misbehave."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psutil
import pytest
from sqlalchemy import func, select

from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.monitoring.node_exporter import ScrapeSource
from helpdesk_tui.services import alerts, server_health
from helpdesk_tui.services.cloud import add_server
from helpdesk_tui.services.desk import Desk, open_desk
from helpdesk_tui.services.directory import add_customer, add_engineer
from helpdesk_tui.services.health_collector import collect_round
from helpdesk_tui.services.roster import add_shift
from helpdesk_tui.store import schema
from helpdesk_tui.store.models import (
    AlertClaim,
    Engineer,
    HealthIncident,
    HealthSample,
    Ticket,
    WorkLogEntry,
)
from tests.integration.monitoring_servers import (
    APT_PROM,
    EXPORTER_NAMES,
    NodeExporter,
    require_binary,
)

CUSTOMER = "杭州人民医院"
SUSTAIN = 3


def make_desk(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    desk = open_desk(load_settings(db=url, user="lina", tz="Asia/Shanghai"))
    schema.upgrade(desk.store.engine)
    add_customer(desk, CUSTOMER)
    add_engineer(desk, "lina", "李娜")
    now = desk.now()
    add_shift(desk, "lina", DutyRole.PRIMARY, now - timedelta(hours=1), now + timedelta(hours=11))
    return desk


@pytest.fixture
def desk(tmp_path, monkeypatch) -> Iterator[Desk]:
    made = make_desk(str(tmp_path / "desk.db"), tmp_path, monkeypatch)
    yield made
    made.store.dispose()


@pytest.fixture
def own_exporter(monitoring_folder) -> Iterator[NodeExporter]:
    """An exporter of this test's own, which it may stop and start again. No systemd
    textfile: no failed unit muddles the findings."""
    exporter = NodeExporter(monitoring_folder, require_binary(EXPORTER_NAMES))
    exporter.write_textfile("apt.prom", APT_PROM)
    exporter.start()
    yield exporter
    exporter.stop()


def samples(desk: Desk) -> dict[int, list[HealthSample]]:
    with desk.store.read() as session:
        found: dict[int, list[HealthSample]] = {}
        for sample in session.scalars(select(HealthSample).order_by(HealthSample.id)):
            found.setdefault(sample.server_id, []).append(sample)
        return found


def count(desk: Desk, model, *where) -> int:
    with desk.store.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_a_round_stores_samples_that_match_this_host(desk, node_exporter, prometheus):
    scraped = add_server(desk, CUSTOMER, "app-01", exporter_url=node_exporter.url)
    asked = add_server(desk, CUSTOMER, "db-01", prometheus_instance=node_exporter.instance)
    add_server(desk, CUSTOMER, "printer")  # neither: not monitored, nothing stored
    prometheus.wait_for(lambda: _cpu_known(desk, prometheus.url), "a CPU rate through Prometheus")
    report = collect_round(desk, prometheus.url)
    assert report.samples == 2
    status = {s.name: s.status for s in report.servers}
    assert status["printer"] == "unmonitored"
    assert status["app-01"] == status["db-01"] == "critical"  # nginx.service failed
    stored = samples(desk)
    assert set(stored) == {scraped.id, asked.id}
    for server_id, source in ((scraped.id, "scrape"), (asked.id, "prometheus")):
        [sample] = stored[server_id]
        assert sample.up is True and sample.source == source
        root = next(d for d in sample.disks if d["mount"] == "/")
        assert abs(root["percent"] - psutil.disk_usage("/").percent) < 1.0
        assert root["days_until_full"] is None  # minutes of history: no trend yet
        assert abs(sample.memory_percent - psutil.virtual_memory().percent) < 5.0
        assert (sample.apt_upgrades_pending, sample.apt_security_pending) == (3, 2)
        assert {"unit": "nginx.service", "state": "failed"} in sample.services
        assert [(f["kind"], f["subject"]) for f in sample.findings
                if f["kind"] == "service"] == [("service", "nginx.service")]  # fmt: skip
    [through_prometheus] = stored[asked.id]
    assert 0.0 <= through_prometheus.cpu_percent <= 100.0
    assert through_prometheus.load1 is not None and through_prometheus.uptime_seconds > 0


def test_a_scraper_kept_across_rounds_gives_scraped_servers_their_rates(desk, node_exporter):
    scraped = add_server(desk, CUSTOMER, "app-01", exporter_url=node_exporter.url)
    with ScrapeSource(timeout=5) as scraper:
        collect_round(desk, scraper=scraper)  # the first scrape has nothing to compare with
        collect_round(desk, scraper=scraper)
    first, second = samples(desk)[scraped.id]
    assert first.cpu_percent is None and first.net_in_bps is None
    assert 0.0 <= second.cpu_percent <= 100.0
    assert second.net_in_bps is not None and second.net_in_bps >= 0.0


def _cpu_known(desk: Desk, url: str) -> bool:
    checks = server_health.check_servers(desk, url)
    return any(c.health and c.health.source == "prometheus" and c.health.cpu_percent is not None
               for c in checks)  # fmt: skip


def stopped_exporter_story(desk: Desk, exporter: NodeExporter) -> None:
    server = add_server(desk, CUSTOMER, "his-app", exporter_url=exporter.url, address="10.1.2.3")
    down = (HealthIncident.kind == "down", HealthIncident.server_id == server.id)
    urgent = (Ticket.channel == "monitoring", Ticket.severity == "urgent")
    assert collect_round(desk).servers[0].status != "down"
    exporter.stop()
    for round_number in range(1, SUSTAIN):
        assert collect_round(desk).servers[0].status == "down"
        assert count(desk, Ticket, *urgent) == 0, f"a ticket after {round_number} round(s)"
    report = collect_round(desk)
    assert count(desk, Ticket, *urgent) == 1
    [ticket_key] = report.servers[0].tickets
    with desk.store.read() as session:
        ticket = session.scalars(select(Ticket).where(*urgent)).one()
        incident = session.scalars(select(HealthIncident).where(*down)).one()
        assignee = session.get(Engineer, ticket.assignee_id)
    assert ticket.key == ticket_key and incident.ticket_id == ticket.id
    assert ticket.title == "监控: his-app not reachable"
    assert CUSTOMER in ticket.description and "10.1.2.3" in ticket.description
    assert assignee is not None and assignee.login == "lina"  # the primary on duty
    claimed = alerts.sweep(desk, "test")
    health_alerts = (AlertClaim.subject == f"health:{incident.id}",)
    assert count(desk, AlertClaim, *health_alerts) == 1
    with desk.store.read() as session:
        alert = session.scalars(select(AlertClaim).where(*health_alerts)).one()
    assert alert.id in claimed and alert.level == "critical" and "his-app" in alert.summary
    for _ in range(2):  # still down: nothing more
        collect_round(desk)
        alerts.sweep(desk, "test")
    assert count(desk, Ticket, *urgent) == 1
    assert count(desk, AlertClaim, *health_alerts) == 1
    assert count(desk, HealthIncident, *down) == 1
    exporter.start()
    report = collect_round(desk)
    assert report.servers[0].status != "down"
    assert report.servers[0].cleared == ("not reachable",)
    with desk.store.read() as session:
        cleared = session.get(HealthIncident, incident.id)
        log = session.scalars(select(WorkLogEntry.text).where(WorkLogEntry.ticket_id == ticket.id))
        lines = list(log)
        still = session.get(Ticket, ticket.id)
    assert cleared.cleared_at is not None and cleared.rounds == SUSTAIN + 2
    assert any(line.startswith("恢复正常 at ") for line in lines)
    assert still.is_open and still.status == "new"  # an engineer resolves it, not monitoring


def test_a_stopped_exporter_becomes_one_urgent_ticket_and_one_alert(desk, own_exporter):
    stopped_exporter_story(desk, own_exporter)


@pytest.mark.slow
def test_the_same_story_on_postgresql(postgres_url, own_exporter, tmp_path, monkeypatch):
    desk = make_desk(postgres_url, tmp_path, monkeypatch)
    try:
        stopped_exporter_story(desk, own_exporter)
    finally:
        desk.store.dispose()


def test_an_exporter_page_of_garbage_is_a_problem_line(desk, fake_server):
    fake_server.behaviour = lambda handler: handler.reply(200, b"<html>\x1b[31mnope</html>")
    add_server(desk, CUSTOMER, "odd", exporter_url=f"{fake_server.url}/metrics")
    [server] = collect_round(desk).servers
    assert server.status == "down" and server.problems
    [sample] = samples(desk).popitem()[1]
    assert sample.up is False and sample.problems


def test_a_slow_exporter_times_out_with_a_problem_line(desk, fake_server, monkeypatch):
    monkeypatch.setattr(server_health, "TIMEOUT", 0.5)
    fake_server.behaviour = lambda handler: (time.sleep(2), handler.reply(200, b""))
    add_server(desk, CUSTOMER, "slow", exporter_url=f"{fake_server.url}/metrics")
    began = time.monotonic()
    [server] = collect_round(desk).servers
    assert time.monotonic() - began < 2.0
    assert server.status == "down"
    assert any("scrape failed" in line for line in server.problems)


def test_a_prometheus_answering_garbage_leaves_the_servers_unknown(desk, fake_server):
    fake_server.behaviour = lambda handler: handler.reply(200, b'{"status": "nonsense"')
    add_server(desk, CUSTOMER, "db-01", prometheus_instance="db-01:9100")
    [server] = collect_round(desk, fake_server.url).servers
    assert server.status == "unknown" and server.problems
    assert count(desk, HealthIncident) == 0  # unknown is not a finding
