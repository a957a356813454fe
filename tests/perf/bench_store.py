"""Benchmark: the store at scale (issue 2).

    python tests/perf/bench_store.py [--tickets N] [--repetitions R]

On a fresh SQLite file in a temporary folder it measures
- demo generation rate: `services.demo.generate` in this process (target >= 20 000/s);
- `helpdesk ticket list --open --json`: a real process, timed from its start until the first
  100 JSON objects have been read from its stdout (target < 1 s);
- `list_tickets(session, TicketFilter(open_only=True, limit=100))` in this process;
- the CLI start-up: `helpdesk --help`.
Timings are the median of R repetitions (default 5); the generation runs once. A perf
runner can call `measure()`, which returns one dict per figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

DEFAULT_TICKETS = 1_000_000
FIRST_ROWS = 100
DEMO_NOW = datetime.fromisoformat("2026-11-20T10:00:00+08:00")
ZONE = "Asia/Shanghai"


def _command() -> list[str]:
    """The `helpdesk` console script beside this interpreter, else `python -m helpdesk_tui`."""
    script = Path(sys.executable).with_name("helpdesk")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "helpdesk_tui"]


def _environment(folder: Path, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update(
        HELPDESK_DB=str(db),
        HELPDESK_USER="lina",
        HELPDESK_TZ=ZONE,
        HELPDESK_CONFIG=str(folder / "none.toml"),  # the developer's config stays out
    )
    return env


def _median_seconds(run: Callable[[], float], repetitions: int) -> float:
    return statistics.median(run() for _ in range(repetitions))


def generation_rate(db: Path, tickets: int, seed: int = 1) -> float:
    """Tickets per second written by `helpdesk demo`'s generator into a fresh file."""
    from helpdesk_tui.config import load_settings
    from helpdesk_tui.services.demo import generate
    from helpdesk_tui.services.desk import open_desk
    from helpdesk_tui.store.schema import upgrade

    desk = open_desk(load_settings(db=str(db), user="lina", tz=ZONE))
    upgrade(desk.store.engine)
    began = time.perf_counter()
    summary = generate(desk, tickets, seed, now=DEMO_NOW)
    elapsed = time.perf_counter() - began
    desk.store.dispose()
    assert summary.tickets == tickets
    return tickets / elapsed


def first_rows_seconds(env: dict[str, str], rows: int = FIRST_ROWS) -> float:
    """Start `helpdesk ticket list --open --json`; seconds until `rows` objects were read."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [*_command(), "ticket", "list", "--open", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    seen = 0
    try:
        opening = process.stdout.readline()
        if opening.strip() != b"[":
            raise RuntimeError(f"unexpected output {opening[:200]!r}: {process.stderr.read()!r}")
        while seen < rows:
            line = process.stdout.readline()
            if not line or line.strip() == b"]":
                break
            json.loads(line.rstrip().removesuffix(b","))
            seen += 1
        elapsed = time.perf_counter() - began
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
        process.stderr.close()
    if seen < rows:
        raise RuntimeError(f"only {seen} open tickets were listed, {rows} wanted")
    return elapsed


def query_seconds(db: Path) -> Callable[[], float]:
    """The in-process queue query for the first 100 open tickets, on one warm desk."""
    from helpdesk_tui.config import load_settings
    from helpdesk_tui.services.desk import open_desk
    from helpdesk_tui.store.queries import TicketFilter, list_tickets

    desk = open_desk(load_settings(db=str(db), user="lina", tz=ZONE))

    def run() -> float:
        began = time.perf_counter()
        with desk.store.read() as session:
            found = list(list_tickets(session, TicketFilter(open_only=True, limit=FIRST_ROWS)))
        elapsed = time.perf_counter() - began
        assert len(found) == FIRST_ROWS, len(found)
        return elapsed

    return run


def startup_seconds(env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run([*_command(), "--help"], env=env, check=True, capture_output=True)
    return time.perf_counter() - began


def _row(figure: str, value: float, unit: str, target: str, ok: bool | None, runs: int) -> dict:
    return {"figure": figure, "median": value, "unit": unit, "target": target, "ok": ok,
            "runs": runs}  # fmt: skip


def measure(tickets: int = DEFAULT_TICKETS, repetitions: int = 5) -> list[dict]:
    """One dict per figure: figure, median, unit, target, ok (None: no target), runs."""
    folder = Path(tempfile.mkdtemp(prefix="bench_store-"))
    saved = os.environ.get("HELPDESK_CONFIG")
    try:
        db = folder / "helpdesk.db"
        os.environ["HELPDESK_CONFIG"] = str(folder / "none.toml")  # for the in-process desks
        env = _environment(folder, db)
        rate = generation_rate(db, tickets)
        size_mb = sum(p.stat().st_size for p in folder.glob("helpdesk.db*")) / 1e6
        first_rows = _median_seconds(lambda: first_rows_seconds(env), repetitions)
        query = _median_seconds(query_seconds(db), repetitions)
        startup = _median_seconds(lambda: startup_seconds(env), repetitions)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if saved is None:
            os.environ.pop("HELPDESK_CONFIG", None)
        else:
            os.environ["HELPDESK_CONFIG"] = saved
    return [
        _row(f"demo generation, {tickets:,} tickets", rate, "tickets/s", ">= 20 000/s",
             rate >= 20_000, 1),
        _row("database file", size_mb, "MB", "", None, 1),
        _row(f"`ticket list --open --json`: first {FIRST_ROWS} objects read", first_rows, "s",
             "< 1 s", first_rows < 1.0, repetitions),
        _row(f"`list_tickets(open_only, limit={FIRST_ROWS})` in process", query, "s", "", None,
             repetitions),
        _row("`helpdesk --help` start-up", startup, "s", "", None, repetitions),
    ]  # fmt: skip


def _shown(row: dict) -> str:
    value, unit = row["median"], row["unit"]
    if unit == "tickets/s":
        return f"{value:,.0f} tickets/s"
    if unit == "s":
        return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:,.0f} {unit}"


def markdown_table(rows: list[dict]) -> str:
    lines = ["| figure | median | target | ok? |", "|---|---:|---|---|"]
    for row in rows:
        ok = "—" if row["ok"] is None else ("yes" if row["ok"] else "**no**")
        lines.append(f"| {row['figure']} | {_shown(row)} | {row['target'] or '—'} | {ok} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=DEFAULT_TICKETS)
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args(argv)
    rows = measure(tickets=args.tickets, repetitions=args.repetitions)
    print(
        f"store benchmark: {args.tickets:,} demo tickets in SQLite; timings are the median "
        f"of {args.repetitions} runs, the generation is one run\n"
    )
    print(markdown_table(rows))
    return 0 if all(row["ok"] is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
