"""Benchmark: SLA deadlines computed per second on the 24x7 and cn-office calendars.

Run it with `python tests/perf/bench_calendar.py`; a perf runner can call `measure()`.
Each run parses a fresh calendar, so its per-date cache starts cold (the process-wide
cache of official Chinese holidays is warm after the first run).
"""

from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from helpdesk_tui.domain.calendar import WorkCalendar, parse_calendar_toml

CALENDARS = ("24x7", "cn-office")
CALENDARS_DIR = Path(__file__).resolve().parents[2] / "data" / "calendars"
TARGETS = {"1h": [1], "24h": [24], "72h": [72], "mixed": [1, 24, 72]}
DEADLINES_PER_RUN = 10_000
FIRST_START = datetime(2024, 1, 1, tzinfo=UTC)
START_RANGE_SECONDS = 3 * 365 * 24 * 3600


def load_calendar(name: str) -> WorkCalendar:
    text = (CALENDARS_DIR / f"{name}.toml").read_text(encoding="utf-8")
    return parse_calendar_toml(text, default_timezone="Asia/Shanghai")


def workload(target_hours: list[int], seed: int = 2026) -> list[tuple[datetime, timedelta]]:
    """Random report instants (2024-2026) with one of the given targets each."""
    rng = random.Random(seed)
    return [
        (
            FIRST_START + timedelta(seconds=rng.randrange(START_RANGE_SECONDS)),
            timedelta(hours=rng.choice(target_hours)),
        )
        for _ in range(DEADLINES_PER_RUN)
    ]


def deadlines_per_second(calendar_name: str, jobs: list[tuple[datetime, timedelta]]) -> float:
    calendar = load_calendar(calendar_name)
    began = time.perf_counter()
    for start, target in jobs:
        calendar.add(start, target)
    return len(jobs) / (time.perf_counter() - began)


def measure(repetitions: int = 5) -> list[dict]:
    """One row per target: median deadlines/s on 24x7 and cn-office, and their ratio."""
    jobs = {target: workload(hours) for target, hours in TARGETS.items()}
    rates: dict[tuple[str, str], list[float]] = defaultdict(list)
    # Interleaved, so that a noisy neighbour slows both calendars alike.
    for _ in range(repetitions):
        for target, target_jobs in jobs.items():
            for calendar_name in CALENDARS:
                rates[target, calendar_name].append(
                    deadlines_per_second(calendar_name, target_jobs)
                )
    rows = []
    for target, target_jobs in jobs.items():
        always_on_rate = statistics.median(rates[target, "24x7"])
        cn_office_rate = statistics.median(rates[target, "cn-office"])
        rows.append(
            {
                "benchmark": "calendar.add",
                "target": target,
                "deadlines": len(target_jobs),
                "repetitions": repetitions,
                "always_on_per_s": round(always_on_rate),
                "cn_office_per_s": round(cn_office_rate),
                "ratio": round(always_on_rate / cn_office_rate, 1),
            }
        )
    return rows


def markdown_table(rows: list[dict]) -> str:
    lines = [
        "| target | 24x7 deadlines/s | cn-office deadlines/s | 24x7 ÷ cn-office |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {row['target']} | {row['always_on_per_s']:,} | {row['cn_office_per_s']:,} "
        f"| {row['ratio']}x |"
        for row in rows
    ]
    return "\n".join(lines)


def main() -> None:
    repetitions = 5
    rows = measure(repetitions)
    print(f"calendar.add: {DEADLINES_PER_RUN:,} deadlines per run, median of {repetitions} runs\n")
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
