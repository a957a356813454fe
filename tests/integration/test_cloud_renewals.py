"""Servers and cloud renewals (云续费预警): the services, their alerts and the commands."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.services import alerts
from helpdesk_tui.services import cloud as use
from helpdesk_tui.services.directory import add_engineer
from helpdesk_tui.services.roster import add_shift
from helpdesk_tui.store.models import AlertClaim

T0 = datetime.fromisoformat("2026-11-01T08:00:00+08:00")
EXPIRES = date(2026, 12, 15)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(account_desk):
    """With zhao (赵强) the duty manager for the first week."""
    add_engineer(account_desk, "zhao", "赵强", role="manager")
    add_shift(account_desk, "zhao", DutyRole.MANAGER, T0, T0 + timedelta(days=7))
    return account_desk


def fired(desk) -> list[tuple[str, str, str]]:
    ids = alerts.sweep(desk, "test")
    alerts.deliver(desk, "test", ids, lambda message: "ok")
    with desk.store.read() as session:
        rows = session.execute(select(AlertClaim.target, AlertClaim.level, AlertClaim.recipients)
                               .where(AlertClaim.id.in_(ids))).all()  # fmt: skip
    return sorted(tuple(row) for row in rows)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-15T08:59:00+08:00", []),
        ("2026-11-15T09:00:00+08:00", [("renewal_30", "warning", "lina")]),
        ("2026-12-01T09:00:00+08:00", [("renewal_14", "warning", "lina")]),
        ("2026-12-08T09:30:00+08:00", [("renewal_7", "warning", "lina")]),
        ("2026-12-14T09:00:00+08:00", [("renewal_1", "warning", "lina")]),
        ("2026-12-15T00:00:00+08:00", [("expired", "critical", "lina")]),
    ],
)
def test_warnings_30_14_7_1_days_before_and_on_expiry(desk, clock, moment, expected):
    use.add_resource(desk, "人民医院", "ECS", "ecs-his-01", EXPIRES, provider="阿里云")
    steps = ["2026-11-15T09:00:00+08:00", "2026-12-01T09:00:00+08:00",
             "2026-12-08T09:30:00+08:00", "2026-12-14T09:00:00+08:00"]  # fmt: skip
    for step in (s for s in steps if s < moment):
        clock.move_to(step)
        fired(desk)
    clock.move_to(moment)
    assert fired(desk) == expected


def test_the_duty_manager_hears_of_it_too_while_on_duty(desk, clock):
    use.add_resource(desk, "人民医院", "RDS", "rds-his", date(2026, 11, 30))
    clock.move_to("2026-11-01T09:00:00+08:00")  # 30 days before the 30th is 10-31: late
    assert fired(desk) == [("renewal_30", "warning", "lina,zhao")]


def test_a_renewal_starts_the_warnings_over_and_auto_renew_stays_quiet(desk, clock):
    resource = use.add_resource(desk, "人民医院", "带宽", "bgp-100m", EXPIRES)
    quiet = use.add_resource(desk, "人民医院", "域名", "his.example.cn", EXPIRES, auto_renew=True)
    clock.move_to("2026-11-15T09:00:00+08:00")
    assert [t for t, _, _ in fired(desk)] == ["renewal_30"]  # not the auto-renewing one
    use.renew(desk, resource.id, date(2027, 12, 15))
    clock.move_to("2026-12-15T00:00:00+08:00")
    assert fired(desk) == []
    with pytest.raises(InvalidInput, match="later than"):
        use.renew(desk, quiet.id, date(2026, 1, 1))


def test_server_names_are_unique_per_customer_and_thresholds_checked(desk):
    use.add_server(desk, "人民医院", "db-master", address="10.0.0.5", vendor_operated=True)
    with pytest.raises(InvalidInput, match="already"):
        use.add_server(desk, "人民医院", "db-master")
    with pytest.raises(InvalidInput, match="disk critical"):
        use.add_server(desk, "人民医院", "app-01", disk_critical=150)


def test_the_commands(demo_db, cli, digest):
    code, out, _ = cli("server", "add", "1", "db-master", "--address", "10.0.0.5",
                       "--vendor-operated", "--instance", "10.0.0.5:9100", "--json")  # fmt: skip
    server = json.loads(out)
    assert code == 0 and server["vendor_operated"] and server["instance"] == "10.0.0.5:9100"
    code, out, _ = cli("server", "list", "--customer", "1", "--json")  # the demo has others'
    assert [s["name"] for s in json.loads(out)] == ["db-master"]
    code, out, _ = cli("cloud", "add", "1", "ECS", "ecs-01", "--expires", "2099-01-01", "--json")
    assert code == 0 and json.loads(out)["days_left"] > 365
    before = digest(demo_db)
    for bad in (("cloud", "add", "1", "ECS", "x", "--expires", "tomorrow"),
                ("cloud", "renew", "1", "--expires", "2000-01-01"),
                ("server", "add", "1", "db-master"),
                ("server", "remove", "999")):  # fmt: skip
        result = cli(*bad)
        assert result.code == 2 and len(result.stderr.strip().splitlines()) == 1, result
    assert digest(demo_db) == before
    assert cli("server", "remove", str(server["id"])).code == 0
