"""Penalties (违约金) over real tickets on a real SQLite file: tickets reported, answered,
paused and resolved through the use cases at known instants, then `helpdesk report
penalties` checked against amounts worked out by hand from the contract's terms."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import text

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import tickets
from helpdesk_tui.services.penalties import penalties
from helpdesk_tui.store.models import Contract, Customer

NOW = datetime.fromisoformat("2026-11-25T12:00:00+08:00")
H = timedelta(hours=1)
PRICE = 200_000_00  # 200 000 元
CUSTOMER = "杭州人民医院"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(account_desk):
    with account_desk.store.write() as session:
        customer = session.query(Customer).one()
        session.add(Contract(
            number="WB-TEST-1", customer_id=customer.id, starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31), total_price_fen=PRICE, penalty_per_breach_bp=50,
            penalty_per_hour_late_bp=5, penalty_cap_bp=100, calendar="24x7",
        ))  # fmt: skip
    return account_desk


def ticket(desk, severity: Severity, reported: str) -> str:
    made = tickets.new_ticket(desk, tickets.NewTicket(
        customer=CUSTOMER, title="故障", severity=severity, channel=Channel.PHONE,
        reported_at=datetime.fromisoformat(reported),
    ))  # fmt: skip
    return made.key


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_report_prices_each_breach_by_the_contract_and_caps_the_total(desk, clock):
    # October. Urgent (1 h / 24 h): answered 2 h 30 min late, fixed in time.
    a = ticket(desk, Severity.URGENT, "2026-10-10T08:00+08:00")
    tickets.respond(desk, a, at=instant("2026-10-10T11:30+08:00"))
    tickets.resolve(desk, a, "修复", at=instant("2026-10-10T20:00+08:00"))
    # October. Serious (2 h / 24 h): in time, but fixed 26 h after the report with 5 h
    # waiting for the customer in between: 21 h of fix clock, not late.
    b = ticket(desk, Severity.SERIOUS, "2026-10-20T09:00+08:00")
    tickets.respond(desk, b, at=instant("2026-10-20T10:00+08:00"))
    tickets.wait_for_customer(desk, b, at=instant("2026-10-20T12:00+08:00"))
    tickets.resume(desk, b, at=instant("2026-10-20T17:00+08:00"))
    tickets.resolve(desk, b, "修复", at=instant("2026-10-21T11:00+08:00"))
    # November. Medium (8 h / 48 h): answered in time, still open 72 h later: 24 h late.
    c = ticket(desk, Severity.MEDIUM, "2026-11-22T12:00+08:00")
    tickets.respond(desk, c, at=instant("2026-11-22T13:00+08:00"))

    with desk.store.read() as session:
        [report] = penalties(session, desk, date(2026, 10, 1), date(2026, 11, 1))
    october, november = report.months
    per_breach, per_hour = PRICE * 50 // 10_000, PRICE * 5 // 10_000  # 1 000 元, 100 元
    assert [(c.breach.target, c.hours) for c in october.charges] == [("response", 3)]
    assert october.charged_fen == per_breach + 3 * per_hour == october.owed_fen
    assert [(c.breach.target, c.hours) for c in november.charges] == [("fix", 24)]
    assert november.charged_fen == per_breach + 24 * per_hour
    cap = PRICE * 100 // 10_000  # 1 % of the price: 2 000 元 over the contract
    assert november.owed_fen == cap - october.owed_fen
    assert report.owed_fen == cap


def test_the_command_prints_the_months_as_json_and_refuses_bad_months(desk, clock, cli):
    a = ticket(desk, Severity.URGENT, "2026-11-02T08:00+08:00")
    tickets.respond(desk, a, at=instant("2026-11-02T09:30+08:00"))
    tickets.resolve(desk, a, "修复", at=instant("2026-11-02T12:00+08:00"))
    db = ("--db", desk.store.engine.url.database)
    done = cli(*db, "report", "penalties", "--from", "2026-11", "--format", "json")
    assert done.code == 0, done.stderr
    [month] = json.loads(done.stdout)
    assert month["contract"] == "WB-TEST-1" and month["month"] == "2026-11"
    [charge] = month["charges"]
    assert charge["ticket_key"] == a and charge["target"] == "response"
    assert charge["hours_late"] == 1 and charge["due_at"] == "2026-11-02T09:00:00+08:00"
    for bad in (("--from", "2026-13"), ("--from", "11/2026"), ("--from", "2026-11", "--to",
                "2026-10"), ("--format", "xml"), ("--contract", "WB-NOPE")):  # fmt: skip
        refused = cli(*db, "report", "penalties", *bad)
        assert refused.code == 2 and len(refused.stderr.strip().splitlines()) == 1, refused


def charges(desk) -> list[tuple[int, str, int, int]]:
    with desk.store.read() as session:
        [report] = penalties(session, desk, date(2026, 1, 1), date(2026, 12, 1))
    return [(c.breach.ticket_id, c.breach.target, c.hours, c.fen)
            for month in report.months for c in month.charges]  # fmt: skip


def test_stored_working_times_price_the_same_as_the_clocks(desk, clock):
    """Finished promises are priced from the times kept on the ticket, running ones and
    tickets from before those times were kept from their clocks: the same amounts."""
    late_answer = ticket(desk, Severity.URGENT, "2026-10-10T08:00+08:00")
    tickets.respond(desk, late_answer, at=instant("2026-10-10T11:30+08:00"))
    tickets.resolve(desk, late_answer, "修复", at=instant("2026-10-10T20:00+08:00"))
    reopened = ticket(desk, Severity.SERIOUS, "2026-10-20T09:00+08:00")
    tickets.respond(desk, reopened, at=instant("2026-10-20T10:00+08:00"))
    tickets.resolve(desk, reopened, "修复", at=instant("2026-10-21T05:00+08:00"))  # 20 h
    tickets.reopen(desk, reopened, "又坏了", at=instant("2026-10-22T09:00+08:00"))
    tickets.resolve(desk, reopened, "再修复", at=instant("2026-10-22T16:00+08:00"))  # +7 h
    unanswered = ticket(desk, Severity.MEDIUM, "2026-11-24T09:00+08:00")
    stored = charges(desk)
    assert (
        {(key, target, hours) for key, target, hours, _ in stored}
        == {
            (int(late_answer[2:]), "response", 3),
            (int(reopened[2:]), "fix", 3),  # 27 h of fix clock against 24 h
            (int(unanswered[2:]), "response", 19),  # 27 h so far against 8 h
        }
    )
    with desk.store.write() as session:
        session.execute(text(
            "UPDATE tickets SET response_work_seconds = NULL, fix_work_seconds = NULL"
        ))  # fmt: skip
    assert charges(desk) == stored
