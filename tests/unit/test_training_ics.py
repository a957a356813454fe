"""Training sessions as iCalendar: what we write reads back the same, files other programs
write (typed here by hand, as Outlook and DingTalk write them) read at the right instants,
bad events are skipped with a reason and bad files are refused whole."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.training import Audience, Category, Medium, Mode, SessionStatus
from helpdesk_tui.exchange.training_ics import (
    MAX_BYTES,
    Outcome,
    Person,
    SessionFacts,
    read_calendar,
    write_calendar,
)
from helpdesk_tui.store.models import TrainingMaterial, TrainingSession

SHANGHAI = ZoneInfo("Asia/Shanghai")
STAMP = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)
PLAN = 9
LINA = Person("lina", "李娜", "lina@example.com")
WANGFANG = Person("wangfang", "王芳", "")  # no address: never an ATTENDEE


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def training(**fields) -> TrainingSession:
    values = {
        "plan_id": 1, "title": "系统操作培训", "category": "operation", "audience": "users",
        "trainee_count": 0, "trainees": "", "trainers": "lina", "mode": "classroom",
        "place": "", "start_at": at("2026-12-07T09:00+08:00"),
        "end_at": at("2026-12-07T17:00+08:00"), "status": "proposed", "language": "zh",
        "uid": "s1@helpdesk_tui", "version": 1,
    }  # fmt: skip
    return TrainingSession(**{**values, **fields})


SESSIONS = [
    training(
        title="系统操作培训，第一期; 上午, 下午", trainees="张三\n李四\n王五", trainee_count=25,
        trainers="lina,wangfang", place="信息中心 302 培训室, 3 楼; 东侧", status="agreed",
        version=3,
    ),
    training(uid="s2@helpdesk_tui", title="远程维护实践", category="maintenance",
             audience="admins", trainee_count=2, mode="remote",
             place="https://meeting.example.com/j/8812?pwd=a,b;c", status="cancelled",
             start_at=at("2026-12-08T14:00+08:00"), end_at=at("2026-12-08T17:00+08:00")),
    training(uid="s3@helpdesk_tui", title="New product workshop", category="new_tech",
             audience="leaders", trainee_count=6, mode="desk_side", language="en",
             start_at=at("2026-12-14T09:00+08:00"), end_at=at("2026-12-16T17:00+08:00")),
    training(uid="s4@helpdesk_tui", title="已完成的培训", audience="others", trainee_count=12,
             status="done", attended=11, feedback=4.5, feedback_notes="讲得清楚\n希望多练习",
             start_at=at("2026-11-02T09:00+08:00"), end_at=at("2026-11-02T17:00+08:00"),
             version=4),
]  # fmt: skip
MATERIALS = {
    "s1@helpdesk_tui": (Medium.PAPER, Medium.ELECTRONIC),
    "s2@helpdesk_tui": (Medium.ELECTRONIC,),
    "s3@helpdesk_tui": (),
    "s4@helpdesk_tui": (Medium.PAPER,),
}


def facts(session: TrainingSession) -> SessionFacts:
    materials = tuple(
        TrainingMaterial(session_id=1, title="资料", medium=m.value, ready=m is Medium.PAPER,
                         ready_at=STAMP if m is Medium.PAPER else None)
        for m in MATERIALS[session.uid]
    )  # fmt: skip
    people = {"lina": LINA, "wangfang": WANGFANG}
    trainers = tuple(people[t] for t in session.trainers.split(","))
    return SessionFacts(session, materials, trainers, organizer=LINA)


def written(sessions=SESSIONS) -> bytes:
    return write_calendar("上海人民医院培训", [facts(s) for s in sessions], STAMP)


def read(data: bytes | str, **options):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return read_calendar(raw, plan_id=PLAN, zone=options.pop("zone", SHANGHAI), **options)


# -- what we write reads back the same --------------------------------------------------------


def test_round_trip_keeps_every_field_of_every_session():
    events, skipped = read(written())
    assert skipped == []
    assert [e.session.uid for e in events] == [s.uid for s in SESSIONS]
    for event, original in zip(events, SESSIONS, strict=True):
        new = event.session
        assert new.plan_id == PLAN
        assert new.title == original.title
        assert (new.start_at, new.end_at) == (original.start_at, original.end_at)
        assert new.trainers == tuple(original.trainers.split(","))
        assert new.category is Category(original.category)
        assert new.audience is Audience(original.audience)
        assert new.mode is Mode(original.mode)
        assert new.status is SessionStatus(original.status)
        assert new.place == original.place
        assert new.trainees == tuple(original.trainees.splitlines())
        assert new.trainee_count == original.trainee_count
        assert new.language == original.language
        assert new.materials == MATERIALS[original.uid]
        assert event.sequence == original.version
        assert event.ours


def test_round_trip_keeps_the_outcome_of_a_held_session():
    events, _ = read(written())
    outcomes = {e.session.uid: e.outcome for e in events}
    assert outcomes["s4@helpdesk_tui"] == Outcome(11, 4.5, "讲得清楚\n希望多练习")
    assert outcomes["s1@helpdesk_tui"] is None


def test_the_file_is_what_calendar_programs_import():
    data = written()
    text = data.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    for line in ("VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                 "X-WR-CALNAME:上海人民医院培训", "PRODID:-//helpdesk_tui//"):  # fmt: skip
        assert line in unfolded
    assert unfolded.count("BEGIN:VEVENT") == len(SESSIONS)
    assert "DTSTART:20261207T010000Z" in unfolded  # UTC, no VTIMEZONE needed
    assert "DTEND:20261216T090000Z" in unfolded  # the three-day session
    assert "BEGIN:VTIMEZONE" not in unfolded
    assert "DTSTAMP:20261125T040000Z" in unfolded


def test_status_sequence_and_people_per_event():
    events = _raw_events(written())
    assert [_value(e, "STATUS") for e in events] == ["CONFIRMED", "CANCELLED", "TENTATIVE",
                                                     "CONFIRMED"]  # fmt: skip
    assert [_value(e, "SEQUENCE") for e in events] == ["3", "1", "1", "4"]
    first = events[0]
    assert re.search(r"^ORGANIZER;CN=李娜:mailto:lina@example.com$", first, re.M)
    attendees = re.findall(r"^ATTENDEE.*$", first, re.M)
    assert attendees == ["ATTENDEE;CN=李娜;ROLE=REQ-PARTICIPANT:mailto:lina@example.com"]
    assert "wangfang@" not in first  # no address was made up


def test_description_and_categories_speak_the_session_language():
    chinese, _, english, _ = _raw_events(written())
    assert "类别：系统操作使用" in chinese and "学员：张三、李四、王五" in chinese
    assert "讲师：李娜、王芳" in chinese and "资料：纸质（已备好）、电子（未备好）" in chinese
    assert "CATEGORIES:培训,系统操作使用,系统使用人员,集体授课" in chinese
    assert "Category: new tech" in english and "Mode: desk side" in english
    assert "SUMMARY;LANGUAGE=en:New product workshop" in english


def test_escaped_text_in_the_file():
    first = _raw_events(written())[0]
    assert r"SUMMARY;LANGUAGE=zh-CN:系统操作培训，第一期\; 上午\, 下午" in first
    assert r"LOCATION:信息中心 302 培训室\, 3 楼\; 东侧" in first
    assert r"X-HELPDESK-TRAINEES:张三\n李四\n王五" in first


def _raw_events(data: bytes) -> list[str]:
    text = data.decode("utf-8").replace("\r\n ", "").replace("\r\n", "\n")
    return re.findall(r"BEGIN:VEVENT\n(.*?)END:VEVENT", text, re.S)


def _value(event: str, name: str) -> str:
    match = re.search(rf"^{name}(?:;[^:]*)?:(.*)$", event, re.M)
    assert match, name
    return match.group(1)


# -- a file written by another program ----------------------------------------------------------

OUTLOOK_ZONES = (
    "BEGIN:VTIMEZONE\r\nTZID:China Standard Time\r\nBEGIN:STANDARD\r\n"
    "DTSTART:16010101T000000\r\nTZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
    "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nX-LIC-LOCATION:Asia/Shanghai\r\n"
    "BEGIN:STANDARD\r\nTZNAME:CST\r\nTZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\n"
    "DTSTART:19700101T000000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    "BEGIN:VTIMEZONE\r\nTZID:北京时间\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
    "TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)


def outlook_event(uid: str, *lines: str) -> str:
    body = "".join(f"{line}\r\n" for line in lines)
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261120T020000Z\r\n{body}"
            "END:VEVENT\r\n")  # fmt: skip


def outlook_file(*events: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\n"
        "VERSION:2.0\r\nMETHOD:PUBLISH\r\n" + OUTLOOK_ZONES + "".join(events) + "END:VCALENDAR\r\n"
    )


def fold(line: str) -> str:
    """Fold at 60 octets, even inside a multi-byte character (some writers do)."""
    raw = line.encode("utf-8")
    pieces = [raw[i : i + 60] for i in range(0, len(raw), 60)]
    return b"\r\n ".join(pieces).decode("utf-8", errors="surrogateescape")


def outlook_bytes(*events: str) -> bytes:
    return outlook_file(*events).encode("utf-8", errors="surrogateescape")


LONG_SUMMARY = "SUMMARY:2026 年度系统管理员培训：维护管理\\, 故障诊断与处理\\; 含上机实践（第二期）"
HAND_WRITTEN = outlook_bytes(
    outlook_event(
        "040000008200E00074C5B7101A82E008@outlook", fold(LONG_SUMMARY),
        "DTSTART;TZID=China Standard Time:20261207T090000",
        "DTEND;TZID=China Standard Time:20261207T120000",
        "LOCATION:杭州市西湖区\\, 信息中心 302", "STATUS:CONFIRMED",
        "CATEGORIES:系统管理员,维护管理与故障诊断处理",
    ),
    outlook_event("dingtalk-1", "SUMMARY:远程实践 Remote", "DTSTART;TZID=Asia/Shanghai:"
                  "20261208T140000", "DTEND;TZID=Asia/Shanghai:20261208T170000"),
    outlook_event("all-day", "SUMMARY:全天培训", "DTSTART;VALUE=DATE:20261209",
                  "DTEND;VALUE=DATE:20261210"),
    outlook_event("floating", "SUMMARY:桌边辅导", "DTSTART:20261210T140000",
                  "DTEND:20261210T160000", "STATUS:TENTATIVE"),
    outlook_event("utc-duration", "SUMMARY:UTC with duration", "DTSTART:20261211T060000Z",
                  "DURATION:PT3H"),
    outlook_event("two-days", "SUMMARY:两天集中培训", "DTSTART;VALUE=DATE:20261214",
                  "DTEND;VALUE=DATE:20261216"),
    outlook_event("own-zone", "SUMMARY:自定义时区", "DTSTART;TZID=北京时间:20261217T090000",
                  "DTEND;TZID=北京时间:20261217T100000"),
)  # fmt: skip


def test_a_hand_written_outlook_file_reads_at_the_right_instants():
    assert b"\r\n " in HAND_WRITTEN  # folded
    assert b"\n" not in HAND_WRITTEN.replace(b"\r\n", b"")  # CRLF line endings only
    events, skipped = read(HAND_WRITTEN, trainers=("lina",))
    assert skipped == []
    by_uid = {e.session.uid: e.session for e in events}
    expected = {
        "040000008200E00074C5B7101A82E008@outlook": ("2026-12-07T01:00", "2026-12-07T04:00"),
        "dingtalk-1": ("2026-12-08T06:00", "2026-12-08T09:00"),
        "all-day": ("2026-12-09T01:00", "2026-12-09T09:00"),  # 09:00 local, one training day
        "floating": ("2026-12-10T06:00", "2026-12-10T08:00"),  # read in the given zone
        "utc-duration": ("2026-12-11T06:00", "2026-12-11T09:00"),
        "two-days": ("2026-12-14T01:00", "2026-12-15T09:00"),  # DTEND is exclusive
        "own-zone": ("2026-12-17T01:00", "2026-12-17T02:00"),  # from its VTIMEZONE
    }
    for uid, (start, end) in expected.items():
        session = by_uid[uid]
        assert session.start_at == datetime.fromisoformat(start + "+00:00"), uid
        assert session.end_at == datetime.fromisoformat(end + "+00:00"), uid
        assert session.start_at.utcoffset() == timedelta(0)


def test_a_hand_written_file_keeps_text_and_takes_what_it_can():
    events, _ = read(HAND_WRITTEN, trainers=("lina",))
    first, _, _, floating, *_ = (e.session for e in events)
    assert first.title == "2026 年度系统管理员培训：维护管理, 故障诊断与处理; 含上机实践（第二期）"
    assert first.place == "杭州市西湖区, 信息中心 302"
    assert first.status is SessionStatus.AGREED  # CONFIRMED
    assert first.audience is Audience.ADMINS  # from CATEGORIES
    assert first.category is Category.MAINTENANCE
    assert first.trainers == ("lina",)  # the default trainer
    assert first.language == "zh" and first.trainee_count == 0
    assert floating.status is SessionStatus.PROPOSED and floating.mode is Mode.CLASSROOM
    assert all(not e.ours and e.outcome is None for e in events)


def test_floating_and_all_day_times_follow_the_zone_given():
    events, _ = read(HAND_WRITTEN, trainers=("lina",), zone=ZoneInfo("Europe/Berlin"))
    by_uid = {e.session.uid: e.session for e in events}
    assert by_uid["floating"].start_at == at("2026-12-10T14:00+01:00")
    assert by_uid["all-day"].start_at == at("2026-12-09T09:00+01:00")
    assert by_uid["dingtalk-1"].start_at == at("2026-12-08T14:00+08:00")  # zoned: unchanged


def test_a_file_in_the_chinese_windows_code_page_is_read():
    data = outlook_file(outlook_event("gbk", "SUMMARY:系统培训", "DTSTART:20261207T010000Z"))
    events, _ = read(data.encode("gb18030"), trainers=("lina",))
    assert events[0].session.title == "系统培训"


# -- events that cannot be taken are skipped, each with its reason ------------------------------

GOOD = outlook_event("good", "SUMMARY:好的", "DTSTART:20261207T010000Z",
                     "X-HELPDESK-TRAINERS:lina")  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (("SUMMARY:无开始时间",), "no DTSTART"),
        (("DTSTART:20261207T090000Z", "DTEND:20261207T080000Z"), "end after it starts"),
        (("DTSTART;VALUE=DATE:20261207", "DTEND;VALUE=DATE:20261207"), "end after it starts"),
        (("DTSTART:20261207T090000Z", "DTEND;VALUE=DATE:20261208"), "DTEND a date"),
        (("DTSTART:20261207T090000Z", "DTEND:20261230T090000Z"), "at most 14 days"),
        (("DTSTART;TZID=Mars/Olympus:20261207T090000",), "unknown time zone 'Mars/Olympus'"),
        (("DTSTART:tomorrow",), "DTSTART is not a date or a time"),
        (("DTSTART:20261207T090000Z", "RRULE:FREQ=WEEKLY;COUNT=4"), "repeating"),
        (("DTSTART:20261207T090000Z", "X-HELPDESK-AUDIENCE:students"), "unknown audience"),
        (("DTSTART:20261207T090000Z", "X-HELPDESK-TRAINEE-COUNT:many"), "whole number"),
        (("DTSTART:20261207T090000Z", "X-HELPDESK-STATUS:agreed", "X-HELPDESK-ATTENDED:3"),
         "not done"),
        (("DTSTART:20261107T090000Z", "X-HELPDESK-STATUS:done", "X-HELPDESK-ATTENDED:3",
          "X-HELPDESK-FEEDBACK:9"), "feedback"),
        (("DTSTART:20261207T090000Z", "X-HELPDESK-MATERIALS:paper\\,video"), "unknown medium"),
    ],
)  # fmt: skip
def test_an_invalid_event_is_skipped_with_its_reason(lines, reason):
    bad = outlook_event("bad", "SUMMARY:坏的", *lines)
    events, skipped = read(outlook_file(GOOD, bad), trainers=("lina",))
    assert [e.session.uid for e in events] == ["good"]
    assert [(s.uid, s.title) for s in skipped] == [("bad", "坏的")]
    assert reason in skipped[0].reason


def test_an_event_naming_no_trainer_needs_a_default_trainer():
    nobody = outlook_event("nobody", "SUMMARY:无讲师", "DTSTART:20261207T010000Z")
    events, skipped = read(outlook_file(GOOD, nobody))
    assert [e.session.uid for e in events] == ["good"]
    assert "names no trainer" in skipped[0].reason
    events, skipped = read(outlook_file(GOOD, nobody), trainers=("wangfang",))
    assert [e.session.trainers for e in events] == [("lina",), ("wangfang",)]


def test_an_event_without_uid_or_with_a_repeated_uid_is_skipped():
    no_uid = "BEGIN:VEVENT\r\nSUMMARY:无 UID\r\nDTSTART:20261207T010000Z\r\nEND:VEVENT\r\n"
    events, skipped = read(outlook_file(GOOD, no_uid, GOOD), trainers=("lina",))
    assert len(events) == 1
    assert ["no UID" in s.reason or "earlier" in s.reason for s in skipped] == [True, True]


# -- files that are not calendars are refused whole ---------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \r\n\r\n", "empty"),
        (b"hello, this is a shopping list\n", "not an iCalendar file"),
        (bytes(range(256)) * 4, "not an iCalendar file"),
        (GOOD.encode(), "not an iCalendar file"),  # an event without its calendar
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no events"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", "not a readable iCalendar file"),
        (b"BEGIN:VCALENDAR\r\n" + b"X" * (MAX_BYTES + 1), "too big"),
    ],
    ids=["empty", "blank", "text", "binary", "bare event", "no events", "unfinished", "huge"],
)  # fmt: skip
def test_a_file_that_is_not_a_calendar_is_refused(data, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        read(data, trainers=("lina",))
    assert "\n" not in str(refused.value)


def test_the_cap_is_on_size_alone():
    at_the_cap = b"BEGIN:VCALENDAR\r\n" + b"X" * (MAX_BYTES - 17)
    assert len(at_the_cap) == MAX_BYTES
    with pytest.raises(InvalidInput, match="not a readable iCalendar file"):
        read(at_the_cap)  # read, not refused for its size
