"""Patches (漏洞补丁) and pending updates: records, where the pending numbers come from,
and the `helpdesk patch` commands."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.errors import InvalidInput, NotFound
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import patches as use
from helpdesk_tui.services.cloud import add_server
from helpdesk_tui.services.directory import add_customer
from helpdesk_tui.services.tickets import NewTicket, new_ticket
from helpdesk_tui.store.models import HealthSample
from tests.integration.conftest import DEMO_NOW

T0 = datetime.fromisoformat("2026-11-01T08:00:00+08:00")
DAY = timedelta(days=1)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(account_desk):
    """With db-master and app-01 of 人民医院 and another customer's db-master."""
    add_server(account_desk, "人民医院", "db-master", vendor_operated=True)
    add_server(account_desk, "人民医院", "app-01")
    add_customer(account_desk, "西湖银行")
    add_server(account_desk, "西湖银行", "db-master")
    return account_desk


def pending(desk) -> dict[tuple[str, str], tuple]:
    with desk.store.read() as session:
        rows = use.pending_updates(session)
    return {(r.customer, r.server): (r.updates, r.security, r.source) for r in rows}


def collect(desk, server_id: int, at: datetime, upgrades: int | None, security: int | None):
    """A health sample as the collector (another part of the desk) writes it."""
    with desk.store.write() as session:
        sample = HealthSample(server_id=server_id, collected_at=at, source="scrape")
        sample.apt_upgrades_pending, sample.apt_security_pending = upgrades, security
        session.add(sample)


def test_patches_are_listed_newest_first_by_server_customer_and_since(desk, clock):
    use.record_patch(desk, "db-master", "openssl 3.0.15", customer="人民医院", security=True,
                     at=T0 - 3 * DAY)  # fmt: skip
    use.record_patch(desk, "app-01", "nginx 1.24.0", reboot_required=True, at=T0 - DAY)
    use.record_patch(desk, "db-master", "tzdata 2024b", customer="西湖银行")
    with desk.store.read() as session:
        everything = use.list_patches(session)
        server = use.find_server(session, "db-master", "人民医院")
        on_server = use.list_patches(session, server_id=server.id)
        recent = use.list_patches(session, customer_id=server.customer_id, since=T0 - 2 * DAY)
    assert [row.patch.packages for row in everything] == ["tzdata 2024b", "nginx 1.24.0",
                                                          "openssl 3.0.15"]  # fmt: skip
    assert [(r.patch.security, r.server, r.patch.applied_by) for r in on_server] == [
        (True, "db-master", "lina")
    ]
    assert [row.patch.packages for row in recent] == ["nginx 1.24.0"]


def test_pending_comes_from_the_collector_else_what_was_entered(desk, clock):
    assert set(pending(desk).values()) == {(None, None, "unknown")}
    use.set_pending(desk, "db-master", 12, 3, customer="人民医院")
    assert pending(desk)[("杭州人民医院", "db-master")] == (12, 3, "entered")
    with desk.store.read() as session:
        server = use.find_server(session, "db-master", "人民医院")
    collect(desk, server.id, T0 - DAY, 7, 2)
    collect(desk, server.id, T0, None, None)  # a later round without apt figures
    assert pending(desk)[("杭州人民医院", "db-master")] == (7, 2, "collector")
    with desk.store.read() as session:
        (row,) = [r for r in use.pending_updates(session) if r.server_id == server.id]
    assert row.collector == "scrape" and row.as_of == T0 - DAY


def test_a_patch_that_applied_everything_clears_the_entered_counts(desk, clock):
    use.set_pending(desk, "app-01", 12, 3)
    use.record_patch(desk, "app-01", "openssl 3.0.15", security=True)
    assert pending(desk)[("杭州人民医院", "app-01")] == (12, 3, "entered")  # which 1 of 12?
    use.record_patch(desk, "app-01", "apt upgrade", security=True, clears_pending=True)
    assert pending(desk)[("杭州人民医院", "app-01")] == (0, 0, "entered")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda d: use.record_patch(d, "db-master", "x"), InvalidInput, "give --customer"),
        (lambda d: use.record_patch(d, "db-9", "x"), NotFound, "no server"),
        (lambda d: use.record_patch(d, "app-01", " "), InvalidInput, "packages"),
        (lambda d: use.record_patch(d, "app-01", "x", at=T0 + DAY), InvalidInput, "future"),
        (lambda d: use.set_pending(d, "app-01", 3, 5), InvalidInput, "at most as many"),
        (lambda d: use.set_pending(d, "app-01", 3, None), InvalidInput, "both"),
        (lambda d: use.set_pending(d, "app-01", -1, 0), InvalidInput, "0 to"),
    ],
)
def test_bad_requests_are_refused(desk, call, error, message):
    with pytest.raises(error, match=message):
        call(desk)


def test_a_patch_names_its_own_customers_ticket(desk):
    request = NewTicket("西湖银行", "升级 OpenSSL", Severity.MINOR, Channel.PROACTIVE)
    ticket = new_ticket(desk, request)
    with pytest.raises(InvalidInput, match="another customer"):
        use.record_patch(desk, "app-01", "openssl", ticket=ticket.key)
    patch = use.record_patch(desk, "db-master", "openssl", customer="西湖银行", ticket=ticket.key)
    with desk.store.read() as session:
        assert use.get_patch(session, patch.id).ticket == ticket.key


def test_the_commands(demo_db, cli, digest):
    assert cli("server", "add", "1", "db-master").code == 0
    code, out, _ = cli("ticket", "new", "--customer", "1", "--title", "升级 OpenSSL",
                       "--severity", "minor", "--channel", "proactive", "--json")  # fmt: skip
    ticket = json.loads(out)["key"]
    code, out, err = cli("patch", "add", "--server", "db-master", "--customer", "1",
                         "--packages", "openssl 3.0.15", "--security", "--reboot",
                         "--ticket", ticket, "--at", "2026-11-19T22:00", "--json")  # fmt: skip
    assert code == 0, err
    patch = json.loads(out)
    assert patch["security"] and patch["reboot_required"] and patch["server"] == "db-master"
    assert patch["applied_at"] == "2026-11-19T22:00:00+08:00" and patch["ticket"] == ticket
    code, out, _ = cli("patch", "list", "--server", "db-master", "--customer", "1", "--json")
    assert [p["id"] for p in json.loads(out)] == [patch["id"]]
    assert cli("patch", "set-pending", "--server", "db-master", "--customer", "1",
               "--updates", "9", "--security", "2").code == 0  # fmt: skip
    code, out, _ = cli("patch", "pending", "--customer", "1", "--json")
    assert [(p["updates"], p["security"], p["source"]) for p in json.loads(out)] == [
        (9, 2, "entered")
    ]
    before = digest(demo_db)
    for bad in (("patch", "add", "--server", "nope", "--packages", "x"),
                ("patch", "add", "--server", "db-master", "--customer", "1", "--packages", ""),
                ("patch", "add", "--server", "db-master", "--customer", "1", "--packages", "x",
                 "--at", "2999-01-01T00:00+08:00"),
                ("patch", "add", "--server", "db-master", "--customer", "1", "--packages", "x",
                 "--ticket", "T-999999"),
                ("patch", "list", "--since", "yesterday"),
                ("patch", "set-pending", "--server", "db-master", "--customer", "1",
                 "--updates", "1", "--security", "2"),
                ("patch", "set-pending", "--server", "db-master", "--customer", "1",
                 "--updates", "-1", "--security", "0"),
                ("patch", "set-pending", "--server", "nowhere", "--customer", "1",
                 "--updates", "1", "--security", "0")):  # fmt: skip
        result = cli(*bad)
        assert result.code == 2 and len(result.stderr.strip().splitlines()) == 1, result
    assert digest(demo_db) == before


def test_the_demo_has_patches_and_pending_counts(demo_db, cli):
    with time_machine.travel(DEMO_NOW, tick=False):
        found = json.loads(cli("patch", "list", "--json").stdout)
        servers = json.loads(cli("patch", "pending", "--json").stdout)
    assert len(found) >= 3 and any(p["security"] for p in found)
    # the demo's monitored servers report through the collector, others were entered or
    # are not known at all
    assert {p["source"] for p in servers} == {"collector", "entered", "unknown"}
