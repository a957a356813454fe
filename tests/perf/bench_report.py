"""Benchmark: the monthly SLA report over a million tickets (issue 7; target < 2 s).

    python tests/perf/bench_report.py [--tickets N] [--repetitions R] [--quality]

The database is `helpdesk demo --tickets N --now 2026-11-20T10:00+08:00` (default
1 000 000 tickets over the past year), built once into tests/perf/results/report-N.db
and reused while its ticket count is right and its answered tickets carry the stored
times to respond and fix. The console benchmark's console-N.db is not reused: it was made
before migration 0007, so once `helpdesk init` has migrated it its tickets have those
times empty, and the report would recompute them ticket by ticket (the path meant for
the few tickets answered before the upgrade), not measure the SQL aggregation.

Figures, with the desk's clock at the demo's `now`, on one warm desk in this process:
- `sla_report` for October 2026 (a whole month, about 68 000 tickets): total, and by
  customer, severity and engineer: median and p95 of R runs (default 10, at least 5);
- `monthly_totals` of 12 months (the reports screen's trend chart);
- `helpdesk report sla --month 2026-10 --by customer` as a real process, start-up
  included: median and p95 of 5 runs, and `helpdesk --help` beside it (the start-up
  alone);
- with --quality, `quality_report` for the month, once (its penalties are priced ticket
  by ticket by `services.penalties`: minutes on this database).
Each row gives the ratio median / target (below 1: within the target).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_TICKETS = 1_000_000
DEMO_NOW = "2026-11-20T10:00:00+08:00"
ZONE = "Asia/Shanghai"
MONTH = (date(2026, 10, 1), date(2026, 10, 31))
TARGET_SECONDS = 2.0
RESULTS = Path(__file__).with_name("results")
BUILD_TIMEOUT = 1800.0


def _helpdesk() -> list[str]:
    script = Path(sys.executable).with_name("helpdesk")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "helpdesk_tui"]


def _environment(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update(HELPDESK_DB=str(db), HELPDESK_USER="lina", HELPDESK_TZ=ZONE,
               HELPDESK_CONFIG="/nonexistent.toml")  # fmt: skip
    return env


def _usable(db: Path, tickets: int) -> bool:
    """The right number of tickets, and their report times stored."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        try:
            (count,) = connection.execute("SELECT count(*) FROM tickets").fetchone()
            (missing,) = connection.execute(
                "SELECT count(*) FROM tickets WHERE first_response_at IS NOT NULL "
                "AND response_work_seconds IS NULL"
            ).fetchone()
        except sqlite3.Error:
            return False
    return count == tickets and missing == 0


def report_database(tickets: int) -> Path:
    """tests/perf/results/report-N.db, built by `helpdesk demo` unless it is there."""
    RESULTS.mkdir(exist_ok=True)
    db = RESULTS / f"report-{tickets}.db"
    if db.exists() and _usable(db, tickets):
        subprocess.run([*_helpdesk(), "init"], env=_environment(db), check=True,
                       stdout=subprocess.DEVNULL, timeout=BUILD_TIMEOUT)  # fmt: skip
        return db
    for stale in RESULTS.glob(db.name + "*"):
        stale.unlink()
    building = db.with_name(db.name + ".building")
    print(f"building {db} with `helpdesk demo --tickets {tickets}` (once)...", flush=True)
    subprocess.run(
        [*_helpdesk(), "demo", "--tickets", str(tickets), "--now", DEMO_NOW],
        env=_environment(building),
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=BUILD_TIMEOUT,
    )
    with contextlib.closing(sqlite3.connect(building)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the one file
    for journal in RESULTS.glob(building.name + "-*"):
        journal.unlink()
    building.rename(db)
    return db


def _desk(db: Path):
    from helpdesk_tui.config import load_settings
    from helpdesk_tui.services.desk import open_desk

    now = datetime.fromisoformat(DEMO_NOW).astimezone(ZoneInfo(ZONE))
    os.environ["HELPDESK_CONFIG"] = "/nonexistent.toml"  # the developer's config stays out
    return open_desk(load_settings(db=str(db), user="lina", tz=ZONE), clock=lambda: now)


def _timings(run: Callable[[], object], repetitions: int) -> list[float]:
    found = []
    for _ in range(repetitions):
        began = time.perf_counter()
        run()
        found.append(time.perf_counter() - began)
    return found


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def _row(figure: str, runs: list[float], target: float | None, tickets: int | None) -> dict:
    median = statistics.median(runs)
    return {"figure": figure, "median": median, "p95": percentile(runs, 0.95),
            "runs": len(runs), "target": target, "tickets": tickets,
            "ratio": median / target if target else None,
            "ok": median < target if target else None}  # fmt: skip


def measure(tickets: int = DEFAULT_TICKETS, repetitions: int = 10,
            quality: bool = False) -> list[dict]:  # fmt: skip
    """One dict per figure: figure, median, p95 (seconds), runs, target, ratio, ok."""
    from helpdesk_tui.services.quality_report import quality_report
    from helpdesk_tui.services.sla_report import Dimension, monthly_totals, sla_report

    repetitions = max(repetitions, 5)
    db = report_database(tickets)
    desk = _desk(db)
    rows = []
    try:
        for by in (Dimension.TOTAL, Dimension.CUSTOMER, Dimension.SEVERITY, Dimension.ENGINEER):
            counted: list[int] = []

            def run(by: Dimension = by, counted: list[int] = counted) -> None:
                with desk.store.read() as session:
                    counted.append(sla_report(session, desk, *MONTH, by=by).total.tickets)

            runs = _timings(run, repetitions)
            rows.append(_row(f"`sla_report` 2026-10, by {by.value}", runs, TARGET_SECONDS,
                             counted[-1]))  # fmt: skip

        def trend() -> None:
            with desk.store.read() as session:
                monthly_totals(session, desk, 12, MONTH[1])

        rows.append(_row("`monthly_totals`, 12 months", _timings(trend, 5), None, None))
        command = [*_helpdesk(), "report", "sla", "--month", "2026-10", "--by", "customer"]
        env = _environment(db)

        def cli() -> None:
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)

        # No target: most of it is the command's start-up, measured just below.
        rows.append(_row("`helpdesk report sla --month 2026-10 --by customer` (process)",
                         _timings(cli, 5), None, None))  # fmt: skip

        def startup() -> None:
            subprocess.run([*_helpdesk(), "--help"], env=env, check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip

        rows.append(_row("`helpdesk --help` (process start-up, for comparison)",
                         _timings(startup, 5), None, None))  # fmt: skip
        if quality:

            def quality_run() -> None:
                with desk.store.read() as session:
                    quality_report(session, desk, *MONTH)

            rows.append(_row("`quality_report` 2026-10 (all penalties since each start)",
                             _timings(quality_run, 1), None, None))  # fmt: skip
    finally:
        desk.store.dispose()
    return rows


def _seconds(value: float) -> str:
    return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:.2f} s"


def markdown_table(rows: list[dict]) -> str:
    lines = ["| figure | tickets in the month | median | p95 | runs | target | "
             "median / target | ok? |", "|---|---:|---:|---:|---:|---|---:|---|"]  # fmt: skip
    for row in rows:
        ok = "—" if row["ok"] is None else ("yes" if row["ok"] else "**no**")
        target = f"< {row['target']:g} s" if row["target"] else "—"
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else "—"
        tickets = f"{row['tickets']:,}" if row["tickets"] else "—"
        cells = [row["figure"], tickets, _seconds(row["median"]), _seconds(row["p95"]),
                 str(row["runs"]), target, ratio, ok]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=DEFAULT_TICKETS)
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--quality", action="store_true", help="time the quality report too")
    args = parser.parse_args(argv)
    rows = measure(args.tickets, args.repetitions, args.quality)
    print(f"report benchmark: {args.tickets:,} demo tickets in SQLite\n")
    print(markdown_table(rows))
    return 0 if all(row["ok"] is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
