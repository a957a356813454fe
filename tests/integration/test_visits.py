"""Return visits (回访) against a real SQLite file: planning (idempotent, and in two
processes at once), recording with the needs found (tickets in the same transaction),
cancelling, the due/overdue alerts, and `helpdesk visit` on the command line."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.errors import InvalidInput, NotFound
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.domain.visits import Need, VisitMethod
from helpdesk_tui.services import alerts, tickets
from helpdesk_tui.services import visits as use
from helpdesk_tui.services.desk import open_desk
from helpdesk_tui.services.directory import add_customer, add_engineer
from helpdesk_tui.services.roster import add_shift
from helpdesk_tui.store.models import AlertClaim, AuditEntry, ReturnVisit, Ticket
from tests.integration.conftest import DESK_CUSTOMER, ZONE, table_digest

T0 = datetime.fromisoformat("2026-11-20T10:00:00+08:00")


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(account_desk):
    return account_desk


def _rows(desk) -> list[tuple]:
    with desk.store.read() as session:
        query = select(ReturnVisit.schedule_key, ReturnVisit.due_on, ReturnVisit.status)
        return sorted(session.execute(query).all())


def _accepted_urgent(desk, clock) -> Ticket:
    request = tickets.NewTicket(DESK_CUSTOMER, "核心交换机宕机", Severity.URGENT, Channel.PHONE)
    ticket = tickets.new_ticket(desk, request)
    tickets.respond(desk, ticket.key)
    tickets.resolve(desk, ticket.key, "更换电源模块")
    clock.shift(timedelta(hours=2))
    return tickets.accept(desk, ticket.key, 5)


def test_planning_twice_plans_nothing_twice(desk, clock):
    add_customer(desk, "成都教育局")
    ticket = _accepted_urgent(desk, clock)
    first = use.plan_visits(desk)
    assert sorted((v.reason, v.due_on) for v in first) == [
        ("after_ticket", date(2026, 11, 23)),  # three days after acceptance
        ("scheduled", date(2027, 2, 20)),
        ("scheduled", date(2027, 2, 20)),
    ]
    rows = _rows(desk)
    assert use.plan_visits(desk) == []
    assert _rows(desk) == rows
    assert (f"ticket:{ticket.id}", date(2026, 11, 23), "planned") in rows


def test_medium_tickets_and_customers_without_a_schedule_get_no_visit(desk, clock):
    quiet = add_customer(desk, "不回访客户")
    with desk.store.write() as session:
        session.get(type(quiet), quiet.id).visit_every_months = 0
    request = tickets.NewTicket(DESK_CUSTOMER, "打印慢", Severity.MEDIUM, Channel.PHONE)
    ticket = tickets.new_ticket(desk, request)
    tickets.respond(desk, ticket.key)
    tickets.resolve(desk, ticket.key, "清理队列")
    tickets.accept(desk, ticket.key, 4)
    planned = use.plan_visits(desk)
    assert [v.reason for v in planned] == ["scheduled"]
    assert planned[0].customer_id != quiet.id


def test_two_processes_planning_at_once_make_one_set(desk, clock, tmp_path):
    for n in range(5):
        add_customer(desk, f"客户{n}")
    settings = load_settings(db=str(tmp_path / "desk.db"), user="lina", tz=ZONE)
    desks = [open_desk(settings) for _ in range(4)]
    start = threading.Barrier(len(desks))
    planned: list[int] = []
    failures: list[BaseException] = []

    def plan(other) -> None:
        start.wait()
        try:
            planned.extend(v.id for v in use.plan_visits(other))
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=plan, args=(d,)) for d in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(planned) == len(set(planned)) == 6  # each customer once, whoever planned it
    assert len(_rows(desk)) == 6
    for other in desks:
        other.store.dispose()


def test_recording_turns_each_need_into_a_ticket_in_the_same_transaction(desk, clock):
    visit = use.add_visit(desk, DESK_CUSTOMER)
    needs = [Need("增加异地备份", Severity.SERIOUS, Channel.SURVEY),
             Need("数据库版本老旧，建议升级", channel=Channel.PROACTIVE)]  # fmt: skip
    done, raised = use.record_visit(desk, visit.id, 4, "总体满意", method=VisitMethod.ONSITE,
                                    needs=needs)  # fmt: skip
    assert (done.status, done.satisfaction, done.method, done.visitor) == (
        "done", 4, "onsite", "lina")  # fmt: skip
    with desk.store.read() as session:
        made = session.scalars(select(Ticket).where(Ticket.visit_id == visit.id)).all()
        audit = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "return_visit",
                                            AuditEntry.entity_id == visit.id)
        ).all()  # fmt: skip
        row = use.get_visit(session, desk, visit.id)
    assert sorted((t.title, t.channel, t.severity) for t in made) == [
        ("增加异地备份", "survey", "serious"),
        ("数据库版本老旧，建议升级", "proactive", "minor"),
    ]
    assert {t.key for t in raised} == {t.key for t in made}
    assert [t.key for t in row.tickets] == sorted(t.key for t in made)
    assert audit == ["plan", "record"]
    # the customer's next scheduled visit is a period from today
    assert ("every:1:2027-02-20", date(2027, 2, 20), "planned") in _rows(desk)


def test_a_refused_record_writes_nothing(desk, clock, tmp_path):
    visit = use.add_visit(desk, DESK_CUSTOMER)
    before = table_digest(tmp_path / "desk.db")
    refusals = [
        lambda: use.record_visit(desk, visit.id, 6),
        lambda: use.record_visit(desk, visit.id, 3, needs=[Need("ok"), Need(" ")]),
        lambda: use.record_visit(desk, visit.id, 3, visitor="nobody"),
        lambda: use.record_visit(desk, visit.id, 3, needs=[Need("x", channel=Channel.PHONE)]),
        lambda: use.record_visit(desk, 999, 3),
        lambda: use.add_visit(desk, DESK_CUSTOMER, date(2026, 11, 19)),
    ]
    for refused in refusals:
        with pytest.raises(InvalidInput):
            refused()
    assert table_digest(tmp_path / "desk.db") == before
    use.record_visit(desk, visit.id, 3)
    with pytest.raises(InvalidInput, match="done"):
        use.record_visit(desk, visit.id, 3)
    with pytest.raises(NotFound):
        use.cancel_visit(desk, 12345)


def test_cancelling_a_scheduled_visit_skips_its_period(desk, clock):
    (visit,) = use.plan_visits(desk)
    assert visit.due_on == date(2027, 2, 20)
    use.cancel_visit(desk, visit.id, "客户出差")
    assert _rows(desk) == [
        ("every:1:2027-02-20", date(2027, 2, 20), "cancelled"),
        ("every:1:2027-05-20", date(2027, 5, 20), "planned"),
    ]


def test_a_visit_due_then_overdue_reaches_the_duty_desk(desk, clock):
    add_engineer(desk, "zhao", "赵强", role="manager")
    add_shift(desk, "zhao", DutyRole.MANAGER, T0, T0 + timedelta(days=7))
    visit = use.add_visit(desk, DESK_CUSTOMER, date(2026, 11, 21), visitor="lina")

    def fired() -> list[tuple[str, str, str]]:
        alerts.sweep(desk, "test")
        with desk.store.read() as session:
            claims = session.scalars(select(AlertClaim).order_by(AlertClaim.id)).all()
        return [(c.subject, c.target, c.level) for c in claims]

    assert fired() == []
    clock.move_to("2026-11-21T09:00:00+08:00")
    assert fired() == [(f"visit:{visit.id}", "visit_due", "info")]
    clock.move_to("2026-11-22T09:00:00+08:00")
    assert fired()[-1] == (f"visit:{visit.id}", "visit_overdue", "warning")
    with desk.store.read() as session:
        last = session.scalars(select(AlertClaim).order_by(AlertClaim.id.desc())).first()
    assert set(last.recipients.split(",")) == {"lina", "zhao"}
    use.record_visit(desk, visit.id, 5)
    clock.move_to("2026-11-29T09:00:00+08:00")  # a week on: no reminder for a visit made
    assert len(fired()) == 2


# -- the command line ---------------------------------------------------------------------


def _planned_id(cli) -> int:
    code, out, _ = cli("visit", "list", "--due", "--json")
    assert code == 0
    return json.loads(out)[0]["id"]


def test_cli_lists_records_and_raises_tickets(demo_db, cli):
    code, out, err = cli("visit", "list", "--overdue", "--json")
    assert code == 0, err
    overdue = json.loads(out)
    assert overdue and all(v["state"] == "overdue" for v in overdue)
    visit_id = overdue[0]["id"]
    code, out, err = cli("visit", "record", str(visit_id), "--satisfaction", "4",
                         "--notes", "满意", "--need", "增加备份", "--need", "升级数据库",
                         "--need-channel", "survey", "--need-channel", "proactive",
                         "--need-severity", "medium", "--json")  # fmt: skip
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["status"], shown["satisfaction"]) == ("done", 4)
    assert [(t["title"], t["channel"]) for t in shown["tickets"]] == [
        ("增加备份", "survey"), ("升级数据库", "proactive")]  # fmt: skip
    code, out, _ = cli("ticket", "show", shown["tickets"][0]["key"], "--json")
    assert code == 0 and json.loads(out)["severity"] == "medium"


@pytest.mark.parametrize(
    "args",
    [
        ("visit", "record", "{id}", "--satisfaction", "0"),
        ("visit", "record", "{id}", "--satisfaction", "x"),
        ("visit", "record", "{id}", "--satisfaction", "3", "--method", "pigeon"),
        ("visit", "record", "{id}", "--satisfaction", "3", "--need", "a", "--need", "b",
         "--need-channel", "survey", "--need-channel", "proactive", "--need-channel", "survey"),
        ("visit", "record", "{id}", "--satisfaction", "3", "--need", "a",
         "--need-channel", "phone"),
        ("visit", "record", "{id}", "--satisfaction", "3", "--need-severity", "urgent"),
        ("visit", "record", "99999", "--satisfaction", "3"),
        ("visit", "cancel", "99999"),
        ("visit", "add", "--customer", "没有这个客户"),
        ("visit", "add", "--customer", "1", "--on", "2020-01-01"),
        ("visit", "add", "--customer", "1", "--on", "tomorrow"),
        ("visit", "list", "--due", "--done"),
        ("visit", "list", "--customer", "没有这个客户"),
    ],
)  # fmt: skip
def test_cli_refusals_exit_2_and_write_nothing(demo_db, cli, args):
    visit_id = _planned_id(cli)
    before = table_digest(demo_db)
    code, out, err = cli(*(arg.format(id=visit_id) for arg in args))
    assert code == 2, out
    assert err.startswith("helpdesk: error:") and err.count("\n") == 1
    assert table_digest(demo_db) == before


def test_cli_plan_add_and_cancel(demo_db, cli):
    code, out, err = cli("visit", "plan", "--json")
    assert code == 0, err
    assert cli("visit", "plan").stdout.startswith("0 visit(s) planned")  # all planned already
    code, out, err = cli("visit", "add", "--customer", "1", "--method", "上门", "--json")
    assert code == 0, err
    added = json.loads(out)
    assert (added["reason"], added["method"], added["status"]) == ("ad_hoc", "onsite", "planned")
    code, out, err = cli("visit", "cancel", str(added["id"]), "--reason", "改期", "--json")
    assert code == 0, err
    assert (json.loads(out)["status"], json.loads(out)["notes"]) == ("cancelled", "改期")
    code, out, _ = cli("visit", "list", "--customer", "1", "--json")
    assert added["id"] in [v["id"] for v in json.loads(out)]


def test_the_scheduler_job_plans_and_never_raises(desk, clock):
    import asyncio

    from helpdesk_tui.alerts.visit_job import plan_now

    assert asyncio.run(plan_now(desk)) == 1  # the customer's first scheduled visit
    assert asyncio.run(plan_now(desk)) == 0
    desk.store.dispose()
    broken = type(desk)(None, desk.actor, desk.policy, desk.calendars, desk.zone)  # no store
    assert asyncio.run(plan_now(broken)) == 0


def test_changing_a_customers_interval(desk, clock):
    assert len(use.plan_visits(desk)) == 1
    use.set_visit_interval(desk, DESK_CUSTOMER, 1)  # the promised day stays
    assert _rows(desk) == [("every:1:2027-02-20", date(2027, 2, 20), "planned")]
    use.set_visit_interval(desk, DESK_CUSTOMER, 0)  # no schedule: the planned one goes
    assert _rows(desk) == [("every:1:2027-02-20", date(2027, 2, 20), "cancelled")]
    assert use.plan_visits(desk) == []
    use.set_visit_interval(desk, DESK_CUSTOMER, 6)
    assert ("every:1:2027-08-20", date(2027, 8, 20), "planned") in _rows(desk)
    with pytest.raises(InvalidInput, match="interval"):
        use.set_visit_interval(desk, DESK_CUSTOMER, 25)


def test_cli_every(demo_db, cli):
    code, out, err = cli("visit", "every", "1", "0")
    assert code == 0, err
    assert "every 0 month" in out
    code, out, _ = cli("visit", "list", "--customer", "1", "--json")
    assert all(v["status"] != "planned" or v["reason"] != "scheduled" for v in json.loads(out))
    before = table_digest(demo_db)
    assert cli("visit", "every", "1", "-1").code == 2
    assert cli("visit", "every", "没有这个客户", "3").code == 2
    assert table_digest(demo_db) == before


def test_planning_at_once_on_postgres_plans_each_visit_once(postgres_url, tmp_path, monkeypatch):
    """On PostgreSQL two transactions may both see "not planned yet": the unique key and
    ON CONFLICT DO NOTHING keep one row each."""
    from helpdesk_tui.store import schema

    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    settings = load_settings(db=postgres_url, user="lina", tz=ZONE)
    desks = [open_desk(settings) for _ in range(4)]
    schema.upgrade(desks[0].store.engine)
    for n in range(20):
        add_customer(desks[0], f"客户{n}")
    start = threading.Barrier(len(desks))
    planned: list[int] = []
    failures: list[BaseException] = []

    def plan(desk) -> None:
        start.wait()
        try:
            planned.extend(v.id for v in use.plan_visits(desk))
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=plan, args=(d,)) for d in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(planned) == len(set(planned)) == 20
    assert len(_rows(desks[0])) == 20
    for desk in desks:
        desk.store.dispose()


def test_cli_a_stale_version_is_a_conflict(demo_db, cli):
    visit_id = _planned_id(cli)
    before = table_digest(demo_db)
    code, _, err = cli("visit", "cancel", str(visit_id), "--expect-version", "7")
    assert code == 3 and "changed" in err
    assert table_digest(demo_db) == before
