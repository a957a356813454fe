"""Disaster-recovery plans (灾难恢复预案): drill reminders through the real sweep, the
rules the service keeps, and the `helpdesk dr` commands."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from helpdesk_tui.domain.errors import Conflict, InvalidInput, NotFound
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.services import alerts
from helpdesk_tui.services import recovery_plans as use
from helpdesk_tui.services.backup_plans import add_plan as add_backup_plan
from helpdesk_tui.services.directory import add_engineer
from helpdesk_tui.services.roster import add_shift
from helpdesk_tui.store.models import AlertClaim, AlertTimer, AuditEntry, RecoveryPlan
from tests.integration.conftest import DEMO_NOW

T0 = datetime.fromisoformat("2026-11-01T08:00:00+08:00")
STEPS = ["切换到同城备库", "恢复最近一次全量备份", "验证核心业务"]
CONTACTS = ["张三 13800000000 DBA", "值班台 400-800-1234"]


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(account_desk):
    """With zhao (赵强) the duty manager for the first seven weeks, a week at a time."""
    add_engineer(account_desk, "zhao", "赵强", role="manager")
    week = timedelta(days=7)
    for start in (T0 + n * week for n in range(7)):
        add_shift(account_desk, "zhao", DutyRole.MANAGER, start, start + week)
    return account_desk


def fired(desk) -> list[tuple[str, int, str, str]]:
    ids = alerts.sweep(desk, "test")
    alerts.deliver(desk, "test", ids, lambda message: "ok")
    with desk.store.read() as session:
        query = select(AlertClaim.target, AlertClaim.repeat, AlertClaim.level,
                       AlertClaim.recipients).where(AlertClaim.id.in_(ids))  # fmt: skip
        return sorted(tuple(row) for row in session.execute(query))


def new_plan(desk, every: int = 30, system: str = "HIS 数据库"):
    return use.add_plan(desk, "人民医院", system, rto_minutes=240, rpo_minutes=60, steps=STEPS,
                        contacts=CONTACTS, drill_interval_days=every)  # fmt: skip


def test_a_warning_14_days_before_then_critical_weekly_until_a_drill(desk, clock):
    plan = new_plan(desk, every=30)  # due 2026-12-01
    clock.move_to("2026-11-17T08:59:00+08:00")
    assert fired(desk) == []
    clock.move_to("2026-11-17T09:00:00+08:00")
    assert fired(desk) == [("drill", 0, "warning", "lina,zhao")]
    assert fired(desk) == []  # exactly once
    clock.move_to("2026-12-01T09:00:00+08:00")
    assert fired(desk) == [("drill", 0, "critical", "lina,zhao")]
    clock.move_to("2026-12-08T09:00:00+08:00")
    assert fired(desk) == [("drill", 1, "critical", "lina,zhao")]
    use.record_drill(desk, plan.id, notes="切换用时 95 分钟")  # next due 2027-01-07
    clock.move_to("2026-12-15T09:00:00+08:00")  # the next weekly reminder would have been now
    assert fired(desk) == []
    clock.move_to("2026-12-24T09:00:00+08:00")
    assert fired(desk) == [("drill", 0, "warning", "lina")]  # zhao's shift ended


def test_catching_up_after_a_quiet_month_fires_one_alert(desk, clock):
    new_plan(desk, every=30)
    clock.move_to("2026-12-19T10:00:00+08:00")
    assert fired(desk) == [("drill", 2, "critical", "lina,zhao")]


def test_a_back_dated_drill_sets_the_next_due_day(desk, clock):
    plan = new_plan(desk, every=180)
    use.record_drill(desk, plan.id, date(2026, 5, 10), "年中演练")
    with desk.store.read() as session:
        facts = use.facts(session, desk, session.get(type(plan), plan.id))
    assert (facts.next_drill_on, facts.drill_state) == (date(2026, 11, 6), "due_soon")
    with pytest.raises(InvalidInput, match="later drill"):
        use.record_drill(desk, plan.id, date(2026, 5, 1))
    with pytest.raises(InvalidInput, match="future"):
        use.record_drill(desk, plan.id, date(2026, 11, 2))


def test_one_plan_per_system_and_bad_plans_refused(desk):
    new_plan(desk)
    with pytest.raises(InvalidInput, match="already"):
        new_plan(desk)
    with pytest.raises(InvalidInput, match="drill interval"):
        new_plan(desk, every=10, system="门户网站")
    with pytest.raises(InvalidInput, match="RPO"):
        use.add_plan(desk, "人民医院", "门户网站", rto_minutes=60, rpo_minutes=0,
                     steps=STEPS, contacts=CONTACTS)  # fmt: skip


def test_steps_and_a_stale_edit(desk):
    plan = new_plan(desk)
    plan = use.add_step(desk, plan.id, "通知客户恢复完成", expected_version=plan.version)
    assert plan.steps[-1] == "通知客户恢复完成" and plan.version == 2
    plan = use.remove_step(desk, plan.id, 1)
    assert plan.steps == [*STEPS[1:], "通知客户恢复完成"]
    with pytest.raises(Conflict, match="changed by lina"):
        use.update_plan(desk, plan.id, rto_minutes=120, expected_version=1)
    with pytest.raises(InvalidInput, match="no step 9"):
        use.remove_step(desk, plan.id, 9)


def test_an_rpo_shorter_than_the_backup_interval_is_flagged(desk):
    plan = new_plan(desk)
    with desk.store.read() as session:
        assert use.backup_warning(session, plan) is None  # no backup plan for it yet
    add_backup_plan(desk, "人民医院", "HIS 数据库", interval_hours=24)
    with desk.store.read() as session:
        assert "24 h" in use.backup_warning(session, plan)
    use.update_plan(desk, plan.id, rpo_minutes=24 * 60)
    with desk.store.read() as session:
        assert use.backup_warning(session, session.get(type(plan), plan.id)) is None


def test_a_removed_plan_stops_its_reminders_and_leaves_an_audit_entry(desk, clock):
    plan = new_plan(desk, every=30)
    other = new_plan(desk, every=30, system="门户网站")
    with pytest.raises(Conflict, match="reload"):
        use.remove_plan(desk, plan.id, expected_version=plan.version + 1)
    use.remove_plan(desk, plan.id, expected_version=plan.version)
    with desk.store.read() as session:
        assert session.get(RecoveryPlan, plan.id) is None
        timers = session.scalars(select(AlertTimer).where(AlertTimer.subject.like("drill:%")))
        assert {(t.subject, t.next_at is None) for t in timers} == {
            (f"drill:{plan.id}", True), (f"drill:{other.id}", False)}  # fmt: skip
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.entity == "recovery_plan", AuditEntry.entity_id == plan.id,
            AuditEntry.action == "delete")).one()  # fmt: skip
        assert entry.actor == "lina" and "HIS 数据库" in entry.detail and STEPS[0] in entry.detail
    clock.move_to("2026-11-17T09:00:00+08:00")
    assert fired(desk) == [("drill", 0, "warning", "lina,zhao")]  # the other plan's only
    with pytest.raises(NotFound):
        use.remove_plan(desk, plan.id)


def test_dr_remove(demo_db, cli, digest):
    code, out, err = cli("dr", "list", "--json")
    plan = json.loads(out)[0]
    number = str(plan["id"])
    before = digest(demo_db)
    for bad in (("dr", "remove", number),  # no --yes: nothing written
                ("dr", "remove", "999", "--yes")):  # fmt: skip
        result = cli(*bad)
        assert result.code == 2 and len(result.stderr.strip().splitlines()) == 1, result
    assert "--yes" in cli("dr", "remove", number).stderr
    stale = cli("dr", "remove", number, "--yes", "--expect-version", str(plan["version"] + 1))
    assert stale.code == 3 and "reload" in stale.stderr
    assert digest(demo_db) == before
    code, out, err = cli("dr", "remove", number, "--yes")
    assert code == 0 and "removed" in out, err
    assert cli("dr", "show", number).code == 2
    assert int(number) not in [p["id"] for p in json.loads(cli("dr", "list", "--json").stdout)]


def test_the_commands(demo_db, cli, digest):
    add = ("dr", "add", "--customer", "1", "--system", "HIS 数据库", "--rto", "240",
           "--rpo", "60", "--step", "切换到备库", "--step", "恢复全量备份",
           "--contact", "张三 13800000000 DBA", "--drill-every", "90", "--json")  # fmt: skip
    code, out, err = cli(*add)
    assert code == 0, err
    plan = json.loads(out)
    assert plan["steps"] == ["切换到备库", "恢复全量备份"] and plan["drill_state"] == "ok"
    assert plan["contacts"] == [{"name": "张三", "phone": "13800000000", "role": "DBA"}]
    number = str(plan["id"])
    assert cli("dr", "step", number, "--add", "验证业务").code == 0
    code, out, _ = cli("dr", "show", number)
    assert code == 0 and " 3. 验证业务" in out and " 1. 切换到备库" in out
    code, out, _ = cli("dr", "drill", number, "--notes", "演练顺利", "--json")
    assert code == 0 and json.loads(out)["last_drill_notes"] == "演练顺利"
    assert cli("backup-plan", "add", "1", "HIS 数据库").code == 0
    code, out, err = cli("dr", "list", "--customer", "1", "--json")
    (listed,) = json.loads(out)
    assert "24 h" in listed["rpo_warning"] and "warning" in cli("dr", "show", number).stderr
    before = digest(demo_db)
    for bad in (("dr", "add", "--customer", "1", "--system", "X", "--rto", "0", "--rpo", "5",
                 "--step", "a", "--contact", "张三 13800000000"),
                ("dr", "add", "--customer", "1", "--system", "X", "--rto", "5", "--rpo", "5",
                 "--step", "a", "--contact", "张三"),
                ("dr", "add", "--customer", "1", "--system", "X", "--rto", "5", "--rpo", "5",
                 "--contact", "张三 13800000000"),
                ("dr", "step", number, "--remove", "9"),
                ("dr", "step", number),
                ("dr", "drill", number, "--on", "2999-01-01"),
                ("dr", "drill", number, "--on", "tomorrow"),
                ("dr", "show", "999")):  # fmt: skip
        result = cli(*bad)
        assert result.code == 2 and len(result.stderr.strip().splitlines()) == 1, result
    stale = cli("dr", "update", number, "--rto", "120", "--expect-version", "1")
    assert stale.code == 3 and "reload" in stale.stderr
    assert digest(demo_db) == before


def test_the_demo_has_a_drill_overdue_and_one_due_soon(demo_db, cli):
    with time_machine.travel(DEMO_NOW, tick=False):  # the states move on with the days
        code, out, _ = cli("dr", "list", "--json")
    states = sorted(plan["drill_state"] for plan in json.loads(out))
    assert code == 0 and states == ["due_soon", "ok", "overdue"]
