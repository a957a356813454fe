"""The alert sweep against a real SQLite file; the clock is moved with time-machine."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import alerts
from helpdesk_tui.services import tickets as use
from helpdesk_tui.services.desk import Desk, open_desk
from helpdesk_tui.services.directory import add_customer, add_engineer
from helpdesk_tui.services.roster import add_shift
from helpdesk_tui.store import schema
from helpdesk_tui.store.models import AlertClaim, AlertTimer

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
M = timedelta(minutes=1)
H = timedelta(hours=1)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(tmp_path, clock, monkeypatch) -> Desk:
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    settings = load_settings(db=str(tmp_path / "desk.db"), user="lina", tz="Asia/Shanghai")
    desk = open_desk(settings)  # the real clock, which time-machine moves
    schema.upgrade(desk.store.engine)
    add_customer(desk, "杭州人民医院")
    add_engineer(desk, "lina", "李娜")
    add_engineer(desk, "zhao", "赵强", role="manager")
    return desk


def at(clock, offset: timedelta) -> None:
    clock.move_to(T0 + offset)


def urgent(desk: Desk, **extra):
    request = use.NewTicket(customer="人民医院", title="系统无法登录", severity=Severity.URGENT,
                            channel=Channel.PHONE, **extra)  # fmt: skip
    return use.new_ticket(desk, request)


def fired(desk: Desk, owner: str = "test") -> list[tuple[str, int, int, bool]]:
    """Sweep and deliver once; (target, threshold, repeat, late) of each alert claimed."""
    ids = alerts.sweep(desk, owner)
    assert alerts.deliver(desk, owner, ids, lambda message: "ok") == len(ids)
    with desk.store.read() as session:
        claims = session.scalars(select(AlertClaim).where(AlertClaim.id.in_(ids))).all()
        return sorted((c.target, c.threshold, c.repeat, c.late) for c in claims)


def test_warnings_then_breach_on_time(desk, clock):
    urgent(desk, assignee="lina")
    at(clock, 29 * M)
    assert fired(desk) == []
    at(clock, 30 * M)
    assert fired(desk) == [("response", 50, 0, False)]
    assert fired(desk) == []  # once only
    at(clock, 45 * M)
    assert fired(desk) == [("response", 75, 0, False)]
    at(clock, 54 * M)
    assert fired(desk) == [("response", 90, 0, False)]
    at(clock, 60 * M)
    assert fired(desk) == [("response", 100, 0, False)]
    at(clock, 90 * M)
    assert fired(desk) == [("response", 100, 1, False)]


def test_a_response_stops_the_response_alerts(desk, clock):
    ticket = urgent(desk)
    at(clock, 40 * M)
    use.respond(desk, ticket.key)
    at(clock, 3 * H)
    assert fired(desk) == []  # its 50 % passed unswept, but the target is met: no stale news
    at(clock, 12 * H)  # fix: 50 % of 24 h
    assert fired(desk) == [("fix", 50, 0, False)]


def test_catch_up_after_downtime_fires_the_latest_once_marked_late(desk, clock):
    urgent(desk)
    at(clock, 20 * M)
    assert fired(desk) == []
    at(clock, 58 * M)  # nothing ran from +20 to +58: 50, 75 and 90 % passed
    assert fired(desk) == [("response", 90, 0, True)]
    at(clock, 60 * M)
    assert fired(desk) == [("response", 100, 0, False)]


def test_waiting_for_the_customer_moves_the_fix_moments(desk, clock):
    ticket = urgent(desk)
    use.respond(desk, ticket.key)
    at(clock, 1 * H)
    use.wait_for_customer(desk, ticket.key)
    at(clock, 20 * H)  # paused: the fix 50 % (+12 h of running time) has not come
    assert fired(desk) == []
    use.resume(desk, ticket.key)
    at(clock, 30 * H)
    assert fired(desk) == []
    at(clock, 31 * H)  # 1 h ran before the pause, 11 h after it
    assert fired(desk) == [("fix", 50, 0, False)]


def test_a_severity_change_moves_the_moments_and_alerts_again(desk, clock):
    ticket = urgent(desk)
    at(clock, 30 * M)
    assert fired(desk) == [("response", 50, 0, False)]
    use.change_severity(desk, ticket.key, Severity.MEDIUM)  # response 8 h from reported_at
    at(clock, 3 * H)
    assert fired(desk) == []
    at(clock, 4 * H)
    alerts_now = fired(desk)
    assert alerts_now == [("response", 50, 0, False)]
    with desk.store.read() as session:
        dues = session.scalars(select(AlertClaim.due_at).order_by(AlertClaim.id)).all()
    assert dues == [T0 + 30 * M, T0 + 4 * H]  # two different moments, two alerts


def test_recipients_follow_the_roster(desk, clock):
    add_shift(desk, "lina", DutyRole.PRIMARY, T0 - H, T0 + 8 * H)
    add_shift(desk, "zhao", DutyRole.MANAGER, T0 - H, T0 + 8 * H)
    ticket = urgent(desk)  # nobody named: the primary on duty takes it
    assert ticket.assignee_id is not None
    at(clock, 30 * M)
    fired(desk)
    at(clock, 60 * M)
    fired(desk)
    at(clock, 90 * M)
    fired(desk)
    with desk.store.read() as session:
        sent = session.execute(
            select(AlertClaim.threshold, AlertClaim.repeat, AlertClaim.recipients).order_by(
                AlertClaim.id
            )
        ).all()
    assert [tuple(row) for row in sent] == [
        (50, 0, "lina"), (100, 0, "lina,zhao"), (100, 1, "zhao"),
    ]  # fmt: skip


def test_acknowledging_the_breach_stops_the_reminders(desk, clock):
    urgent(desk)
    at(clock, 60 * M)
    ids = alerts.sweep(desk, "test")
    alerts.deliver(desk, "test", ids, lambda message: "ok")
    alerts.acknowledge(desk, ids[-1])
    at(clock, 5 * H)
    assert fired(desk) == []
    with desk.store.read() as session:
        listed = alerts.list_alerts(session, T0 + 5 * H, "active")
    assert listed == []


def test_snooze_quiets_the_target_and_then_catches_up_once(desk, clock):
    urgent(desk)
    at(clock, 30 * M)
    (first,) = alerts.sweep(desk, "test")
    alerts.deliver(desk, "test", [first], lambda message: "ok")
    alerts.snooze(desk, first, 40)
    at(clock, 60 * M)
    assert fired(desk) == []  # 75 %, 90 % and the breach came during the snooze
    at(clock, 70 * M)
    assert fired(desk) == [("response", 100, 0, True)]


def test_two_sweepers_claim_each_alert_once(desk, clock):
    for _ in range(5):
        urgent(desk)
    at(clock, 30 * M)
    mine, theirs = alerts.sweep(desk, "one"), alerts.sweep(desk, "two")
    assert len(mine) == 5 and theirs == []


def test_a_claim_whose_deliverer_died_is_taken_over_after_the_lease(desk, clock):
    urgent(desk)
    at(clock, 30 * M)
    (claimed,) = alerts.sweep(desk, "died")  # and never delivered
    at(clock, 30 * M + alerts.LEASE / 2)
    assert alerts.sweep(desk, "other") == []
    at(clock, 30 * M + alerts.LEASE + M)
    assert alerts.sweep(desk, "other") == [claimed]
    sent = []
    assert alerts.deliver(desk, "died", [claimed], sent.append) == 0  # no longer its claim
    assert alerts.deliver(desk, "other", [claimed], lambda m: "ok") == 1
    assert alerts.sweep(desk, "third") == []


def test_the_sweep_reads_only_due_timers(desk, clock):
    for _ in range(30):
        urgent(desk)
    with desk.store.read() as session:
        plan = session.execute(
            select(AlertTimer.id).where(AlertTimer.next_at <= T0).order_by(AlertTimer.next_at)
        )
        assert plan.all() == []
        assert session.scalar(select(func.count()).select_from(AlertTimer)) == 60
        explained = " ".join(
            str(row)
            for row in session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM alert_timers WHERE next_at <= '2026-11-23' "
                "ORDER BY next_at LIMIT 500"
            )
        )
    assert "ix_alert_timers_next_at" in explained
