"""Customers' backup plans (存储备份): overdue and restore-check alerts, and the commands."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.services import alerts
from helpdesk_tui.services import backup_plans as use
from helpdesk_tui.store.models import AlertClaim

T0 = datetime.fromisoformat("2026-11-01T02:00:00+08:00")
H = timedelta(hours=1)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(account_desk):
    return account_desk


def fired(desk) -> list[tuple[str, int, str]]:
    ids = alerts.sweep(desk, "test")
    alerts.deliver(desk, "test", ids, lambda message: "ok")
    with desk.store.read() as session:
        rows = session.execute(select(AlertClaim.target, AlertClaim.repeat, AlertClaim.level)
                               .where(AlertClaim.id.in_(ids))).all()  # fmt: skip
    return sorted(tuple(row) for row in rows)


def test_a_daily_backup_is_overdue_after_30_hours_then_every_day(desk, clock):
    plan = use.add_plan(desk, "人民医院", "HIS 数据库", interval_hours=24)
    clock.move_to(T0 + 29 * H)
    assert fired(desk) == []
    clock.move_to(T0 + 30 * H)
    assert fired(desk) == [("backup_overdue", 0, "critical")]
    clock.move_to(T0 + 54 * H)
    assert fired(desk) == [("backup_overdue", 1, "critical")]
    use.record_success(desk, plan.id)  # it works again: the clock starts over
    clock.move_to(T0 + 83 * H)
    assert fired(desk) == []
    clock.move_to(T0 + 84 * H)
    assert fired(desk) == [("backup_overdue", 0, "critical")]


def test_no_restore_check_in_90_days_is_a_warning(desk, clock):
    plan = use.add_plan(desk, "人民医院", "文件服务器", interval_hours=24 * 7, retention_days=90)
    for week in range(1, 14):
        clock.move_to(T0 + week * 7 * 24 * H)
        use.record_success(desk, plan.id)
    clock.move_to(T0 + timedelta(days=90))
    assert fired(desk) == [("restore_check", 0, "warning")]
    use.record_restore_check(desk, plan.id)
    clock.move_to(T0 + timedelta(days=179))
    assert [t for t, _, _ in fired(desk)] == ["backup_overdue"]  # no success for 12 weeks


@pytest.mark.parametrize(
    ("hours", "days", "message"),
    [(0, 30, "interval"), (24 * 40, 30, "interval"), (24, 0, "retention"), (72, 1, "keeps no")],
)
def test_bad_plans_are_refused(desk, hours, days, message):
    with pytest.raises(InvalidInput, match=message):
        use.add_plan(desk, "人民医院", "HIS", interval_hours=hours, retention_days=days)


def test_a_success_cannot_be_in_the_future_or_go_back(desk, clock):
    plan = use.add_plan(desk, "人民医院", "HIS 数据库")
    with pytest.raises(InvalidInput, match="future"):
        use.record_success(desk, plan.id, T0 + H)
    use.record_success(desk, plan.id)
    with pytest.raises(InvalidInput, match="earlier one"):
        use.record_success(desk, plan.id, T0 - H)


def test_the_commands(demo_db, cli, digest):
    code, out, err = cli("backup-plan", "add", "1", "HIS 数据库", "--what", "全量 + binlog",
                         "--where", "OSS 杭州", "--every-hours", "24")  # fmt: skip
    assert code == 0, err
    plan_id = out.split()[2].rstrip(":")  # "backup plan 5: HIS 数据库, every 24 h"
    assert cli("backup-plan", "success", plan_id).code == 0
    code, out, _ = cli("backup-plan", "list", "--customer", "1", "--json")
    (plan,) = json.loads(out)  # the demo's plans are other customers'
    assert str(plan["id"]) == plan_id and plan["system"] == "HIS 数据库"
    assert plan["last_success_at"] and not plan["overdue"]
    before = digest(demo_db)
    for bad in (("backup-plan", "success", plan_id, "--at", "2999-01-01T00:00+08:00"),
                ("backup-plan", "success", "99999"),
                ("backup-plan", "add", "1", "x", "--every-hours", "0")):  # fmt: skip
        result = cli(*bad)
        assert result.code == 2 and len(result.stderr.strip().splitlines()) == 1, result
    assert digest(demo_db) == before
