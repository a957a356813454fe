"""`helpdesk training ...` on the demo database, with the clock held at NOW.

The sessions made here are taught by the managers zhangwei and sunhai, whom the demo's own
training never uses, and the plans belong to customers 10 to 12, who have no demo training.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import time_machine

from tests.integration.conftest import copy_db

NOW = "2026-12-01T10:00:00+08:00"
SESSION_KEYS = {
    "id", "plan_id", "customer", "title", "category", "audience", "trainee_count", "trainees",
    "trainers", "mode", "place", "start_at", "end_at", "status", "language", "attended",
    "feedback", "feedback_notes", "uid", "version", "needs_agreement", "materials_late",
}  # fmt: skip
KEPT_BY_A_CALENDAR = SESSION_KEYS - {"id", "plan_id", "version", "materials_late"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def ok(cli, *args: str) -> str:
    code, out, err = cli(*args)
    assert code == 0, err
    return out


def ok_json(cli, *args: str):
    return json.loads(ok(cli, *args, "--json"))


def make_plan(cli, customer: str = "10", db: str | None = None) -> str:
    prefix = ("--db", db) if db else ()
    return ok(cli, *prefix, "training", "plan", customer, "2027 年度系统培训").strip()


def add(cli, plan: str, start: str, *extra: str, title: str = "系统操作培训") -> dict:
    """A session taught by zhangwei unless `extra` names the trainers."""
    trainers = () if "--trainer" in extra else ("--trainer", "zhangwei")
    return ok_json(cli, "training", "add", "--plan", plan, "--title", title, "--start", start,
                   *extra, *trainers)  # fmt: skip


def listed(cli, *extra: str, db: str | None = None) -> list[dict]:
    prefix = ("--db", db) if db else ()
    return ok_json(cli, *prefix, "training", "list", "--from", "2026-10-01T00:00", "--days",
                   "366", *extra)  # fmt: skip


def customer_name(db: Path, customer_id: int) -> str:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute("SELECT name FROM customers WHERE id = ?",
                                  (customer_id,)).fetchone()[0]  # fmt: skip


# -- plans, sessions, the list -----------------------------------------------------------------


def test_plan_prints_its_number_or_json(demo_db, cli):
    plan = make_plan(cli)
    assert plan.isdigit()
    made = ok_json(cli, "training", "plan", "10", "第二个计划", "--notes", "每季度一次")
    assert made["id"] == int(plan) + 1 and made["title"] == "第二个计划"
    assert made["notes"] == "每季度一次" and made["version"] == 1


def test_add_prints_the_session_then_the_seeds_advice(demo_db, cli):
    plan = make_plan(cli)
    code, out, err = cli("training", "add", "--plan", plan, "--title", "管理员培训", "--start",
                         "2027-01-11T09:00", "--trainer", "zhangwei", "--audience", "系统管理员",
                         "--trainees", "5")  # fmt: skip
    lines = out.splitlines()
    assert code == 0 and err == ""
    assert lines[0].startswith("session ") and "2027-01-11T09:00+08:00" in lines[0]
    assert lines[1] == "note: system administrators are trained 1 to 3 at a time (seed §1.2.2)"
    made = add(
        cli,
        plan,
        "2027-01-12T09:00",
        "--audience",
        "admins",
        "--trainee",
        "张三",
        "--trainee",
        "李四",
        "--mode",
        "remote",
        "--place",
        "https://m.example.com/j/1",
    )
    assert set(made) == SESSION_KEYS | {"advisories"}
    assert made["advisories"] == []
    assert made["customer"] == customer_name(demo_db, 10)
    assert (made["start_at"], made["end_at"]) == ("2027-01-12T09:00:00+08:00",
                                                  "2027-01-12T17:00:00+08:00")  # fmt: skip
    assert made["trainees"] == ["张三", "李四"] and made["trainee_count"] == 2
    assert made["trainers"] == ["zhangwei"] and made["status"] == "proposed"


def test_list_flags_what_needs_doing(demo_db, cli):
    plan = make_plan(cli, "11")
    soon = add(cli, plan, "2026-12-03T09:00")  # proposed, 2 days away: both flags
    agreed = add(cli, plan, "2026-12-20T09:00", "--status", "agreed")
    rows = listed(cli, "--customer", "11")
    assert [r["id"] for r in rows] == [soon["id"], agreed["id"]]
    assert (rows[0]["needs_agreement"], rows[0]["materials_late"]) == (True, True)
    assert (rows[1]["needs_agreement"], rows[1]["materials_late"]) == (False, False)
    assert [r["id"] for r in listed(cli, "--plan", plan)] == [soon["id"], agreed["id"]]
    text = ok(cli, "training", "list", "--customer", "11")
    assert "needs agreement, materials late" in text.splitlines()[0]


def test_an_overlapping_trainer_is_refused_and_nothing_is_written(demo_db, cli, digest):
    plan = make_plan(cli)
    add(cli, plan, "2027-01-11T09:00", "--trainer", "sunhai", "--trainer", "zhangwei")
    before = digest(demo_db)
    code, out, err = cli(
        "training",
        "add",
        "--plan",
        plan,
        "--title",
        "冲突",
        "--start",
        "2027-01-11T13:00",
        "--end",
        "2027-01-11T15:00",
        "--trainer",
        "sunhai",
    )
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and "sunhai already teaches" in err
    assert digest(demo_db) == before


# -- status, outcome, materials ------------------------------------------------------------------


def test_status_outcome_and_materials(demo_db, cli):
    plan = make_plan(cli)
    held = add(cli, plan, "2026-11-30T09:00")
    assert ok(cli, "training", "status", str(held["id"]), "已确认").strip().endswith("agreed")
    materials = ok_json(cli, "training", "materials", str(held["id"]))
    assert [m["medium"] for m in materials] == ["paper", "electronic"]
    assert {m["due_at"] for m in materials} == {"2026-11-27T09:00:00+08:00"}
    first = str(materials[0]["id"])
    assert ok(cli, "training", "material", first, "--ready").strip() == f"material {first}: ready"
    ready = ok_json(cli, "training", "materials", str(held["id"]))[0]
    assert ready["ready"] and ready["ready_at"] == "2026-12-01T10:00:00+08:00"
    ok(cli, "training", "material", first, "--not-ready")
    assert not ok_json(cli, "training", "materials", str(held["id"]))[0]["ready"]
    out = ok(cli, "training", "outcome", str(held["id"]), "--attended", "7", "--feedback", "4.5",
             "--notes", "很实用")  # fmt: skip
    assert out.strip() == f"session {held['id']}: done, 7 attended, feedback 4.5"
    row = listed(cli, "--plan", plan)[0]
    assert (row["status"], row["attended"], row["feedback"], row["feedback_notes"]) == (
        "done", 7, 4.5, "很实用")  # fmt: skip


def test_a_stale_version_is_a_conflict(demo_db, cli, digest):
    plan = make_plan(cli)
    made = add(cli, plan, "2027-01-11T09:00")
    ok(cli, "training", "status", str(made["id"]), "agreed")
    before = digest(demo_db)
    code, _, err = cli("training", "status", str(made["id"]), "cancelled", "--expect-version",
                       str(made["version"]))  # fmt: skip
    assert code == 3 and "changed meanwhile" in err
    assert digest(demo_db) == before


# -- refused commands ---------------------------------------------------------------------------

GARBAGE = "garbage.ics"
MISSING = "no-such-folder/out.ics"


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (("add", "--plan", "{plan}", "--title", "t", "--start", "2027-01-11T09:00", "--trainer",
          "zhangwei", "--category", "cooking"), "unknown category"),
        (("add", "--plan", "{plan}", "--title", "t", "--start", "next monday", "--trainer",
          "zhangwei"), "--start"),
        (("add", "--plan", "{plan}", "--title", "t", "--start", "2027-01-11T09:00", "--end",
          "2027-01-11T08:00", "--trainer", "zhangwei"), "end after it starts"),
        (("add", "--plan", "999", "--title", "t", "--start", "2027-01-11T09:00", "--trainer",
          "zhangwei"), "no training plan 999"),
        (("add", "--plan", "{plan}", "--title", "t", "--start", "2027-01-11T09:00", "--trainer",
          "nobody"), "nobody"),
        (("add", "--plan", "{plan}", "--title", "t", "--start", "2027-01-11T09:00", "--trainer",
          "zhangwei", "--lang", "fr"), "language"),
        (("add", "--plan", "{plan}", "--title", "", "--start", "2027-01-11T09:00", "--trainer",
          "zhangwei"), "title"),
        (("plan", "no such customer", "计划"), "no customer"),
        (("status", "{session}", "finished"), "unknown sessionstatus"),
        (("status", "{session}", "done"), "not started"),
        (("outcome", "{session}", "--attended", "3"), "not started"),
        (("outcome", "999", "--attended", "3"), "no training session 999"),
        (("material", "999999", "--ready"), "no training material"),
        (("materials", "999"), "no training session 999"),
        (("list", "--from", "yesterday"), "--from"),
        (("export", "--plan", "{plan}", "-o", MISSING), "does not exist"),
        (("export", "-o", "out.ics", "--from", "2030-01-01T00:00"), "nothing to export"),
        (("export", "--plan", "999", "-o", "out.ics"), "no training plan 999"),
        (("import", "absent.ics", "--plan", "{plan}"), "no file"),
        (("import", GARBAGE, "--plan", "{plan}"), "not an iCalendar file"),
        (("import", "{exported}", "--plan", "999"), "no training plan 999"),
        (("import", "{exported}", "--plan", "{plan}", "--trainer", "nobody"), "nobody"),
        (("import", "{exported}", "--plan", "{plan}", "--tz", "Mars/Olympus"), "time zone"),
        (("import", "{exported}", "--plan", "{other_plan}"), "nothing imported"),
        (("report", "--from", "2026-11-01", "--to", "2026-10-01"), "end after it starts"),
        (("report", "--from", "2026-11-01", "--to", "2026-12-01", "--format", "xlsx"), "xlsx"),
        (("report", "--from", "2026-11-01", "--to", "2026-12-01", "-o", MISSING),
         "does not exist"),
        (("report", "--from", "2026-11-01", "--to", "2026-12-01", "--customer", "nobody"),
         "no customer"),
    ],
)  # fmt: skip
def test_refused_commands_write_nothing(demo_db, cli, digest, tmp_path, monkeypatch, args,
                                        mentions):  # fmt: skip
    monkeypatch.chdir(tmp_path)
    plan = make_plan(cli)
    other_plan = make_plan(cli, "11")
    session = add(cli, plan, "2027-01-11T09:00")
    exported = tmp_path / "exported.ics"
    ok(cli, "training", "export", "--plan", plan, "-o", str(exported))
    (tmp_path / GARBAGE).write_bytes(b"\x00\x01 this is no calendar")
    before = digest(demo_db)
    names = {"plan": plan, "session": session["id"], "exported": exported,
             "other_plan": other_plan}  # fmt: skip
    code, _, err = cli("training", *(a.format(**names) for a in args))
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1
    assert mentions.lower() in err.lower()
    assert digest(demo_db) == before
    assert not (tmp_path / "out.ics").exists() and not (tmp_path / "no-such-folder").exists()


# -- calendars --------------------------------------------------------------------------------


def test_export_then_import_into_another_database_keeps_every_field(demo_db, cli, tmp_path):
    other = str(copy_db(demo_db, tmp_path / "other.db"))
    plan, other_plan = make_plan(cli), make_plan(cli, db=other)
    add(
        cli,
        plan,
        "2027-01-11T09:00",
        "--trainee",
        "张三",
        "--trainee",
        "李四",
        "--trainees",
        "25",
        "--place",
        "信息中心 302, 3 楼; 东侧",
        "--status",
        "agreed",
        title="系统操作培训，第一期; 上午, 下午",
    )
    add(
        cli,
        plan,
        "2027-01-12T14:00",
        "--end",
        "2027-01-12T17:00",
        "--mode",
        "remote",
        "--place",
        "https://meeting.example.com/j/88?pwd=a,b;c",
        "--status",
        "cancelled",
        "--audience",
        "admins",
        "--trainees",
        "2",
        title="远程维护实践",
    )
    add(
        cli,
        plan,
        "2027-01-18T09:00",
        "--end",
        "2027-01-20T17:00",
        "--lang",
        "en",
        "--category",
        "new_tech",
        "--audience",
        "leaders",
        "--mode",
        "desk_side",
        "--trainer",
        "sunhai",
        "--trainer",
        "zhangwei",
        title="New product workshop",
    )
    held = add(cli, plan, "2026-11-26T09:00", "--audience", "others", "--trainees", "12",
               title="已举办的培训")  # fmt: skip
    ok(cli, "training", "outcome", str(held["id"]), "--attended", "11", "--feedback", "4.5",
       "--notes", "讲得清楚\n希望多练习")  # fmt: skip
    exported = tmp_path / "plan.ics"
    assert ok(cli, "training", "export", "--plan", plan, "-o", str(exported)).startswith("4 ")
    imported = ok_json(cli, "--db", other, "training", "import", str(exported), "--plan",
                       other_plan)  # fmt: skip
    assert (len(imported["created"]), imported["skipped"]) == (4, [])
    mine, theirs = listed(cli, "--plan", plan), listed(cli, "--plan", other_plan, db=other)
    assert [_kept(row) for row in theirs] == [_kept(row) for row in mine]
    for ours, copy in zip(mine, theirs, strict=True):
        media = [m["medium"] for m in ok_json(cli, "training", "materials", str(ours["id"]))]
        assert media == [m["medium"] for m in ok_json(
            cli, "--db", other, "training", "materials", str(copy["id"]))]  # fmt: skip


def _kept(row: dict) -> dict:
    return {key: row[key] for key in KEPT_BY_A_CALENDAR}


def test_export_to_stdout_is_the_calendar(demo_db, cli):
    plan = make_plan(cli)
    made = add(cli, plan, "2027-01-11T09:00")
    out = ok(cli, "training", "export", "--customer", "10", "--from", "2027-01-01T00:00",
             "--days", "30", "-o", "-")  # fmt: skip
    assert out.startswith("BEGIN:VCALENDAR\r\n") and out.endswith("END:VCALENDAR\r\n")
    assert out.count("BEGIN:VEVENT") == 1 and made["uid"] in out.replace("\r\n ", "")
    assert "DTSTART:20270111T010000Z" in out


HAND_WRITTEN = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Alibaba//DingTalk//CN\r\n"
    "BEGIN:VEVENT\r\nUID:dingtalk-a\r\nDTSTAMP:20261120T020000Z\r\nSUMMARY:{title}\r\n"
    "DTSTART;TZID=Asia/Shanghai:{start}\r\nDTEND;TZID=Asia/Shanghai:20270111T170000\r\n"
    "LOCATION:会议室 A\\, 2 楼\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:dingtalk-b\r\nDTSTAMP:20261120T020000Z\r\nSUMMARY:全天培训\r\n"
    "DTSTART;VALUE=DATE:20270113\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def write_hand_written(path: Path, title: str = "钉钉日程培训", start: str = "20270111T090000"):
    path.write_bytes(HAND_WRITTEN.format(title=title, start=start).encode("utf-8"))


def test_importing_the_same_file_twice_updates_instead_of_duplicating(demo_db, cli, tmp_path):
    plan = make_plan(cli)
    ics = tmp_path / "dingtalk.ics"
    write_hand_written(ics)
    importing = ("training", "import", str(ics), "--plan", plan, "--trainer", "zhangwei")
    first = ok(cli, *importing)
    assert first.strip() == "created 2, updated 0, unchanged 0, skipped 0"
    assert ok(cli, *importing).strip() == "created 0, updated 0, unchanged 2, skipped 0"
    write_hand_written(ics, title="钉钉日程培训（改期）", start="20270111T100000")
    assert ok(cli, *importing).strip() == "created 0, updated 1, unchanged 1, skipped 0"
    rows = listed(cli, "--plan", plan)
    assert [(r["uid"], r["title"], r["start_at"]) for r in rows] == [
        ("dingtalk-a", "钉钉日程培训（改期）", "2027-01-11T10:00:00+08:00"),
        ("dingtalk-b", "全天培训", "2027-01-13T09:00:00+08:00"),
    ]
    assert rows[0]["place"] == "会议室 A, 2 楼" and rows[1]["end_at"] == "2027-01-13T17:00:00+08:00"


def test_events_a_rule_refuses_are_skipped_and_the_others_go_in(demo_db, cli, tmp_path):
    plan = make_plan(cli)
    add(cli, plan, "2027-01-13T10:00", "--end", "2027-01-13T11:00")  # zhangwei is busy then
    ics = tmp_path / "dingtalk.ics"
    write_hand_written(ics, title="长" * 201)
    code, out, err = cli("training", "import", str(ics), "--plan", plan, "--trainer", "zhangwei")
    assert code == 2 and "nothing imported: all 2 event(s) were skipped" in err
    assert "too long" in out and "zhangwei already teaches" in out
    write_hand_written(ics)
    result = ok_json(cli, "training", "import", str(ics), "--plan", plan, "--trainer", "zhangwei")
    assert len(result["created"]) == 1
    assert [(s["uid"], s["title"]) for s in result["skipped"]] == [("dingtalk-b", "全天培训")]
    assert "already teaches" in result["skipped"][0]["reason"]


def test_an_older_export_does_not_undo_later_changes(demo_db, cli, digest, tmp_path):
    plan = make_plan(cli)
    made = add(cli, plan, "2027-01-11T09:00")
    ics = tmp_path / "old.ics"
    ok(cli, "training", "export", "--plan", plan, "-o", str(ics))
    ok(cli, "training", "status", str(made["id"]), "agreed")
    before = digest(demo_db)
    code, out, _ = cli("training", "import", str(ics), "--plan", plan)
    assert code == 2 and "changed since this file was written" in out
    assert digest(demo_db) == before
    ok(cli, "training", "export", "--plan", plan, "-o", str(ics))
    assert "unchanged 1" in ok(cli, "training", "import", str(ics), "--plan", plan)
