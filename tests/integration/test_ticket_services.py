"""Ticket use cases against a real SQLite file, with a clock the test moves."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import tickets as use
from helpdesk_tui.services.desk import Desk, open_desk
from helpdesk_tui.services.directory import add_customer, add_engineer
from helpdesk_tui.store import schema
from helpdesk_tui.store.models import AuditEntry, ClockPause, Contract, Ticket, WorkLogEntry
from helpdesk_tui.store.queries import TicketFilter, list_tickets, ticket_detail

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
H = timedelta(hours=1)


@dataclass
class MovableClock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, hours: float) -> None:
        self.now += timedelta(hours=hours)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def desk(tmp_path, clock, monkeypatch) -> Desk:
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    settings = load_settings(db=str(tmp_path / "desk.db"), user="lina", tz="Asia/Shanghai")
    desk = open_desk(settings, clock=clock)
    schema.upgrade(desk.store.engine)
    add_customer(desk, "杭州人民医院")
    add_customer(desk, "杭州公积金管理中心")
    add_engineer(desk, "lina", "李娜")
    add_engineer(desk, "wangfang", "王芳")
    add_engineer(desk, "duty", "值班台", role="viewer")
    return desk


def as_user(desk: Desk, login: str) -> Desk:
    return Desk(desk.store, login, desk.policy, desk.calendars, desk.zone, desk.clock)


def open_urgent(desk: Desk, **extra) -> Ticket:
    request = use.NewTicket(
        customer="人民医院",
        title="系统无法登录",
        severity=Severity.URGENT,
        channel=Channel.PHONE,
        **extra,
    )
    return use.new_ticket(desk, request)


def audit_actions(desk: Desk, ticket_id: int) -> list[str]:
    with desk.store.read() as session:
        query = select(AuditEntry.action).where(
            AuditEntry.entity_id == ticket_id, AuditEntry.entity == "ticket"
        )
        return list(session.scalars(query.order_by(AuditEntry.id)))


def test_new_ticket_stores_its_deadlines(desk):
    ticket = open_urgent(desk, contact="张敏", reported_at=T0 - 0.5 * H)
    assert ticket.key == "T-000001"
    assert ticket.response_due_at == T0 + 0.5 * H
    assert ticket.resolve_due_at == T0 + 23.5 * H
    assert ticket.next_due_at == ticket.response_due_at
    assert ticket.is_open and ticket.status == "new" and ticket.version == 1
    assert audit_actions(desk, ticket.id) == ["create"]
    with desk.store.read() as session:
        detail = ticket_detail(session, ticket.id)
    assert detail.contact.name == "张敏"


def test_reported_at_cannot_be_in_the_future(desk, clock):
    with pytest.raises(InvalidInput, match="in the future"):
        open_urgent(desk, reported_at=clock.now + timedelta(seconds=1))


def test_the_whole_lifecycle(desk, clock):
    ticket = open_urgent(desk)
    clock.advance(0.5)
    use.respond(desk, ticket.key, "已电话联系客户")
    clock.advance(1)
    use.log_work(desk, ticket.key, "查看日志", minutes=30)
    clock.advance(1)
    waiting = use.wait_for_customer(desk, ticket.key, "等客户提供日志")
    assert waiting.resolve_due_at is None
    assert waiting.fix_remaining_seconds == pytest.approx((24 - 2.5) * 3600)
    clock.advance(4)
    resumed = use.resume(desk, ticket.key)
    assert resumed.resolve_due_at == T0 + 28 * H  # 4 h of waiting do not count
    assert resumed.paused_seconds == 4 * 3600
    clock.advance(2)
    resolved = use.resolve(desk, ticket.key, "已修复并发布补丁")
    assert resolved.status == "resolved" and not resolved.is_open
    assert resolved.resolution_summary == "已修复并发布补丁"
    clock.advance(24)
    accepted = use.accept(desk, ticket.key, 5, "满意")
    assert (accepted.status, accepted.rating, accepted.acceptance_comment) == (
        "accepted",
        5,
        "满意",
    )
    assert accepted.first_response_at == T0 + 0.5 * H
    assert accepted.resolve_due_at == T0 + 28 * H
    assert accepted.version == 7
    assert audit_actions(desk, ticket.id) == [
        "create",
        "respond",
        "log",
        "wait",
        "resume",
        "resolve",
        "accept",
    ]
    with desk.store.read() as session:
        kinds = session.scalars(select(WorkLogEntry.kind).order_by(WorkLogEntry.id)).all()
        pauses = session.scalars(select(ClockPause).order_by(ClockPause.id)).all()
    assert kinds == ["respond", "work", "wait", "summary"]
    assert [(p.status, p.ended_at is None) for p in pauses] == [
        ("waiting", False),
        ("resolved", True),
    ]


def test_reopen_resumes_the_fix_clock(desk, clock):
    ticket = open_urgent(desk)
    clock.advance(2)
    use.resolve(desk, ticket.key, "重启服务")  # resolving a new ticket is a response too
    clock.advance(10)
    reopened = use.reopen(desk, ticket.key, "客户反馈问题复现")
    assert reopened.status == "in_progress" and reopened.resolved_at is None
    assert reopened.first_response_at == T0 + 2 * H
    assert reopened.resolve_due_at == T0 + 34 * H
    assert reopened.next_due_at == reopened.resolve_due_at


def test_severity_change_recomputes_and_is_audited(desk, clock):
    ticket = use.new_ticket(
        desk, use.NewTicket("人民医院", "导出格式错乱", Severity.MINOR, Channel.EMAIL)
    )
    assert ticket.response_due_at == T0 + 8 * H
    clock.advance(1)
    changed = use.change_severity(desk, ticket.key, Severity.URGENT)
    assert (changed.response_due_at, changed.resolve_due_at) == (T0 + H, T0 + 24 * H)
    with desk.store.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "severity")).one()
    detail = json.loads(entry.detail)
    assert detail["before"]["severity"] == "minor" and detail["after"]["severity"] == "urgent"


def test_business_hours_contract_governs_deadlines(desk):
    with desk.store.write() as session:
        session.add(
            Contract(
                number="WB-1",
                customer_id=1,
                starts_on=date(2026, 1, 1),
                ends_on=date(2027, 12, 31),
                calendar="cn-office",
            )
        )
    friday_evening = datetime(2026, 11, 20, 17, 0, tzinfo=UTC) + timedelta(hours=-8)
    ticket = use.new_ticket(
        desk,
        use.NewTicket(
            "人民医院", "报表慢", Severity.SERIOUS, Channel.PHONE, reported_at=friday_evening
        ),
    )
    assert ticket.contract_id is not None
    # 17:00-18:00 on Friday, then 09:00-10:00 on Monday (Shanghai)
    assert ticket.response_due_at == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_a_stale_edit_is_refused_and_names_who_changed_it(desk, clock):
    ticket = open_urgent(desk)
    seen = ticket.version
    clock.advance(0.1)
    use.respond(as_user(desk, "wangfang"), ticket.key)
    with pytest.raises(Conflict, match="changed by wangfang"):
        use.assign(desk, ticket.key, "lina", expected_version=seen)
    with desk.store.read() as session:
        assert session.get(Ticket, ticket.id).assignee_id is None


@pytest.mark.parametrize(
    ("act", "error", "message"),
    [
        (lambda d, k: use.accept(d, k, 5), IllegalTransition, "cannot accept"),
        (lambda d, k: use.resume(d, k), IllegalTransition, "cannot resume"),
        (lambda d, k: use.accept(d, k, 6), InvalidInput, "between 1 and 5"),
        (lambda d, k: use.resolve(d, k, "  "), InvalidInput, "summary must not be empty"),
        (lambda d, k: use.assign(d, k, "duty"), InvalidInput, "viewer"),
        (lambda d, k: use.assign(d, k, "nobody"), NotFound, "no engineer"),
        (lambda d, k: use.log_work(d, k, "x" * 20_001), InvalidInput, "too long"),
        (lambda d, k: use.respond(d, "T-000099"), NotFound, "no ticket T-000099"),
        (lambda d, k: use.respond(d, "T-12x"), InvalidInput, "not a ticket key"),
    ],
)
def test_bad_requests_change_nothing(desk, act, error, message):
    ticket = open_urgent(desk)
    with pytest.raises(error, match=message):
        act(desk, ticket.key)
    with desk.store.read() as session:
        assert session.get(Ticket, ticket.id).version == 1
    assert audit_actions(desk, ticket.id) == ["create"]


def test_back_dated_actions(desk, clock):
    ticket = open_urgent(desk)
    clock.advance(3)
    answered = use.respond(desk, ticket.key, at=T0 + 0.5 * H)
    assert answered.first_response_at == T0 + 0.5 * H
    with pytest.raises(InvalidInput, match="before the ticket's previous event"):
        use.log_work(desk, ticket.key, "earlier", at=T0 + 0.2 * H)
    with pytest.raises(InvalidInput, match="in the future"):
        use.log_work(desk, ticket.key, "later", at=clock.now + H)


def test_queue_order_puts_the_most_urgent_deadline_first(desk, clock):
    minor = use.new_ticket(desk, use.NewTicket("人民医院", "字体", Severity.MINOR, Channel.PHONE))
    urgent = open_urgent(desk)
    waiting = open_urgent(desk)
    use.wait_for_customer(desk, waiting.key)
    done = open_urgent(desk)
    use.resolve(desk, done.key, "ok")
    with desk.store.read() as session:
        keys = [row.ticket.key for row in list_tickets(session, TicketFilter(open_only=True))]
    assert keys == [urgent.key, minor.key, waiting.key]


def test_breached_filter(desk, clock):
    late = open_urgent(desk)
    clock.advance(2)
    fresh = open_urgent(desk)
    with desk.store.read() as session:
        rows = list_tickets(session, TicketFilter(breached_at=clock.now))
        assert [row.ticket.key for row in rows] == [late.key]
    assert fresh.key != late.key


def test_the_audit_trail_cannot_be_edited(desk):
    open_urgent(desk)
    with pytest.raises(DatabaseError, match="append-only"), desk.store.write() as session:
        session.execute(text("UPDATE audit_log SET actor = 'mallory'"))
    with pytest.raises(DatabaseError, match="append-only"), desk.store.write() as session:
        session.execute(text("DELETE FROM audit_log"))


def test_naive_datetimes_are_refused_by_the_store(desk):
    ticket = open_urgent(desk)
    with pytest.raises(Exception, match="naive datetime"), desk.store.write() as session:
        session.get(Ticket, ticket.id).updated_at = datetime(2026, 1, 1)
        session.flush()


def test_console_refuses_an_out_of_date_schema(desk):
    schema.ensure_current(desk.store.engine)
    with desk.store.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    with pytest.raises(schema.SchemaOutOfDate, match="newer than this program"):
        schema.ensure_current(desk.store.engine)
