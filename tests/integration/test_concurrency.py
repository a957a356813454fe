"""Several OS processes writing the same tickets of one SQLite file (DESIGN.md §4).

Each worker is a real process (multiprocessing, spawn) with its own Desk, engine and
connections, going through the services layer exactly as a console or a cron job would.
Processes are lined up with barriers, never with sleeps.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import sqlite3
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

ZONE = "Asia/Shanghai"
ENTRIES_PER_WORKER = 100
LOG_WORKERS = ("lina", "wangfang", "liuyang")
RACE_WORKERS = ("lina", "wangfang")
RACE_ROUNDS = 10
BARRIER_TIMEOUT = 120  # seconds; only reached if a worker died
RESULT_TIMEOUT = 240


@dataclass
class Outcome:
    """What one worker reports back to the test."""

    user: str
    done: int = 0
    errors: list[str] = field(default_factory=list)
    rounds: list[tuple[int, str, Any]] = field(default_factory=list)  # (read version, kind, ...)


def _desk(db: str, user: str, config: str) -> Any:
    os.environ["HELPDESK_CONFIG"] = config
    for key in ("HELPDESK_DB", "HELPDESK_USER", "HELPDESK_TZ"):
        os.environ.pop(key, None)
    from helpdesk_tui.config import load_settings
    from helpdesk_tui.services.desk import open_desk

    desk = open_desk(load_settings(db=db, user=user, tz=ZONE))
    with desk.store.read() as session:  # connect (and read the schema) before the start line
        session.connection()
    return desk


def log_worker(
    db: str, user: str, config: str, keys: list[str], count: int, start: Any, results: Any
) -> None:
    """Log `count` entries round-robin onto `keys`, all as fast as it can."""
    outcome = Outcome(user)
    try:
        from helpdesk_tui.services import tickets as use

        desk = _desk(db, user, config)
        start.wait(BARRIER_TIMEOUT)
        for i in range(count):
            key = keys[i % len(keys)]
            try:
                use.log_work(desk, key, f"{user} 第{i}条 {key}", minutes=1)
                outcome.done += 1
            except Exception:  # every failure is reported, and the worker goes on
                outcome.errors.append(traceback.format_exc())
        desk.store.dispose()
    except Exception:
        outcome.errors.append(traceback.format_exc())
    results.put(outcome)


def race_worker(
    db: str, user: str, config: str, key: str, rounds: int, line: Any, results: Any
) -> None:
    """Each round: read the ticket's version, wait for the other, change its severity."""
    outcome = Outcome(user)
    try:
        from helpdesk_tui.domain.errors import Conflict
        from helpdesk_tui.domain.severity import Severity
        from helpdesk_tui.services import tickets as use
        from helpdesk_tui.store.queries import ticket_detail

        desk = _desk(db, user, config)
        mine = [Severity.URGENT, Severity.SERIOUS] if user == RACE_WORKERS[0] else [
            Severity.MEDIUM, Severity.MINOR]  # fmt: skip
        for r in range(rounds):
            line.wait(BARRIER_TIMEOUT)  # the previous round is over for everybody
            with desk.store.read() as session:
                detail = ticket_detail(session, use.parse_ticket_ref(key))
                assert detail is not None
                version = detail.row.ticket.version
            line.wait(BARRIER_TIMEOUT)  # both have read version v
            try:
                ticket = use.change_severity(desk, key, mine[r % 2], expected_version=version)
                outcome.rounds.append((version, "won", ticket.version))
            except Conflict as error:
                outcome.rounds.append((version, "conflict", str(error)))
            except Exception:
                outcome.rounds.append((version, "error", traceback.format_exc()))
        desk.store.dispose()
    except Exception:
        outcome.errors.append(traceback.format_exc())
    results.put(outcome)


def run_workers(
    target: Any, arguments: list[tuple[Any, ...]], line: Any, results: Any
) -> list[Outcome]:
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=target, args=(*args, line, results)) for args in arguments]
    for process in processes:
        process.start()
    try:
        outcomes = [results.get(timeout=RESULT_TIMEOUT) for _ in processes]
        for process in processes:
            process.join(timeout=RESULT_TIMEOUT)
            assert process.exitcode == 0, f"worker {process.pid} exit code {process.exitcode}"
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join()
    return outcomes


def _parent_desk(db: Path, user: str = "zhangwei") -> Any:
    from helpdesk_tui.config import load_settings
    from helpdesk_tui.services.desk import open_desk

    return open_desk(load_settings(db=str(db), user=user, tz=ZONE))


def _versions(db: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(db)) as connection:
        return {
            f"T-{ticket_id:06d}": version
            for ticket_id, version in connection.execute("SELECT id, version FROM tickets")
        }


@pytest.fixture
def working_tickets(
    demo_db: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """Three tickets in progress (so logging work does not change their status)."""
    from helpdesk_tui.domain.channel import Channel
    from helpdesk_tui.domain.severity import Severity
    from helpdesk_tui.services import tickets as use

    monkeypatch.setenv("HELPDESK_CONFIG", env["HELPDESK_CONFIG"])
    desk = _parent_desk(demo_db)
    with contextlib.closing(sqlite3.connect(demo_db)) as connection:
        (customer,) = connection.execute("SELECT name FROM customers ORDER BY id").fetchone()
    keys = []
    for n in range(3):
        ticket = use.new_ticket(
            desk,
            use.NewTicket(
                customer=customer,
                title=f"并发测试工单 {n}",
                severity=Severity.MEDIUM,
                channel=Channel.PHONE,
                reported_at=datetime.now(UTC) - timedelta(hours=2),
            ),
        )
        use.log_work(desk, ticket.key, "开始处理")  # new -> in progress
        keys.append(ticket.key)
    desk.store.dispose()
    return keys


def test_concurrent_work_logs_lose_nothing(
    demo_db: Path, env: dict[str, str], working_tickets: list[str]
) -> None:
    before = _versions(demo_db)
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(len(LOG_WORKERS)), context.Queue()
    outcomes = run_workers(
        log_worker,
        [
            (str(demo_db), user, env["HELPDESK_CONFIG"], working_tickets, ENTRIES_PER_WORKER)
            for user in LOG_WORKERS
        ],
        start,
        results,
    )

    errors = [error for outcome in outcomes for error in outcome.errors]
    assert not [e for e in errors if "database is locked" in e], "SQLite said: database is locked"
    assert errors == [], errors[0]
    assert {o.user: o.done for o in outcomes} == dict.fromkeys(LOG_WORKERS, ENTRIES_PER_WORKER)

    expected: dict[str, set[str]] = {key: set() for key in working_tickets}
    for user in LOG_WORKERS:
        for i in range(ENTRIES_PER_WORKER):
            key = working_tickets[i % len(working_tickets)]
            expected[key].add(f"{user} 第{i}条 {key}")
    ids = [int(key.removeprefix("T-")) for key in working_tickets]
    marks = ", ".join("?" for _ in ids)
    with contextlib.closing(sqlite3.connect(demo_db)) as connection:
        rows = connection.execute(
            f"SELECT ticket_id, text, author FROM work_log WHERE ticket_id IN ({marks})"
            " AND author != 'zhangwei' ORDER BY id",
            ids,
        ).fetchall()
        audit = Counter(
            entity_id
            for (entity_id,) in connection.execute(
                "SELECT entity_id FROM audit_log WHERE entity = 'ticket' AND action = 'log'"
                f" AND actor != 'zhangwei' AND entity_id IN ({marks})",
                ids,
            )
        )
    found: dict[str, list[str]] = {key: [] for key in working_tickets}
    for ticket_id, text, _ in rows:
        found[f"T-{ticket_id:06d}"].append(text)
    for key in working_tickets:
        assert len(found[key]) == len(expected[key]), f"{key}: duplicates or losses"
        assert set(found[key]) == expected[key], f"{key}: lost {expected[key] - set(found[key])}"
        updates = len(expected[key])
        assert audit[int(key.removeprefix("T-"))] == updates
        # The version counts every write: one per work-log entry.
        assert _versions(demo_db)[key] == before[key] + updates, key
    # Every writer got its turns in (how finely they interleave is up to SQLite's lock).
    authors = [author for _, _, author in rows]
    switches = sum(a != b for a, b in itertools.pairwise(authors))
    assert switches >= len(LOG_WORKERS) - 1


def test_concurrent_severity_changes_one_wins_the_other_is_told_who(
    demo_db: Path, env: dict[str, str], working_tickets: list[str]
) -> None:
    key = working_tickets[0]
    context = multiprocessing.get_context("spawn")
    line, results = context.Barrier(len(RACE_WORKERS)), context.Queue()
    outcomes = run_workers(
        race_worker,
        [(str(demo_db), user, env["HELPDESK_CONFIG"], key, RACE_ROUNDS) for user in RACE_WORKERS],
        line,
        results,
    )
    errors = [error for outcome in outcomes for error in outcome.errors]
    assert errors == [], errors[0]
    by_user = {outcome.user: outcome.rounds for outcome in outcomes}
    wins = Counter()
    for r in range(RACE_ROUNDS):
        (first, a), (second, b) = ((user, by_user[user][r]) for user in RACE_WORKERS)
        assert a[0] == b[0], f"round {r}: they read different versions {a[0]} and {b[0]}"
        kinds = sorted((a[1], b[1]))
        assert kinds == ["conflict", "won"], f"round {r}: {a} / {b}"
        winner, loser_message = (first, b[2]) if a[1] == "won" else (second, a[2])
        wins[winner] += 1
        assert winner in loser_message, f"round {r}: {loser_message!r} does not name {winner}"
        assert key in loser_message
        assert "reload" in loser_message.lower()
    assert sum(wins.values()) == RACE_ROUNDS
    with contextlib.closing(sqlite3.connect(demo_db)) as connection:
        changes = connection.execute(
            "SELECT actor FROM audit_log WHERE entity = 'ticket' AND entity_id = ?"
            " AND action = 'severity' ORDER BY id",
            (int(key.removeprefix("T-")),),
        ).fetchall()
    assert Counter(actor for (actor,) in changes) == wins


@pytest.mark.parametrize(
    "step",
    ["respond", "log", "severity", "wait"],
)
def test_one_write_bumps_the_version_by_one(
    demo_db: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    from helpdesk_tui.domain.channel import Channel
    from helpdesk_tui.domain.severity import Severity
    from helpdesk_tui.services import tickets as use

    monkeypatch.setenv("HELPDESK_CONFIG", env["HELPDESK_CONFIG"])
    desk = _parent_desk(demo_db, user="lina")
    with contextlib.closing(sqlite3.connect(demo_db)) as connection:
        (customer,) = connection.execute("SELECT name FROM customers ORDER BY id").fetchone()
    ticket = use.new_ticket(
        desk,
        use.NewTicket(customer=customer, title="版本号", severity=Severity.MINOR,
                      channel=Channel.EMAIL),
    )  # fmt: skip
    assert _versions(demo_db)[ticket.key] == 1
    actions = {
        "respond": lambda: use.respond(desk, ticket.key),
        "log": lambda: use.log_work(desk, ticket.key, "排查"),
        "severity": lambda: use.change_severity(desk, ticket.key, Severity.URGENT),
        "wait": lambda: use.wait_for_customer(desk, ticket.key),
    }
    returned = actions[step]()
    desk.store.dispose()
    assert _versions(demo_db)[ticket.key] == 2
    assert returned.version == 2
