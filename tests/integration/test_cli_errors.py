"""The command line's contract (DESIGN.md §6): bad input is exit 2 with one line on stderr
and nothing written; a stale `--expect-version` is exit 3; `--json` has the promised shape.

Most cases call `helpdesk_tui.cli.main` in this process (a `helpdesk` start costs about a
second); a few run a real `python -m helpdesk_tui` process to prove the same from outside.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

REPORTED = "2026-11-02T09:00:00+08:00"  # as in conftest
FUTURE = "2999-01-01T00:00:00+08:00"
TICKET_KEYS = [
    "id", "key", "title", "customer", "severity", "status", "channel", "assignee",
    "reported_at", "first_response_at", "resolved_at", "accepted_at", "response_due_at",
    "resolve_due_at", "response_breached", "resolve_breached", "paused_seconds", "version",
]  # fmt: skip
INSTANT_KEYS = (
    "reported_at",
    "first_response_at",
    "resolved_at",
    "accepted_at",
    "response_due_at",
    "resolve_due_at",
)


def new_args(**changes: str) -> tuple[str, ...]:
    """`ticket new` with good values except the ones changed."""
    options = {
        "--customer": "{customer}",
        "--title": "数据库连接超时",
        "--severity": "serious",
        "--channel": "phone",
        **{f"--{key.replace('_', '-')}": value for key, value in changes.items()},
    }
    return ("ticket", "new", *(part for pair in options.items() for part in pair))


# (case id, argv with {placeholders}, a word the message must contain, case-insensitively)
BAD_INPUT: list[tuple[str, tuple[str, ...], str]] = [
    ("unknown-ticket-show", ("ticket", "show", "T-999999"), "T-999999"),
    ("unknown-ticket-respond", ("ticket", "respond", "T-999999"), "T-999999"),
    ("unknown-ticket-number", ("ticket", "log", "999999", "查看日志"), "T-999999"),
    ("malformed-key", ("ticket", "show", "X-12"), "X-12"),
    ("malformed-key-letters", ("ticket", "respond", "abc"), "abc"),
    ("malformed-key-zero", ("ticket", "show", "T-000000"), "T-000000"),
    ("malformed-key-negative", ("ticket", "show", "--", "-5"), "-5"),
    ("bad-severity-new", new_args(severity="critical"), "severity"),
    ("bad-severity-change", ("ticket", "severity", "{new}", "致命"), "severity"),
    ("bad-severity-list", ("ticket", "list", "--severity", "huge"), "severity"),
    ("bad-channel", new_args(channel="pigeon"), "channel"),
    ("unknown-customer", new_args(customer="不存在的客户公司"), "customer"),
    ("ambiguous-customer", new_args(customer="{ambiguous}"), "ambiguous"),
    ("empty-customer", new_args(customer=""), "customer"),
    ("bad-reported-at", new_args(reported_at="2026-02-30T10:00:00+08:00"), "reported"),
    ("garbage-reported-at", new_args(reported_at="yesterday"), "reported"),
    ("future-reported-at", new_args(reported_at=FUTURE), "future"),
    ("bad-at", ("ticket", "respond", "{new}", "--at", "2026-11-31T10:00"), "--at"),
    ("garbage-at", ("ticket", "log", "{responded}", "查看日志", "--at", "soon"), "--at"),
    ("future-at", ("ticket", "respond", "{new}", "--at", FUTURE), "future"),
    ("at-before-reported",
     ("ticket", "respond", "{new}", "--at", "2026-11-01T09:00+08:00"), "before"),
    ("at-before-previous-event-log",
     ("ticket", "log", "{responded}", "查看日志", "--at", "2026-11-02T10:00+08:00"), "before"),
    ("at-before-previous-event-wait",
     ("ticket", "wait", "{responded}", "--at", "2026-11-02T10:00+08:00"), "before"),
    ("accept-new-ticket", ("ticket", "accept", "{new}", "--rating", "5"), "accept"),
    ("resume-not-waiting", ("ticket", "resume", "{responded}"), "resume"),
    ("respond-twice", ("ticket", "respond", "{responded}"), "respond"),
    ("reopen-new-ticket", ("ticket", "reopen", "{new}"), "reopen"),
    ("wait-while-waiting", ("ticket", "wait", "{waiting}"), "wait"),
    ("rating-0", ("ticket", "accept", "{resolved}", "--rating", "0"), "rating"),
    ("rating-6", ("ticket", "accept", "{resolved}", "--rating", "6"), "rating"),
    ("rating-not-a-number", ("ticket", "accept", "{resolved}", "--rating", "five"), "rating"),
    ("empty-title", new_args(title=""), "title"),
    ("whitespace-title", new_args(title=" \t  "), "title"),
    ("title-201", new_args(title="故" * 201), "title"),
    ("description-20001", new_args(description="x" * 20_001), "description"),
    ("contact-too-long", new_args(contact="张" * 121), "contact"),
    ("empty-resolve-summary", ("ticket", "resolve", "{responded}", "--summary", ""), "summary"),
    ("blank-resolve-summary", ("ticket", "resolve", "{responded}", "--summary", "   "), "summary"),
    ("missing-resolve-summary", ("ticket", "resolve", "{responded}"), "summary"),
    ("empty-log-text", ("ticket", "log", "{responded}", "  "), "text"),
    ("negative-minutes",
     ("ticket", "log", "{responded}", "查看日志", "--minutes", "-5"), "minutes"),
    ("note-20001", ("ticket", "respond", "{new}", "--note", "y" * 20_001), "note"),
    ("unknown-engineer", ("ticket", "assign", "{new}", "nobody"), "nobody"),
    ("viewer-assignee", ("ticket", "assign", "{new}", "duty"), "duty"),
    ("viewer-assignee-new", new_args(assignee="duty"), "duty"),
    ("unknown-tz", ("--tz", "Mars/Olympus_Mons", "ticket", "list"), "Mars/Olympus_Mons"),
    ("unknown-tz-write", ("--tz", "Asia/Beijing", *new_args()), "Asia/Beijing"),
    ("unknown-calendar",
     ("sla", "due", "--start", "2026-11-25T09:00:00+08:00", "--hours", "8", "--calendar", "nope"),
     "nope"),
    ("missing-calendar-file",
     ("sla", "due", "--start", "2026-11-25T09:00:00+08:00", "--hours", "8",
      "--calendar", "/nonexistent/cal.toml"), "cal.toml"),
    ("negative-hours",
     ("sla", "due", "--start", "2026-11-25T09:00:00+08:00", "--hours", "-1"), "hours"),
    ("bad-start", ("sla", "due", "--start", "tomorrow", "--hours", "1"), "start"),
    ("lang-fr", ("--lang", "fr", "ticket", "list"), "lang"),
    ("lang-fr-write", ("--lang", "fr", "ticket", "respond", "{new}"), "lang"),
    ("empty-user", ("--user", " ", "ticket", "respond", "{new}"), "user"),
    ("unknown-command", ("ticket", "frobnicate"), "frobnicate"),
    ("missing-option", ("ticket", "new", "--customer", "{customer}"), "title"),
    ("list-limit-0", ("ticket", "list", "--limit", "0"), "limit"),
    ("demo-bad-now", ("demo", "--tickets", "5", "--now", "noon"), "now"),
]  # fmt: skip


def assert_refused(result: Any, *, code: int = 2, mentions: str = "") -> None:
    lines = result.stderr.splitlines()
    assert result.code == code, f"exit {result.code}, stderr: {result.stderr!r}"
    assert len(lines) == 1, f"expected one line on stderr, got {result.stderr!r}"
    assert lines[0].startswith("helpdesk: error: "), lines[0]
    assert "Traceback" not in result.stderr
    assert mentions.lower() in lines[0].lower(), f"{lines[0]!r} does not mention {mentions!r}"
    assert result.stdout == "", f"a refused command printed {result.stdout[:200]!r}"


@pytest.mark.parametrize(
    ("args", "mentions"),
    [pytest.param(args, mentions, id=case) for case, args, mentions in BAD_INPUT],
)
def test_bad_input_is_exit_2_one_line_and_nothing_written(
    digest: Callable[[Path], str],
    scenario: Any,
    cli: Callable[..., Any],
    args: tuple[str, ...],
    mentions: str,
) -> None:
    before = digest(scenario.db)
    result = cli(*scenario.fill(args))
    assert_refused(result, mentions=mentions)
    assert digest(scenario.db) == before


def test_init_again_writes_nothing(
    digest: Callable[[Path], str], fresh_db: Path, cli: Callable[..., Any]
) -> None:
    before = digest(fresh_db)
    result = cli("init")
    assert result.code == 0, result.stderr
    assert "up to date" in result.stdout
    assert digest(fresh_db) == before


def test_a_fresh_database_lists_nothing_and_knows_no_customer(
    digest: Callable[[Path], str], fresh_db: Path, cli: Callable[..., Any]
) -> None:
    listed = cli("ticket", "list", "--open", "--json")
    assert listed.code == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    before = digest(fresh_db)
    args = [arg.replace("{customer}", "上海人民医院") for arg in new_args()]
    assert_refused(cli(*args), mentions="customer")
    assert digest(fresh_db) == before


def test_every_bad_input_case_has_its_own_id() -> None:
    ids = [case for case, _, _ in BAD_INPUT]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("target", ["missing.db", "no-such-folder/missing.db"])
@pytest.mark.parametrize(
    "args", [("ticket", "list"), ("ticket", "respond", "T-000001")], ids=["list", "respond"]
)
def test_missing_database_is_exit_2_and_not_created(
    tmp_path: Path, cli: Callable[..., Any], target: str, args: tuple[str, ...]
) -> None:
    missing = tmp_path / target
    result = cli("--db", str(missing), *args)
    assert not missing.exists()
    assert_refused(result, mentions="helpdesk init")


@pytest.mark.parametrize("target", ["missing.db", "no-such-folder/missing.db"])
def test_missing_database_is_refused_and_not_created(
    tmp_path: Path, cli: Callable[..., Any], target: str
) -> None:
    """Whatever the exit code, a missing database is never created by a ticket command."""
    missing = tmp_path / target
    result = cli("--db", str(missing), "ticket", "respond", "T-000001")
    assert result.code != 0
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("helpdesk: error: ")
    assert "helpdesk init" in result.stderr
    assert not missing.exists()
    assert not Path(f"{missing}-wal").exists()
    assert not missing.parent.exists() or target == "missing.db"


@pytest.mark.parametrize("where", ["missing", "existing"])
@pytest.mark.parametrize("tickets", ["-1", "1000001"])
def test_refused_demo_neither_creates_nor_prints(
    scenario: Any, tmp_path: Path, cli: Callable[..., Any], where: str, tickets: str
) -> None:
    target = tmp_path / "later.db" if where == "missing" else scenario.db
    result = cli("--db", str(target), "demo", "--tickets", tickets)
    assert_refused(result, mentions="tickets")
    assert where == "existing" or not target.exists()


@pytest.mark.parametrize("verb", ["show", "respond"])
def test_huge_ticket_number_is_bad_input(
    digest: Callable[[Path], str], scenario: Any, cli: Callable[..., Any], verb: str
) -> None:
    before = digest(scenario.db)
    result = cli("ticket", verb, "T-99999999999999999999")
    assert digest(scenario.db) == before
    assert_refused(result)


def test_stale_expect_version_is_exit_3_and_nothing_written(
    digest: Callable[[Path], str], scenario: Any, cli: Callable[..., Any]
) -> None:
    shown = json.loads(cli("ticket", "show", scenario.responded, "--json").stdout)
    version = shown["version"]
    assert version >= 2  # created, then responded
    before = digest(scenario.db)
    result = cli(
        "ticket", "assign", scenario.responded, "wangfang", "--expect-version", str(version - 1)
    )
    assert_refused(result, code=3, mentions=scenario.responded)
    # "changed by X at T — reload": the last change was lina's response.
    assert "lina" in result.stderr
    assert "reload" in result.stderr.lower()
    assert digest(scenario.db) == before


def test_current_expect_version_is_accepted(scenario: Any, cli: Callable[..., Any]) -> None:
    result = cli("ticket", "assign", scenario.new, "wangfang", "--expect-version", "1", "--json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["assignee"] == "wangfang"
    assert data["version"] == 2


@pytest.mark.parametrize(
    ("verb", "extra"),
    [
        ("respond", ()),
        ("log", ("查看日志",)),
        ("severity", ("urgent",)),
        ("wait", ()),
        ("cancel", ()),
    ],
)
def test_stale_version_refuses_every_kind_of_edit(
    digest: Callable[[Path], str],
    scenario: Any,
    cli: Callable[..., Any],
    verb: str,
    extra: tuple[str, ...],
) -> None:
    before = digest(scenario.db)
    result = cli("ticket", verb, scenario.new, *extra, "--expect-version", "0")
    assert_refused(result, code=3, mentions=scenario.new)
    assert digest(scenario.db) == before


# --- real processes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "mentions"),
    [
        (("ticket", "show", "T-999999"), 2, "T-999999"),
        (new_args(severity="超级紧急"), 2, "severity"),
        (("--lang", "fr", "ticket", "list"), 2, "lang"),
        (("ticket", "respond", "{responded}", "--expect-version", "1"), 3, "{responded}"),
    ],
    ids=["unknown-ticket", "bad-severity", "lang-fr", "stale-version"],
)
def test_refusals_from_a_real_process(
    digest: Callable[[Path], str],
    scenario: Any,
    run_cli: Callable[..., Any],
    args: tuple[str, ...],
    code: int,
    mentions: str,
) -> None:
    before = digest(scenario.db)
    result = run_cli(*scenario.fill(args))
    assert_refused(result, code=code, mentions=scenario.fill((mentions,))[0])
    assert digest(scenario.db) == before


def test_missing_database_from_a_real_process(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    missing = tmp_path / "elsewhere" / "helpdesk.db"
    code, _, stderr = run_cli("--db", str(missing), "ticket", "list")
    assert code in (1, 2)
    assert stderr.startswith("helpdesk: error: ")
    assert len(stderr.splitlines()) == 1
    assert not missing.exists()


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    assert value.utcoffset() is not None, f"{text} has no offset"
    return value


def test_ticket_new_json_from_a_real_process(scenario: Any, run_cli: Callable[..., Any]) -> None:
    code, out, err = run_cli(
        *scenario.fill(new_args(severity="紧急", reported_at="2026-11-24T08:30:00")), "--json"
    )
    assert code == 0, err
    assert err == ""
    data = json.loads(out)
    assert set(TICKET_KEYS) <= set(data)
    assert data["severity"] == "urgent"
    assert data["status"] == "new"
    assert data["channel"] == "phone"
    assert data["customer"] == scenario.customer
    assert data["title"] == "数据库连接超时"
    assert data["assignee"] is None
    assert data["version"] == 1
    assert data["key"] == f"T-{data['id']:06d}"
    # A time without an offset is read in HELPDESK_TZ and shown in it.
    assert data["reported_at"] == "2026-11-24T08:30:00+08:00"
    for key in INSTANT_KEYS:
        if data[key] is not None:
            assert _instant(data[key]).utcoffset() == timedelta(hours=8), key
    for key in ("first_response_at", "resolved_at", "accepted_at"):
        assert data[key] is None
    reported = _instant(data["reported_at"])
    # Urgent: 1 h to respond, 24 h to fix (DESIGN.md §3), on the contract's calendar.
    assert _instant(data["response_due_at"]) >= reported + timedelta(hours=1)
    assert _instant(data["resolve_due_at"]) >= reported + timedelta(hours=24)
    assert isinstance(data["response_breached"], bool)
    assert isinstance(data["resolve_breached"], bool)
    assert data["paused_seconds"] == 0


@pytest.mark.parametrize(
    ("word", "level"),
    [("紧急", "urgent"), ("严重", "serious"), ("中等", "medium"), ("轻度", "minor"),
     ("紧急故障", "urgent"), ("URGENT", "urgent")],
)  # fmt: skip
def test_severity_words(scenario: Any, cli: Callable[..., Any], word: str, level: str) -> None:
    created = cli(*scenario.fill(new_args(severity=word)), "--json")
    assert created.code == 0, created.stderr
    assert json.loads(created.stdout)["severity"] == level


def test_severity_change_in_chinese_recomputes_deadlines(
    scenario: Any, cli: Callable[..., Any]
) -> None:
    before = json.loads(cli("ticket", "show", scenario.new, "--json").stdout)
    changed = cli("ticket", "severity", scenario.new, "紧急", "--json")
    assert changed.code == 0, changed.stderr
    after = json.loads(changed.stdout)
    assert after["severity"] == "urgent"
    assert after["version"] > before["version"]  # by exactly 1: see test_concurrency.py
    # From reported_at under the new, shorter targets.
    assert after["reported_at"] == before["reported_at"] == REPORTED
    assert _instant(after["response_due_at"]) < _instant(before["response_due_at"])
    audit = json.loads(cli("ticket", "show", scenario.new, "--json").stdout)["audit"]
    assert audit[-1]["action"] == "severity"
    assert audit[-1]["actor"] == "lina"


def test_show_and_list_json(scenario: Any, cli: Callable[..., Any]) -> None:
    shown = cli("ticket", "show", scenario.resolved, "--json")
    assert shown.code == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert set(TICKET_KEYS) <= set(data)
    assert data["status"] == "resolved"
    assert data["resolution_summary"] == "重启服务后恢复"
    assert _instant(data["resolved_at"]) >= _instant(data["first_response_at"])
    listed = cli("ticket", "list", "--json")
    assert listed.code == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == 54  # 50 demo tickets and ours
    assert all(set(TICKET_KEYS) <= set(row) for row in rows)
    open_rows = json.loads(cli("ticket", "list", "--open", "--json").stdout)
    assert {scenario.new, scenario.responded, scenario.waiting} <= {r["key"] for r in open_rows}
    assert scenario.resolved not in {r["key"] for r in open_rows}


def test_accept_rates_a_resolved_ticket(scenario: Any, cli: Callable[..., Any]) -> None:
    result = cli(
        "ticket", "accept", scenario.resolved, "--rating", "5", "--comment", "满意", "--json"
    )
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "accepted"
    assert data["rating"] == 5
    assert _instant(data["accepted_at"]).utcoffset() == timedelta(hours=8)


def test_back_dated_response_on_a_late_logged_ticket(
    scenario: Any, cli: Callable[..., Any]
) -> None:
    """A phone call at 09:00 was answered at 09:20 and logged later: both are back-dated."""
    result = cli("ticket", "respond", scenario.new, "--at", "2026-11-02T09:20:00+08:00", "--json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["first_response_at"] == "2026-11-02T09:20:00+08:00"


# --- sla due ----------------------------------------------------------------------------


def test_sla_due_on_cn_office_from_a_real_process(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    """cn-office (data/calendars/cn-office.toml): Mon-Fri 09:00-12:00 and 13:30-18:00 in
    Asia/Shanghai, official holidays from the `cn` preset. Wednesday 2026-11-25 from 09:00
    gives 3 h + 4.5 h = 7.5 h by 18:00; the last 0.5 h is Thursday 2026-11-26 (a normal
    working day) from 09:00, so the 8 h are up at 09:30."""
    code, out, err = run_cli(
        "sla", "due", "--start", "2026-11-25T09:00:00+08:00", "--hours", "8",
        "--calendar", "cn-office",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.strip() == "2026-11-26T09:30:00+08:00"


@pytest.mark.parametrize(
    ("calendar", "start", "hours", "due"),
    [
        # 24x7 in the user's zone: plain addition.
        ("24x7", "2026-11-25T09:00:00+08:00", "8", "2026-11-25T17:00:00+08:00"),
        ("24x7", "2026-11-25T09:00:00+08:00", "0.5", "2026-11-25T09:30:00+08:00"),
        # Friday 2026-11-27 16:00-18:00 is 2 h; Monday 09:00 + 1 h.
        ("cn-office", "2026-11-27T16:00:00+08:00", "3", "2026-11-30T10:00:00+08:00"),
        # Inside the lunch break the clock starts at 13:30.
        ("cn-office", "2026-11-25T12:15:00+08:00", "1", "2026-11-25T14:30:00+08:00"),
        # Before office hours, from 09:00; exactly a morning.
        ("cn-office", "2026-11-25T07:00:00+08:00", "3", "2026-11-25T12:00:00+08:00"),
        # National Day 2026 (Oct 1-7 off): Wed Sep 30 17:00-18:00, then Thu Oct 8 09:00 + 1 h.
        ("cn-office", "2026-09-30T17:00:00+08:00", "2", "2026-10-08T10:00:00+08:00"),
        # 调休: Saturday 2026-10-10 is a make-up working day (chinesecalendar 2026 data).
        ("cn-office", "2026-10-09T17:00:00+08:00", "2", "2026-10-10T10:00:00+08:00"),
        # An instant in another offset is shown in HELPDESK_TZ: 01:00Z is 09:00 in Shanghai.
        ("cn-office", "2026-11-25T01:00:00+00:00", "1", "2026-11-25T10:00:00+08:00"),
    ],
    ids=["24x7", "24x7-half-hour", "weekend", "lunch", "early", "national-day", "tiaoxiu",
         "utc-input"],
)  # fmt: skip
def test_sla_due_cases(
    cli: Callable[..., Any], calendar: str, start: str, hours: str, due: str
) -> None:
    result = cli("sla", "due", "--start", start, "--hours", hours, "--calendar", calendar, "--json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["due_at"] == due
    assert _instant(data["due_at_utc"]) == _instant(due)
