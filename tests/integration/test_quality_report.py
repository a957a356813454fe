"""The quality report (issue 7) on real SQLite files: ratings (CSAT), complaints, return
visits and penalties per customer, for tickets and visits made at known instants and
checked by hand; a generated month checked against figures computed here from the raw
rows; `helpdesk report quality` as CSV, JSON and Markdown, in Chinese."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.domain.ticket_kind import TicketKind
from helpdesk_tui.services import demo, tickets
from helpdesk_tui.services.desk import open_desk
from helpdesk_tui.services.directory import add_customer
from helpdesk_tui.services.penalties import penalties
from helpdesk_tui.services.quality_report import quality_report
from helpdesk_tui.store import schema
from helpdesk_tui.store.models import Contract, Customer, ReturnVisit
from tests.integration.conftest import DESK_CUSTOMER

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZONE)
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
OTHER = "宁波港务局"
PRICE = 100_000_00  # 100 000 元


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(account_desk):
    add_customer(account_desk, OTHER)
    with account_desk.store.write() as session:
        customer = session.scalars(select(Customer).where(Customer.name == DESK_CUSTOMER)).one()
        session.add(Contract(
            number="WB-Q-1", customer_id=customer.id, starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31), total_price_fen=PRICE, penalty_per_breach_bp=50,
            penalty_cap_bp=1000, calendar="24x7",
        ))  # fmt: skip
    return account_desk


def at(day: int, hour: float) -> datetime:
    return datetime(2026, 11, day, tzinfo=ZONE) + timedelta(hours=hour)


def rated(desk, customer: str, day: int, rating: int | None, kind=TicketKind.FAULT) -> str:
    """A medium ticket reported on `day` at 09:00, answered and fixed within the hour,
    then accepted with `rating` (or left awaiting acceptance)."""
    key = tickets.new_ticket(desk, tickets.NewTicket(
        customer=customer, title="报表导出失败", severity=Severity.MEDIUM,
        channel=Channel.PHONE, reported_at=at(day, 9), kind=kind,
    )).key  # fmt: skip
    tickets.respond(desk, key, at=at(day, 9.5))
    tickets.resolve(desk, key, "已修复", at=at(day, 10))
    if rating is not None:
        tickets.accept(desk, key, rating, at=at(day, 11))
    return key


def visit(session, customer_id: int, due: date, status: str, score: int | None = None) -> None:
    session.add(ReturnVisit(
        customer_id=customer_id, reason="scheduled", schedule_key=f"{customer_id}:{due}:{status}",
        due_on=due, status=status, satisfaction=score, created_at=NOW,
        done_at=NOW if status == "done" else None,
    ))  # fmt: skip


def add_visits(desk) -> None:
    with desk.store.write() as session:
        ids = dict(session.execute(select(Customer.name, Customer.id)).all())
        hospital, port = ids[DESK_CUSTOMER], ids[OTHER]
        visit(session, hospital, date(2026, 11, 3), "done", 5)
        visit(session, hospital, date(2026, 11, 10), "done", 4)
        visit(session, hospital, date(2026, 11, 20), "planned")
        visit(session, hospital, date(2026, 11, 21), "cancelled")  # not counted
        visit(session, hospital, date(2026, 12, 1), "planned")  # after the period
        visit(session, port, date(2026, 11, 30), "done")  # done, but no score given


def test_ratings_complaints_visits_and_penalties_per_customer(desk, clock):
    for day, rating in ((2, 5), (3, 4), (4, 2), (5, None)):
        rated(desk, DESK_CUSTOMER, day, rating)
    rated(desk, DESK_CUSTOMER, 6, 3, kind=TicketKind.COMPLAINT)
    rated(desk, OTHER, 7, 5)
    rated(desk, OTHER, 8, 1, kind=TicketKind.COMPLAINT)
    tickets.cancel(desk, tickets.new_ticket(desk, tickets.NewTicket(
        customer=OTHER, title="重复", severity=Severity.MINOR, channel=Channel.EMAIL,
        reported_at=at(9, 9), kind=TicketKind.COMPLAINT)).key, at=at(9, 9.1))  # fmt: skip
    # Urgent, answered 2 h late: one broken promise, 0.5 % of the price.
    late = tickets.new_ticket(desk, tickets.NewTicket(
        customer=DESK_CUSTOMER, title="数据库宕机", severity=Severity.URGENT,
        channel=Channel.PHONE, reported_at=at(10, 8),
    )).key  # fmt: skip
    tickets.respond(desk, late, at=at(10, 11))
    tickets.resolve(desk, late, "已恢复", at=at(10, 12))
    add_visits(desk)

    with desk.store.read() as session:
        report = quality_report(session, desk, *NOVEMBER)
    port, hospital = report.rows  # by name
    assert (hospital.customer, port.customer) == (DESK_CUSTOMER, OTHER)
    assert (hospital.tickets, hospital.rated, hospital.satisfied, hospital.complaints) == (
        6, 4, 2, 1)  # fmt: skip
    assert hospital.csat_average == pytest.approx((5 + 4 + 2 + 3) / 4)
    assert hospital.csat_percent == pytest.approx(50.0)
    assert (hospital.visits_due, hospital.visits_done) == (3, 2)
    assert hospital.visit_satisfaction == pytest.approx(4.5)
    assert hospital.visit_coverage_percent == pytest.approx(200 / 3)
    assert hospital.penalties_owed_fen == PRICE * 50 // 10_000
    assert (port.tickets, port.rated, port.satisfied, port.complaints) == (2, 2, 1, 1)
    assert (port.visits_due, port.visits_done, port.visit_satisfaction) == (1, 1, None)
    assert port.penalties_owed_fen == 0
    total = report.total
    assert (total.customer, total.tickets, total.rated, total.complaints) == ("", 8, 6, 2)
    assert total.csat_average == pytest.approx((5 + 4 + 2 + 3 + 5 + 1) / 6)
    assert (total.visits_due, total.visits_done, total.visit_satisfaction) == (4, 3, 4.5)
    assert total.penalties_owed_fen == hospital.penalties_owed_fen

    with desk.store.read() as session:
        only = quality_report(session, desk, *NOVEMBER, customer=OTHER)
        october = quality_report(session, desk, date(2026, 10, 1), date(2026, 10, 31))
    assert [row.customer for row in only.rows] == [OTHER] and only.total.tickets == 2
    assert october.rows == [] and october.total.csat_average is None


# -- a generated month, checked from the raw rows -----------------------------------------

DEMO_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZONE)
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """3 000 demo tickets, and return visits of our own: demo data has none of its own
    here (and this test must not depend on whether it will)."""
    folder = tmp_path_factory.mktemp("quality-generated")
    db = folder / "desk.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HELPDESK_CONFIG", str(folder / "absent.toml"))
        desk = open_desk(load_settings(db=str(db), user="lina", tz="Asia/Shanghai"),
                         clock=lambda: DEMO_NOW)  # fmt: skip
        schema.upgrade(desk.store.engine)
        demo.generate(desk, 3000, seed=12, now=DEMO_NOW)
        with desk.store.write() as session:
            session.execute(ReturnVisit.__table__.delete())
            ids = list(session.scalars(select(Customer.id).order_by(Customer.id)))
            for n, customer_id in enumerate(ids):
                status = ("done", "planned", "cancelled")[n % 3]
                visit(session, customer_id, date(2026, 10, 1 + n % 28), status,
                      score=1 + n % 5 if status == "done" else None)  # fmt: skip
        desk.store.dispose()
    return db


@pytest.fixture
def generated_desk(generated, tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    desk = open_desk(load_settings(db=str(generated), user="lina", tz="Asia/Shanghai"),
                     clock=lambda: DEMO_NOW)  # fmt: skip
    yield desk
    desk.store.dispose()


def raw_quality(db: Path, first: date, last: date) -> dict[str, Counter]:
    start = datetime(first.year, first.month, first.day, tzinfo=ZONE)
    end = datetime(last.year, last.month, last.day, tzinfo=ZONE) + timedelta(days=1)
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        names = dict(connection.execute("SELECT id, name FROM customers").fetchall())
        rows = connection.execute("SELECT * FROM tickets").fetchall()
        visits = connection.execute("SELECT * FROM return_visits").fetchall()
    found: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        reported = datetime.fromisoformat(row["reported_at"]).replace(tzinfo=UTC)
        if not start <= reported < end or row["cancelled_at"] is not None:
            continue
        figures = found[names[row["customer_id"]]]
        figures["tickets"] += 1
        figures["complaints"] += row["kind"] == "complaint"
        if row["rating"] is not None:
            figures["rated"] += 1
            figures["rating_sum"] += row["rating"]
            figures["satisfied"] += row["rating"] >= 4
    for row in visits:
        due = date.fromisoformat(row["due_on"])
        if not first <= due <= last or row["status"] == "cancelled":
            continue
        figures = found[names[row["customer_id"]]]
        figures["visits_due"] += 1
        if row["status"] == "done":
            figures["visits_done"] += 1
            if row["satisfaction"] is not None:
                figures["scored"] += 1
                figures["score_sum"] += row["satisfaction"]
    return found


def test_a_generated_month_matches_figures_computed_from_the_raw_rows(generated, generated_desk):
    expected = raw_quality(generated, *OCTOBER)
    with generated_desk.store.read() as session:
        report = quality_report(session, generated_desk, *OCTOBER)
        owed: Counter = Counter()
        for entry in penalties(session, generated_desk, date(2026, 10, 1), date(2026, 10, 1)):
            owed[entry.customer] += entry.owed_fen
    assert sum(e["rated"] for e in expected.values()) > 100
    shown = {name for name in expected} | {name for name, fen in owed.items() if fen}
    assert {row.customer for row in report.rows} == shown
    for row in report.rows:
        mine = expected[row.customer]
        assert (row.tickets, row.rated, row.satisfied, row.complaints) == (
            mine["tickets"], mine["rated"], mine["satisfied"], mine["complaints"])  # fmt: skip
        if mine["rated"]:
            assert row.csat_average == pytest.approx(mine["rating_sum"] / mine["rated"])
        assert (row.visits_due, row.visits_done) == (mine["visits_due"], mine["visits_done"])
        if mine["scored"]:
            assert row.visit_satisfaction == pytest.approx(mine["score_sum"] / mine["scored"])
        assert row.penalties_owed_fen == owed[row.customer]
    assert report.total.visits_due == sum(e["visits_due"] for e in expected.values()) > 0
    assert report.total.penalties_owed_fen == sum(owed.values())


def test_the_command_exports_csv_json_and_markdown(generated, generated_desk, cli):
    with generated_desk.store.read() as session:
        report = quality_report(session, generated_desk, *OCTOBER)
    with time_machine.travel(DEMO_NOW, tick=False):
        as_csv = cli("--db", str(generated), "report", "quality", "--month", "2026-10",
                     "--format", "csv")  # fmt: skip
        as_json = cli("--db", str(generated), "report", "quality", "--from", "2026-10",
                      "--to", "2026-10", "--format", "json")  # fmt: skip
        as_markdown = cli("--db", str(generated), "--lang", "zh", "report", "quality",
                          "--month", "2026-10")  # fmt: skip
        refused = cli("--db", str(generated), "report", "quality", "--month", "2026-10",
                      "--to", "2026-12")  # fmt: skip
    assert as_csv.code == 0, as_csv.stderr
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["customer"] for r in table] == [row.customer for row in report.rows] + [""]
    first = report.rows[0]
    assert table[0]["csat_average"] == (f"{first.csat_average:.2f}" if first.rated else "")
    assert int(table[-1]["penalties_owed_fen"]) == report.total.penalties_owed_fen
    data = json.loads(as_json.stdout)
    assert data["rows"][0]["customer"] == first.customer
    assert data["total"]["visits_done"] == report.total.visits_done
    header = next(line for line in as_markdown.stdout.splitlines() if line.startswith("| 客户"))
    cells = [c.strip() for c in header.strip("|").split("|")]
    assert cells == ["客户", "工单", "已评价", "平均满意度", "满意率 %", "投诉", "应回访",
                     "已回访", "回访率 %", "回访满意度", "违约金(元)"]  # fmt: skip
    assert f"| {first.customer} | {first.tickets} |" in as_markdown.stdout
    assert refused.code == 2 and len(refused.stderr.strip().splitlines()) == 1
