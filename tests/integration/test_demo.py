"""`helpdesk demo`: deterministic, every status present, deadlines by the real rules."""

import sqlite3
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.lifecycle import Status
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.domain.sla import deadlines
from helpdesk_tui.services import demo
from helpdesk_tui.services.desk import open_desk
from helpdesk_tui.services.terms import terms_for
from helpdesk_tui.services.ticket_alerts import clock_facts
from helpdesk_tui.store import schema
from helpdesk_tui.store.models import ClockPause, Ticket

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def make_demo(path, tickets, monkeypatch, chunk=None):
    monkeypatch.setenv("HELPDESK_CONFIG", str(path.parent / "absent.toml"))
    if chunk:
        monkeypatch.setattr(demo, "CHUNK", chunk)
    desk = open_desk(load_settings(db=str(path), user="demo", tz="Asia/Shanghai"))
    schema.upgrade(desk.store.engine)
    demo.generate(desk, tickets, seed=7, now=NOW)
    return desk


def table_dump(path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        rows = []
        for table in (
            "customers",
            "contacts",
            "contracts",
            "engineers",
            "tickets",
            "clock_pauses",
            "work_log",
        ):
            rows += [
                (table, *row) for row in connection.execute(f"SELECT * FROM {table} ORDER BY id")
            ]
        return rows


def test_same_seed_same_data_however_it_is_chunked(tmp_path, monkeypatch):
    make_demo(tmp_path / "one.db", 1800, monkeypatch)
    make_demo(tmp_path / "many.db", 1800, monkeypatch, chunk=demo.SEED_BLOCK)  # worker processes
    assert table_dump(tmp_path / "one.db") == table_dump(tmp_path / "many.db")


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    desk = make_demo(tmp_path_factory.mktemp("demo") / "demo.db", 3000, monkeypatch)
    yield desk
    monkeypatch.undo()


def test_every_status_severity_and_channel_appears(demo_desk):
    with demo_desk.store.read() as session:
        tickets = list(session.scalars(select(Ticket)))
    assert len(tickets) == 3000
    assert set(Counter(t.status for t in tickets)) == {s.value for s in Status}
    assert set(Counter(t.severity for t in tickets)) == {s.value for s in Severity}
    assert len({t.channel for t in tickets}) >= 6
    open_share = sum(t.is_open for t in tickets) / len(tickets)
    assert 0.05 < open_share < 0.15


def test_history_is_consistent_and_in_the_past(demo_desk):
    with demo_desk.store.read() as session:
        for t in session.scalars(select(Ticket)):
            moments = [t.reported_at, t.first_response_at, t.resolved_at, t.accepted_at]
            present = [m for m in moments if m is not None]
            assert present == sorted(present), t.key
            assert max([*present, t.cancelled_at or t.reported_at]) <= NOW
            assert t.is_open == Status(t.status).is_open
            assert (t.rating is not None) == (t.status == "accepted")


def test_stored_deadlines_follow_the_sla_rules(demo_desk):
    with demo_desk.store.read() as session:
        sample = session.scalars(select(Ticket).where(Ticket.id % 17 == 0)).all()
        for t in sample:
            pauses = session.scalars(select(ClockPause).where(ClockPause.ticket_id == t.id)).all()
            calendar, policy = terms_for(session, demo_desk, t.contract_id)
            targets = policy.for_severity(Severity(t.severity))
            facts = clock_facts(t, list(pauses))
            due = deadlines(facts, calendar, targets.response, targets.fix)
            assert (t.response_due_at, t.resolve_due_at) == (
                due.response_due_at,
                due.resolve_due_at,
            )
            assert t.next_due_at == due.next_due_at(facts)


def test_if_empty_leaves_an_existing_database_alone(demo_desk):
    summary = demo.generate(demo_desk, 10, seed=1, now=NOW, if_empty=True)
    assert summary.skipped
    with demo_desk.store.read() as session:
        assert len(session.scalars(select(Ticket.id)).all()) == 3000
