"""The health board read from stored samples and incidents: worst first, sparklines of the
last hour, peaks, the capacity flag, hand-entered pending updates, and a number of
statements that does not grow with the number of servers."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event, insert

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services.cloud import add_server
from helpdesk_tui.services.directory import add_customer
from helpdesk_tui.services.health_board import health_board
from helpdesk_tui.services.tickets import NewTicket, new_ticket
from helpdesk_tui.store.models import HealthIncident, HealthSample, Server

T0 = datetime.fromisoformat("2026-11-20T10:00:00+08:00")
MINUTE = timedelta(minutes=1)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(account_desk):
    return account_desk


def sample(server_id: int, at: datetime, **values) -> dict:
    row = {"server_id": server_id, "collected_at": at, "source": "prometheus", "up": True,
           "disks": [], "services": [], "findings": [], "problems": ""}  # fmt: skip
    return row | values


def finding(kind: str, level: str, detail: str, subject: str = "x") -> dict:
    return {"kind": kind, "subject": subject, "level": level, "value": None, "detail": detail}


def disk(mount: str, percent: float, days: float | None) -> dict:
    return {"mount": mount, "percent": percent, "days_until_full": days, "trend_at": None}


def store(desk, rows: list[dict], incidents: list[HealthIncident] = ()) -> None:
    with desk.store.write() as session:
        if rows:
            session.execute(insert(HealthSample), rows)
        session.add_all(incidents)


def incident(server_id: int, kind: str, level: str, ticket_id: int | None = None):
    return HealthIncident(server_id=server_id, kind=kind, subject="x", level=level,
                          detail=kind, first_seen_at=T0 - MINUTE, last_seen_at=T0,
                          ticket_id=ticket_id)  # fmt: skip


@pytest.fixture
def fleet(desk):
    """Six servers of two customers, one of each status."""
    add_customer(desk, "苏州自来水公司")
    made = {
        name: add_server(desk, customer, name)
        for customer, name in [
            ("杭州人民医院", "ok-app"), ("杭州人民医院", "down-db"), ("苏州自来水公司", "crit-web"),
            ("苏州自来水公司", "warn-file"), ("苏州自来水公司", "blind"), ("杭州人民医院", "never"),
        ]
    }  # fmt: skip
    ids = {name: server.id for name, server in made.items()}
    now = desk.now()
    ticket = new_ticket(desk, NewTicket("杭州人民医院", "监控: down-db not reachable",
                                        Severity.URGENT, Channel.MONITORING))  # fmt: skip
    rows = [
        sample(ids["ok-app"], now - (59 - k) * MINUTE, cpu_percent=float(k), net_in_bps=1000.0 * k,
               net_out_bps=10.0, net_in_peak_24h=9e6)
        for k in range(60)
    ]  # fmt: skip
    rows += [sample(ids["ok-app"], now - timedelta(hours=3), cpu_percent=99.0, net_in_bps=5e6)]
    rows[59]["disks"] = [disk("/", 40.0, 45.0), disk("/data", 70.0, 12.0), disk("/tmp", 5.0, None)]
    rows += [
        sample(ids["down-db"], now, up=False, findings=[finding("down", "critical",
                                                                "not reachable")]),
        sample(ids["crit-web"], now, findings=[finding("cpu", "warning", "CPU 85.0 %"),
                                               finding("disk", "critical", "disk / 97.0 %")]),
        sample(ids["warn-file"], now, findings=[finding("memory", "warning", "memory 88.0 %")],
               apt_upgrades_pending=12, apt_security_pending=3),
        sample(ids["blind"], now, up=None, problems="no series for cpu\nno `up` series"),
    ]  # fmt: skip
    store(desk, rows, [incident(ids["down-db"], "down", "critical", ticket.id),
                       incident(ids["warn-file"], "memory", "warning")])  # fmt: skip
    with desk.store.write() as session:
        session.get(Server, ids["warn-file"]).updates_pending = 99  # the collector's count wins
        session.get(Server, ids["never"]).security_updates_pending = 4  # entered by hand
    return ids, ticket


def test_worst_first_then_customer_and_name(desk, fleet):
    with desk.store.read() as session:
        cards = health_board(session, desk.now())
    assert [(c.name, c.status) for c in cards] == [
        ("down-db", "down"), ("crit-web", "critical"), ("warn-file", "warning"),
        ("never", "unknown"), ("blind", "unknown"), ("ok-app", "ok"),
    ]  # fmt: skip


def test_a_card_tells_the_last_hour_the_peaks_and_the_capacity(desk, fleet):
    _, ticket = fleet
    with desk.store.read() as session:
        cards = {c.name: c for c in health_board(session, desk.now())}
    ok = cards["ok-app"]
    assert len(ok.cpu_series) == 60 and ok.cpu_series[0] == 0.0 and ok.cpu_series[-1] == 59.0
    assert ok.cpu_percent == 59.0 and ok.collected_at == desk.now()
    assert ok.net_in_peak_1h == 59_000.0  # from the stored samples: the 3 h old 5e6 is out
    assert ok.net_in_peak_24h == 9e6  # the source's own
    assert [(d.mount, d.days_until_full, d.capacity_flagged) for d in ok.disks] == [
        ("/", 45.0, False), ("/data", 12.0, True), ("/tmp", None, False)]  # fmt: skip
    down = cards["down-db"]
    assert down.open_tickets == (ticket.key,) and down.findings == ("not reachable",)
    assert cards["crit-web"].findings == ("disk / 97.0 %", "CPU 85.0 %")  # worst first
    assert cards["blind"].problems == ("no series for cpu", "no `up` series")
    assert (cards["warn-file"].updates_pending, cards["warn-file"].security_updates_pending) == (
        12, 3)  # fmt: skip
    assert cards["never"].security_updates_pending == 4 and cards["never"].collected_at is None
    assert cards["never"].cpu_series == ()


def test_one_customer_only(desk, fleet):
    with desk.store.read() as session:
        cards = health_board(session, desk.now(), customer_id=1)
    assert {c.customer for c in cards} == {"杭州人民医院"} and len(cards) == 3


def count_statements(desk) -> int:
    seen = []

    def note(*args):
        seen.append(args[2])

    event.listen(desk.store.engine, "before_cursor_execute", note)
    try:
        with desk.store.read() as session:
            health_board(session, desk.now())
    finally:
        event.remove(desk.store.engine, "before_cursor_execute", note)
    return len(seen)


def test_the_number_of_statements_does_not_grow_with_the_servers(desk, fleet):
    few = count_statements(desk)
    rows = []
    for n in range(40):
        server = add_server(desk, "杭州人民医院", f"extra-{n:02d}")
        rows += [sample(server.id, desk.now() - k * MINUTE, cpu_percent=1.0) for k in range(5)]
    store(desk, rows, [incident(server.id, "cpu", "warning")])
    assert count_statements(desk) == few <= 8
