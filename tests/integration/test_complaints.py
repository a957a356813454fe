"""A customer's complaint (投诉) is a ticket of its own kind that reaches the duty
manager the moment it is opened, once, and every alert about it reaches them too."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.domain.ticket_kind import TicketKind, parse_ticket_kind
from helpdesk_tui.services import alerts, tickets
from helpdesk_tui.services.directory import add_engineer
from helpdesk_tui.services.roster import add_shift

NOW = datetime.fromisoformat("2026-11-25T10:00:00+08:00")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(account_desk):
    add_engineer(account_desk, "zhangwei", "张伟", role="manager")
    day = timedelta(hours=12)
    add_shift(account_desk, "lina", DutyRole.PRIMARY, NOW - timedelta(hours=2), NOW + day)
    add_shift(account_desk, "zhangwei", DutyRole.MANAGER, NOW - timedelta(hours=2), NOW + day)
    return account_desk


def opened(desk, kind: TicketKind, severity: Severity = Severity.MEDIUM) -> str:
    return tickets.new_ticket(desk, tickets.NewTicket(
        customer="杭州人民医院", title="工程师上门迟到两小时", severity=severity,
        channel=Channel.PHONE, kind=kind,
    )).key  # fmt: skip


def delivered(desk) -> list:
    claimed = alerts.sweep(desk, "test")
    alerts.deliver(desk, "test", claimed, lambda message: "test")
    with desk.store.read() as session:
        return [a for a in alerts.list_alerts(session, desk.now(), state="all") if a.id in claimed]


def test_a_complaint_reaches_the_duty_manager_at_once_and_only_once(desk, clock):
    key = opened(desk, TicketKind.COMPLAINT, Severity.URGENT)
    [alert] = delivered(desk)
    assert alert.target == "complaint" and alert.level == "critical"
    assert "zhangwei" in alert.recipients.split(",") and not alert.late
    clock.shift(timedelta(minutes=5))
    assert delivered(desk) == []
    clock.shift(timedelta(minutes=30))  # half the 1 h response target: a warning, to both
    [warning] = delivered(desk)
    assert warning.target == "response" and warning.threshold == 50
    assert {"lina", "zhangwei"} <= set(warning.recipients.split(","))
    tickets.respond(desk, key, "已致电客户致歉")
    clock.shift(timedelta(hours=2))
    assert all(a.target != "complaint" for a in delivered(desk))


def test_a_fault_does_not_call_the_duty_manager_before_its_breach(desk, clock):
    opened(desk, TicketKind.FAULT)
    clock.shift(timedelta(minutes=5))
    assert delivered(desk) == []
    clock.shift(timedelta(hours=5))  # past the response target's first warning (50 % of 8 h)
    found = delivered(desk)
    assert found and all("zhangwei" not in a.recipients.split(",") for a in found)


def test_complaint_is_parsed_in_english_and_chinese():
    assert parse_ticket_kind("投诉") is parse_ticket_kind("客户投诉") is TicketKind.COMPLAINT
    assert parse_ticket_kind("complaint") is TicketKind.COMPLAINT
