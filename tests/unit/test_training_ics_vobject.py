"""An .ics made by another library (vobject, as calendar servers such as Radicale use)
imports at the right instants with its text intact."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import vobject

from helpdesk_tui.exchange.training_ics import read_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def other_program_calendar() -> bytes:
    calendar = vobject.iCalendar()
    timed = calendar.add("vevent")
    timed.add("uid").value = "radicale-42@example.org"
    timed.add("summary").value = "系统维护与常见故障处理（第一期）; 含上机, 答疑"
    timed.add("location").value = "杭州市 信息中心 302"
    timed.add("dtstart").value = datetime(2026, 12, 7, 9, 30, tzinfo=SHANGHAI)
    timed.add("dtend").value = datetime(2026, 12, 7, 12, 0, tzinfo=SHANGHAI)
    timed.add("status").value = "CONFIRMED"
    all_day = calendar.add("vevent")
    all_day.add("uid").value = "radicale-43@example.org"
    all_day.add("summary").value = "新版本功能介绍"
    all_day.add("dtstart").value = date(2026, 12, 9)
    all_day.add("dtend").value = date(2026, 12, 10)
    return calendar.serialize().encode("utf-8")


def test_a_calendar_written_by_vobject_imports_at_the_right_instants():
    data = other_program_calendar()
    assert b"PRODID" in data and b"helpdesk" not in data.lower()  # not written by us
    events, skipped = read_calendar(data, plan_id=1, zone=SHANGHAI, trainers=("lina",))
    assert skipped == []
    by_uid = {event.session.uid: event.session for event in events}
    timed = by_uid["radicale-42@example.org"]
    assert timed.title == "系统维护与常见故障处理（第一期）; 含上机, 答疑"
    assert timed.place == "杭州市 信息中心 302"
    assert timed.start_at == datetime(2026, 12, 7, 1, 30, tzinfo=UTC)
    assert timed.end_at == datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
    assert timed.status.value == "agreed"
    all_day = by_uid["radicale-43@example.org"]
    assert all_day.start_at == datetime(2026, 12, 9, 9, 0, tzinfo=SHANGHAI)  # a training day
    assert all_day.trainers == ("lina",)
