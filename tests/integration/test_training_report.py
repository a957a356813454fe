"""`helpdesk training report`: figures checked against sums made here, from the sessions this
test creates (for customers 10 and 11, who have no demo training) on a moving clock."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import time_machine

PERIOD = ("--from", "2027-03-01T00:00", "--to", "2027-04-01T00:00")
PLANNED_AT = "2027-02-01T10:00:00+08:00"  # sessions planned, early materials made ready
REPORTED_AT = "2027-04-10T10:00:00+08:00"  # outcomes recorded, report made


@dataclass(frozen=True)
class Row:
    """One session as this test made it, and what became of it."""

    customer: int
    audience: str
    trainees: int
    start: str
    status: str = "agreed"  # or cancelled, or done (when attended is given)
    attended: int | None = None
    feedback: float | None = None
    ready: str = ""  # "early": every material on time; "late": one after its due moment
    in_period: bool = True


ROWS = [
    Row(10, "users", 20, "2027-03-02T09:00", attended=18, feedback=4.5, ready="early"),
    Row(10, "admins", 3, "2027-03-05T09:00", attended=2, feedback=4.0, ready="late"),
    Row(10, "leaders", 8, "2027-03-10T09:00", status="cancelled"),
    Row(10, "users", 15, "2027-03-20T09:00", attended=15),  # no score; materials never ready
    Row(10, "users", 30, "2027-04-02T09:00", in_period=False),
    Row(10, "users", 30, "2027-02-28T23:00", in_period=False),
    Row(11, "others", 10, "2027-03-15T09:00", attended=9, feedback=3.0, ready="early"),
    Row(11, "users", 12, "2027-03-25T09:00", status="proposed"),  # materials never ready
]


def ok(cli, *args: str) -> str:
    code, out, err = cli(*args)
    assert code == 0, err
    return out


@pytest.fixture
def made(demo_db, cli):
    """ROWS in the database: planned on PLANNED_AT, outcomes on REPORTED_AT, when the test
    runs (the clock stays there)."""
    with time_machine.travel(PLANNED_AT, tick=False) as clock:
        plans = {c: ok(cli, "training", "plan", str(c), "2027 年培训").strip() for c in (10, 11)}
        ids = [_add(cli, plans[row.customer], row) for row in ROWS]
        for row, session_id in zip(ROWS, ids, strict=True):
            if row.ready:
                _ready(cli, session_id, late=row.ready == "late", clock=clock)
        clock.move_to(REPORTED_AT)
        for row, session_id in zip(ROWS, ids, strict=True):
            _finish(cli, session_id, row)
        yield demo_db


def _add(cli, plan: str, row: Row) -> int:
    status = "proposed" if row.status == "proposed" else "agreed"
    out = ok(cli, "training", "add", "--plan", plan, "--title", "培训", "--start", row.start,
             "--trainer", "zhangwei", "--audience", row.audience, "--trainees",
             str(row.trainees), "--status", status, "--json")  # fmt: skip
    return json.loads(out)["id"]


def _ready(cli, session_id: int, *, late: bool, clock) -> None:
    materials = json.loads(ok(cli, "training", "materials", str(session_id), "--json"))
    ok(cli, "training", "material", str(materials[0]["id"]), "--ready")
    if late:  # the second one a day after the materials were due
        clock.move_to(datetime.fromisoformat(materials[1]["due_at"]) + timedelta(days=1))
    ok(cli, "training", "material", str(materials[1]["id"]), "--ready")
    clock.move_to(PLANNED_AT)


def _finish(cli, session_id: int, row: Row) -> None:
    if row.status == "cancelled":
        ok(cli, "training", "status", str(session_id), "cancelled")
    elif row.attended is not None:
        score = ("--feedback", str(row.feedback)) if row.feedback is not None else ()
        ok(cli, "training", "outcome", str(session_id), "--attended", str(row.attended), *score)


def expected(customer: int | None) -> dict:
    """The figures as the report should give them, summed here from ROWS."""
    rows = [r for r in ROWS if r.in_period and customer in (None, r.customer)]
    held = [r for r in rows if r.attended is not None]
    scored = [r for r in held if r.feedback is not None]
    weight = sum(r.attended or 0 for r in scored)
    audiences = ("leaders", "users", "admins", "others")
    return {
        "planned": len(rows),
        "held": len(held),
        "cancelled": sum(r.status == "cancelled" for r in rows),
        "trainees": {a: sum(r.trainees for r in held if r.audience == a) for a in audiences},
        "attended": {a: sum(r.attended or 0 for r in held if r.audience == a) for a in audiences},
        "trainees_total": sum(r.trainees for r in held),
        "attended_total": sum(r.attended or 0 for r in held),
        "feedback": round(sum((r.feedback or 0) * (r.attended or 0) for r in scored) / weight, 2)
        if weight else None,
        "rated": weight,
        "materials_late": sum(r.status != "cancelled" and r.ready != "early" for r in rows),
    }  # fmt: skip


def customer_name(db, customer_id: int) -> str:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute("SELECT name FROM customers WHERE id = ?",
                                  (customer_id,)).fetchone()[0]  # fmt: skip


def report(cli, *extra: str) -> str:
    return ok(cli, "training", "report", *PERIOD, *extra)


def test_json_figures_per_customer_and_in_total(made, cli):
    figures = json.loads(report(cli, "--format", "json"))
    assert figures["from"] == "2027-03-01T00:00:00+08:00"
    assert figures["to"] == "2027-04-01T00:00:00+08:00"
    names = [customer_name(made, 10), customer_name(made, 11)]
    assert [row["customer"] for row in figures["customers"]] == sorted(names)
    by_name = {row.pop("customer"): row for row in figures["customers"]}
    assert by_name[names[0]] == expected(10)
    assert by_name[names[1]] == expected(11)
    total = figures["total"]
    assert total.pop("customer") == "" and total == expected(None)
    assert expected(10)["feedback"] == 4.45 and expected(10)["materials_late"] == 2  # by hand


def test_one_customer_even_without_sessions(made, cli):
    figures = json.loads(report(cli, "--format", "json", "--customer", "10"))
    assert [row["customer"] for row in figures["customers"]] == [customer_name(made, 10)]
    figures = json.loads(report(cli, "--format", "json", "--customer", "12"))
    (row,) = figures["customers"]
    assert (row["planned"], row["feedback"], row["materials_late"]) == (0, None, 0)


def test_csv_parses_with_one_row_per_customer(made, cli):
    rows = list(csv.DictReader(io.StringIO(report(cli, "--format", "csv"))))
    assert len(rows) == 2
    for row in rows:
        customer = 10 if row["customer"] == customer_name(made, 10) else 11
        want = expected(customer)
        assert int(row["planned"]) == want["planned"] and int(row["held"]) == want["held"]
        assert int(row["cancelled"]) == want["cancelled"]
        assert int(row["trainees_users"]) == want["trainees"]["users"]
        assert int(row["attended_admins"]) == want["attended"]["admins"]
        assert int(row["attended"]) == want["attended_total"]
        assert float(row["feedback"]) == pytest.approx(want["feedback"])
        assert int(row["materials_late"]) == want["materials_late"]


def test_markdown_has_the_header_and_a_row_per_customer(made, cli):
    text = ok(cli, "--lang", "zh", "training", "report", *PERIOD)
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert table[0].startswith("| 客户 | 计划场次 | 已举办 | 已取消 | 领导及管理人员 |")
    assert table[1].startswith("| --- | ---: |")
    assert len(table) == 2 + 2 + 1  # header, rule, two customers, the total
    assert table[2].startswith(
        f"| {sorted([customer_name(made, 10), customer_name(made, 11)])[0]} |"
    )
    total = [cell.strip() for cell in table[-1].strip("|").split("|")]
    want = expected(None)
    assert total[0] == "**合计**"
    assert total[1:4] == [str(want["planned"]), str(want["held"]), str(want["cancelled"])]
    assert total[-2:] == [f"{want['feedback']:.2f}", str(want["materials_late"])]
    assert "# Training report" in ok(cli, "--lang", "en", "training", "report", *PERIOD)


def test_report_to_a_file(made, cli, tmp_path):
    target = tmp_path / "report.csv"
    assert report(cli, "--format", "csv", "--output", str(target)) == ""
    assert target.read_text(encoding="utf-8").startswith("customer,planned,held,cancelled,")
