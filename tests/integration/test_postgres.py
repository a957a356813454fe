"""The same use cases on a real PostgreSQL server (DESIGN.md §4: same code, a URL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from helpdesk_tui.cli import main
from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.errors import Conflict
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import demo
from helpdesk_tui.services import tickets as use
from helpdesk_tui.services.desk import Desk, open_desk
from helpdesk_tui.services.reads import DeskReader
from helpdesk_tui.store import schema
from helpdesk_tui.store.queue import QueueFilter

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def desk(postgres_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> Desk:
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    desk = open_desk(load_settings(db=postgres_url, user="lina", tz="Asia/Shanghai"))
    schema.upgrade(desk.store.engine)
    yield desk
    desk.store.dispose()


def as_user(desk: Desk, login: str) -> Desk:
    return Desk(desk.store, login, desk.policy, desk.calendars, desk.zone, desk.clock)


def test_schema_demo_and_new_ids_after_the_demo(desk):
    schema.ensure_current(desk.store.engine)
    demo.generate(desk, 500, seed=2, now=NOW)
    customer = DeskReader(desk).customer_hits("集团")[0].name
    ticket = use.new_ticket(desk, use.NewTicket(customer, "PG", Severity.URGENT, Channel.FAX))
    assert ticket.key == "T-000501"  # the id sequence was moved past the demo's ids


def test_lifecycle_pauses_and_conflicts(desk):
    demo.generate(desk, 0, seed=2, now=NOW)
    customer = DeskReader(desk).customer_hits("")[0].name
    ticket = use.new_ticket(desk, use.NewTicket(customer, "PG", Severity.URGENT, Channel.PHONE))
    seen = ticket.version
    use.respond(as_user(desk, "wangfang"), ticket.key)
    with pytest.raises(Conflict, match="changed by wangfang"):
        use.assign(desk, ticket.key, "lina", expected_version=seen)
    waiting = use.wait_for_customer(desk, ticket.key)
    assert waiting.resolve_due_at is None and waiting.fix_remaining_seconds is not None
    resumed = use.resume(desk, ticket.key)
    assert resumed.resolve_due_at >= ticket.resolve_due_at
    use.resolve(desk, ticket.key, "修复")
    accepted = use.accept(desk, ticket.key, 5)
    assert (accepted.status, accepted.version) == ("accepted", 6)
    assert accepted.reported_at.tzinfo is not None


def test_queue_order_and_breach_filter(desk):
    demo.generate(desk, 800, seed=3, now=NOW)
    reader = DeskReader(desk)
    ids = reader.queue_ids(QueueFilter(), now=NOW)
    rows = reader.queue_rows(ids)
    running = [rows[i] for i in ids if rows[i].status != "waiting"]
    dues = [r.response_due_at if r.first_response_at is None else r.resolve_due_at for r in running]
    assert dues == sorted(dues)
    late = reader.queue_ids(QueueFilter(breached=True), now=NOW + timedelta(days=30))
    # a month later every running promise is broken (waiting ones have their clock stopped)
    assert {r.id for r in running} <= set(late)


def test_the_audit_trail_is_append_only(desk):
    demo.generate(desk, 0, seed=2, now=NOW)
    with pytest.raises(DatabaseError, match="append-only"), desk.store.write() as session:
        session.execute(text("UPDATE audit_log SET actor = 'mallory'"))


def test_the_command_line_on_postgres(postgres_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    base = ["--db", postgres_url, "--tz", "Asia/Shanghai", "--user", "lina"]
    assert main([*base, "demo", "--tickets", "50"]) == 0
    capsys.readouterr()
    assert main([*base, "ticket", "list", "--open", "--json", "--limit", "5"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert 0 < len(listed) <= 5 and all(t["reported_at"].endswith("+08:00") for t in listed)
