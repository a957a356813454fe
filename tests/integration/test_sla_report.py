"""The SLA report (issue 7) on real SQLite files.

- Compliance, table-driven: one ticket per case, driven through the use cases at known
  instants (answered late, waiting for the customer, reopened, paused past its deadline,
  unanswered, still running, cancelled), then the report's figures checked against what
  the case says by hand; the same figures again once the stored times are wiped, as on
  tickets answered before migration 0007.
- A generated month (`services.demo.generate`) checked against figures computed here in
  plain Python from `SELECT * FROM tickets`, and the generated tickets' stored times and
  coverage checked against what `services.tickets` would store.
- `helpdesk report sla` as CSV, JSON and Markdown, in Chinese; bad input refused.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select, update

from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import demo, tickets
from helpdesk_tui.services.desk import open_desk
from helpdesk_tui.services.sla_report import UNASSIGNED, Dimension, monthly_totals, sla_report
from helpdesk_tui.services.terms import terms_for
from helpdesk_tui.services.ticket_alerts import clock_facts
from helpdesk_tui.store import schema
from helpdesk_tui.store.models import ClockPause, Contract, Customer, Ticket
from tests.integration.conftest import USER, table_digest

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZONE)
REPORTED = datetime(2026, 11, 2, 9, 0, tzinfo=ZONE)
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
CUSTOMER = "杭州人民医院"
H = 3600.0


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def add_contract(desk, number: str = "WB-SLA-1", calendar: str = "24x7") -> None:
    with desk.store.write() as session:
        customer = session.scalars(select(Customer)).one()
        session.add(Contract(
            number=number, customer_id=customer.id, starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31), total_price_fen=100_000_00, calendar=calendar,
        ))  # fmt: skip


@pytest.fixture
def desk(account_desk):
    add_contract(account_desk)
    return account_desk


def new(desk, severity: Severity, reported: datetime = REPORTED, **extra) -> str:
    request = tickets.NewTicket(customer=CUSTOMER, title="故障", severity=severity,
                                channel=Channel.PHONE, reported_at=reported, **extra)  # fmt: skip
    return tickets.new_ticket(desk, request).key


STEPS = {
    "respond": lambda desk, key, at: tickets.respond(desk, key, at=at),
    "wait": lambda desk, key, at: tickets.wait_for_customer(desk, key, at=at),
    "resume": lambda desk, key, at: tickets.resume(desk, key, at=at),
    "resolve": lambda desk, key, at: tickets.resolve(desk, key, "修复", at=at),
    "reopen": lambda desk, key, at: tickets.reopen(desk, key, "又坏了", at=at),
    "accept": lambda desk, key, at: tickets.accept(desk, key, 5, at=at),
    "cancel": lambda desk, key, at: tickets.cancel(desk, key, "重复", at=at),
}


@dataclass(frozen=True)
class Case:
    """A ticket's history (steps at hours after it was reported) and what it counts as:
    (tickets, response met, response missed, fix met, fix missed) and the hours to
    respond and fix (working, wall); None where there is nothing to average."""

    severity: Severity
    steps: tuple[tuple[str, float], ...]
    counts: tuple[int, int, int, int, int]
    response_hours: tuple[float, float] | None = None
    fix_hours: tuple[float, float] | None = None
    reported: datetime = REPORTED


CASES = {
    # urgent: respond in 1 h, fix in 24 h; serious 2 h / 24 h; medium 8 h / 48 h
    "kept both": Case(Severity.URGENT, (("respond", 0.5), ("resolve", 10)),
                      (1, 1, 0, 1, 0), (0.5, 0.5), (10, 10)),
    "answered late": Case(Severity.URGENT, (("respond", 2), ("resolve", 5)),
                          (1, 0, 1, 1, 0), (2, 2), (5, 5)),
    "waiting for the customer pauses the fix clock": Case(
        Severity.SERIOUS, (("respond", 1), ("wait", 2), ("resume", 12), ("resolve", 30)),
        (1, 1, 0, 1, 0), (1, 1), (20, 30)),
    "the same fix without the pause is late": Case(
        Severity.SERIOUS, (("respond", 1), ("resolve", 30)), (1, 1, 0, 0, 1), (1, 1), (30, 30)),
    "reopened, then fixed within the target": Case(
        Severity.URGENT, (("respond", 0.5), ("resolve", 4), ("reopen", 10), ("resolve", 20)),
        (1, 1, 0, 1, 0), (0.5, 0.5), (14, 20)),
    "reopened and late the second time": Case(
        Severity.URGENT, (("respond", 0.5), ("resolve", 20), ("reopen", 22), ("resolve", 30)),
        (1, 1, 0, 0, 1), (0.5, 0.5), (28, 30)),
    "resolved, reopened and still open past due": Case(
        Severity.URGENT, (("respond", 0.5), ("resolve", 20), ("reopen", 22)),
        (1, 1, 0, 0, 1), (0.5, 0.5), None),
    "accepted keeps its times": Case(
        Severity.MEDIUM, (("respond", 3), ("resolve", 40), ("accept", 50)),
        (1, 1, 0, 1, 0), (3, 3), (40, 40)),
    "unanswered past both deadlines": Case(Severity.MEDIUM, (), (1, 0, 1, 0, 1)),
    "waiting, and the fix clock ran out before": Case(
        Severity.URGENT, (("respond", 0.5), ("wait", 30)), (1, 1, 0, 0, 1), (0.5, 0.5)),
    "still running: nothing decided": Case(
        Severity.URGENT, (), (1, 0, 0, 0, 0), reported=NOW - timedelta(minutes=30)),
    "answered, fix still running": Case(
        Severity.MEDIUM, (("respond", 1),), (1, 1, 0, 0, 0), (1, 1),
        reported=NOW - timedelta(hours=5)),
    "cancelled tickets are not counted": Case(Severity.URGENT, (("cancel", 0.2),),
                                              (0, 0, 0, 0, 0)),
}  # fmt: skip


def play(desk, case: Case, **extra) -> str:
    key = new(desk, case.severity, case.reported, **extra)
    for step, hours in case.steps:
        STEPS[step](desk, key, case.reported + timedelta(hours=hours))
    return key


def counts(figures) -> tuple[int, ...]:
    return (figures.tickets, figures.response_met, figures.response_missed, figures.fix_met,
            figures.fix_missed)  # fmt: skip


def times(figures) -> tuple:
    def hours(value: float | None) -> float | None:
        return None if value is None else round(value / H, 6)

    response = (hours(figures.mtta_work_seconds), hours(figures.mtta_wall_seconds))
    fix = (hours(figures.mttr_work_seconds), hours(figures.mttr_wall_seconds))
    return (None if response == (None, None) else response,
            None if fix == (None, None) else fix)  # fmt: skip


def november(desk, by: Dimension = Dimension.TOTAL):
    with desk.store.read() as session:
        return sla_report(session, desk, *NOVEMBER, by=by)


def forget_stored_times(desk) -> None:
    """As on tickets answered and resolved before migration 0007."""
    with desk.store.write() as session:
        session.execute(update(Ticket).values(
            response_work_seconds=None, response_wall_seconds=None, fix_work_seconds=None,
            fix_wall_seconds=None,
        ).execution_options(synchronize_session=False))  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_each_history_counts_as_the_promises_it_kept_or_broke(desk, clock, name):
    case = CASES[name]
    play(desk, case)
    total = november(desk).total
    assert counts(total) == case.counts
    expected_times = (
        tuple(float(h) for h in case.response_hours) if case.response_hours else None,
        tuple(float(h) for h in case.fix_hours) if case.fix_hours else None,
    )
    assert times(total) == expected_times
    assert total.breaches == case.counts[2] + case.counts[4]
    forget_stored_times(desk)
    assert counts(november(desk).total) == case.counts
    assert times(november(desk).total) == expected_times


def test_groups_add_up_to_the_total_and_percents_are_of_decided_promises(desk, clock):
    for case in CASES.values():
        play(desk, case, assignee=USER)
    play(desk, CASES["kept both"])  # nobody's
    expected = [sum(c.counts[i] for c in CASES.values()) for i in range(5)]
    by_engineer = november(desk, Dimension.ENGINEER)
    assert [(row.group, row.tickets) for row in by_engineer.rows] == [
        (USER, expected[0]),
        (UNASSIGNED, 1),
    ]
    with desk.store.write() as session:  # the extra one out again: cancelled
        session.execute(
            update(Ticket)
            .where(Ticket.assignee_id.is_(None))
            .values(cancelled_at=NOW)
            .execution_options(synchronize_session=False)
        )
    by_severity = november(desk, Dimension.SEVERITY)
    assert [row.group for row in by_severity.rows] == ["urgent", "serious", "medium"]
    assert list(counts(by_severity.total)) == expected
    for i in range(5):
        assert sum(counts(row)[i] for row in by_severity.rows) == expected[i]
    total = by_severity.total
    assert total.response_percent == pytest.approx(expected[1] / (expected[1] + expected[2]) * 100)
    assert total.fix_percent == pytest.approx(expected[3] / (expected[3] + expected[4]) * 100)
    answered = [c.response_hours[0] for c in CASES.values() if c.response_hours]
    assert total.mtta_work_seconds == pytest.approx(sum(answered) / len(answered) * H)
    assert total.by_channel == {"phone": expected[0]}


def test_working_time_follows_the_contracts_calendar(account_desk, clock):
    add_contract(account_desk, "WB-OFFICE", calendar="cn-office")
    friday_evening = datetime(2026, 11, 20, 17, 0, tzinfo=ZONE)
    key = new(account_desk, Severity.MEDIUM, friday_evening)
    tickets.respond(account_desk, key, at=datetime(2026, 11, 23, 9, 30, tzinfo=ZONE))
    total = november(account_desk).total
    # Friday 17:00-18:00 and Monday 09:00-09:30 are worked; the weekend is not.
    assert total.mtta_work_seconds == pytest.approx(1.5 * H)
    assert total.mtta_wall_seconds == pytest.approx(64.5 * H)
    assert counts(total) == (1, 1, 0, 0, 0)


def test_a_customer_can_be_picked_and_months_make_a_trend(desk, clock):
    play(desk, CASES["answered late"])
    play(desk, CASES["still running: nothing decided"])
    with desk.store.read() as session:
        only = sla_report(session, desk, *NOVEMBER, by=Dimension.CUSTOMER, customer="人民医院")
        trend = monthly_totals(session, desk, 3, date(2026, 11, 25))
    assert [row.group for row in only.rows] == [CUSTOMER] and only.total.tickets == 2
    assert [label for label, _ in trend] == ["2026-09", "2026-10", "2026-11"]
    assert [figures.tickets for _, figures in trend] == [0, 0, 2]
    assert trend[0][1].response_percent is None


# -- a generated month, checked from the raw rows -----------------------------------------

DEMO_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZONE)
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sla-generated")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HELPDESK_CONFIG", str(folder / "absent.toml"))
        desk = open_desk(load_settings(db=str(folder / "desk.db"), user="lina",
                                       tz="Asia/Shanghai"), clock=lambda: DEMO_NOW)  # fmt: skip
        schema.upgrade(desk.store.engine)
        demo.generate(desk, 4000, seed=11, now=DEMO_NOW)
        desk.store.dispose()
    return folder / "desk.db"


@pytest.fixture
def generated_desk(generated, tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    desk = open_desk(load_settings(db=str(generated), user="lina", tz="Asia/Shanghai"),
                     clock=lambda: DEMO_NOW)  # fmt: skip
    yield desk
    desk.store.dispose()


def instant(text: str | None) -> datetime | None:
    """A stored instant: UTC text, as UTCDateTime writes it on SQLite."""
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def raw_figures(db: Path, first: date, last: date, now: datetime) -> dict[str, dict]:
    """Per customer name, the report's figures worked out here from the raw rows."""
    start = datetime(first.year, first.month, first.day, tzinfo=ZONE)
    end = datetime(last.year, last.month, last.day, tzinfo=ZONE) + timedelta(days=1)
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        names = dict(connection.execute("SELECT id, name FROM customers").fetchall())
        rows = connection.execute("SELECT * FROM tickets").fetchall()
    found: dict[str, dict] = defaultdict(lambda: Counter())
    for row in rows:
        reported = instant(row["reported_at"])
        if not start <= reported < end or row["cancelled_at"] is not None:
            continue
        figures = found[names[row["customer_id"]]]
        answered, resolved = instant(row["first_response_at"]), instant(row["resolved_at"])
        response_due, fix_due = instant(row["response_due_at"]), instant(row["resolve_due_at"])
        figures["tickets"] += 1
        figures[f"channel {row['channel']}"] += 1
        if answered is not None:
            figures["response_met" if answered <= response_due else "response_missed"] += 1
            figures["answered"] += 1
            figures["response_wall"] += (answered - reported).total_seconds()
            figures["response_work"] += row["response_work_seconds"]
        elif response_due < now:
            figures["response_missed"] += 1
        if resolved is not None:
            figures["fix_met" if resolved <= fix_due else "fix_missed"] += 1
            figures["resolved"] += 1
            figures["fix_wall"] += (resolved - reported).total_seconds()
            figures["fix_work"] += row["fix_work_seconds"]
        elif (fix_due is not None and fix_due < now) or (row["fix_remaining_seconds"] or 0) < 0:
            figures["fix_missed"] += 1
    return found


def test_a_generated_month_matches_figures_computed_from_the_raw_rows(generated, generated_desk):
    expected = raw_figures(generated, *OCTOBER, DEMO_NOW)
    with generated_desk.store.read() as session:
        report = sla_report(session, generated_desk, *OCTOBER, by=Dimension.CUSTOMER)
    assert sum(e["tickets"] for e in expected.values()) > 200  # a month worth checking
    assert {row.group for row in report.rows} == set(expected)
    decided = 0
    for row in report.rows:
        mine = expected[row.group]
        assert counts(row) == (mine["tickets"], mine["response_met"], mine["response_missed"],
                               mine["fix_met"], mine["fix_missed"]), row.group  # fmt: skip
        assert row.by_channel == {k.removeprefix("channel "): v for k, v in mine.items()
                                  if k.startswith("channel ")}  # fmt: skip
        assert row.mtta_wall_seconds == pytest.approx(mine["response_wall"] / mine["answered"])
        assert row.mtta_work_seconds == pytest.approx(mine["response_work"] / mine["answered"])
        assert row.mttr_wall_seconds == pytest.approx(mine["fix_wall"] / mine["resolved"])
        assert row.mttr_work_seconds == pytest.approx(mine["fix_work"] / mine["resolved"])
        decided += mine["response_missed"] + mine["fix_missed"]
    assert report.total.breaches == decided > 0
    assert report.total.tickets == sum(e["tickets"] for e in expected.values())


def test_generated_tickets_store_the_times_the_ticket_services_would(generated_desk):
    from helpdesk_tui.services.tickets import _record_times

    desk = generated_desk
    with desk.store.read() as session:
        rows = list(session.scalars(select(Ticket).order_by(Ticket.id)))
        pauses: dict[int, list[ClockPause]] = defaultdict(list)
        for pause in session.scalars(select(ClockPause).order_by(ClockPause.id)):
            pauses[pause.ticket_id].append(pause)
        working_differs = 0
        for ticket in rows:
            calendar, _ = terms_for(session, desk, ticket.contract_id)
            again = Ticket(
                reported_at=ticket.reported_at,
                first_response_at=ticket.first_response_at,
                resolved_at=ticket.resolved_at,
            )
            _record_times(again, clock_facts(ticket, pauses[ticket.id]), calendar)
            stored = (ticket.response_work_seconds, ticket.response_wall_seconds,
                      ticket.fix_work_seconds, ticket.fix_wall_seconds)  # fmt: skip
            assert stored == pytest.approx((again.response_work_seconds,
                                            again.response_wall_seconds, again.fix_work_seconds,
                                            again.fix_wall_seconds)), ticket.key  # fmt: skip
            if ticket.response_work_seconds != ticket.response_wall_seconds:
                working_differs += 1
    assert working_differs > 0  # office-hours contracts are among them


def test_generated_tickets_get_the_coverage_the_ticket_services_would(generated_desk):
    """Straight from the ticket factory: `helpdesk demo` goes on to move some contracts'
    dates and record exclusions after the tickets are written (services.demo_contracts)."""
    from helpdesk_tui.services.demo_tickets import TICKET_COLUMNS, TicketFactory
    from helpdesk_tui.services.tickets import _coverage

    desk = generated_desk
    with desk.store.read() as session:
        terms = demo._load_terms(session, desk, DEMO_NOW)
        contracts = {c.id: c for c in session.scalars(select(Contract))}
    factory = TicketFactory(demo.catalogue(), terms, [(1, USER)], DEMO_NOW, USER, 5, 1, 3000)
    made = [dict(zip(TICKET_COLUMNS, row, strict=True)) for row in factory.chunk(1, 3000).tickets]
    for row in made:
        day = row["reported_at"].astimezone(desk.zone).date()
        assert row["coverage"] == _coverage(contracts[row["contract_id"]], day).value, row["id"]
    assert {row["coverage"] for row in made} >= {"warranty", "contract"}


# -- the command line ---------------------------------------------------------------------


def report_cli(cli, db: Path, *args: str):
    with time_machine.travel(DEMO_NOW, tick=False):
        return cli("--db", str(db), *args)


def test_the_command_exports_csv_json_and_markdown(generated, generated_desk, cli):
    with generated_desk.store.read() as session:
        report = sla_report(session, generated_desk, *OCTOBER, by=Dimension.CUSTOMER)
    month = ("report", "sla", "--month", "2026-10", "--by", "customer")

    done = report_cli(cli, generated, *month, "--format", "csv")
    assert done.code == 0, done.stderr
    table = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["group"] for r in table] == [row.group for row in report.rows] + [""]
    assert table[-1]["row"] == "total" and int(table[-1]["tickets"]) == report.total.tickets
    first = report.rows[0]
    assert table[0]["mtta_work_hours"] == f"{first.mtta_work_seconds / H:.1f}"
    assert table[0]["response_percent"] == f"{first.response_percent:.1f}"
    assert int(table[0]["channel_phone"]) == first.by_channel.get("phone", 0)

    done = report_cli(cli, generated, *month, "--format", "json")
    data = json.loads(done.stdout)
    assert data["first"] == "2026-10-01" and data["last"] == "2026-10-31"
    assert data["by"] == "customer" and data["total"]["breaches"] == report.total.breaches
    assert data["rows"][0]["group"] == first.group  # Chinese kept as such
    assert data["rows"][0]["mttr_wall_seconds"] == pytest.approx(first.mttr_wall_seconds, abs=0.1)

    done = report_cli(cli, generated, "--lang", "zh", *month)
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| 客户"))
    cells = [c.strip() for c in header.strip("|").split("|")]
    assert cells[:5] == ["客户", "工单", "响应达标", "响应超时", "响应达标率"]
    assert len(cells) == 13 and "平均修复(自然,h)" in cells
    assert any(line.startswith(f"| {first.group} | {first.tickets} |") for line in lines)
    assert f"| **合计** | {report.total.tickets} |" in done.stdout
    assert "## 各渠道工单" in done.stdout


@pytest.mark.parametrize("bad", [
    ("--month", "2026-13"), ("--from", "10/2026"), ("--from", "2026-10", "--to", "2026-09"),
    ("--month", "2026-10", "--to", "2026-11"), ("--by", "team"), ("--format", "xml"),
    ("--customer", "没有这个客户"),
])  # fmt: skip
def test_bad_input_is_one_line_and_exit_2_with_nothing_written(generated, tmp_path, cli, bad):
    db = tmp_path / "copy.db"
    with sqlite3.connect(generated) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    before = table_digest(db)
    done = report_cli(cli, db, "report", "sla", *bad)
    assert done.code == 2 and len(done.stderr.strip().splitlines()) == 1, done
    assert table_digest(db) == before
