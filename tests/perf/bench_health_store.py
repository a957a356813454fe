"""Benchmark: the stored side of server health (issue 6).

    python tests/perf/bench_health_store.py [--servers N] [--repetitions R]

On a fresh SQLite file with N servers (default 200), each with 12 days of hourly samples
and 24 hours of one-minute samples before now (about 345 000 rows for 200):
- the health board (`health_board`, what the console's health screen reads): median of R
  (default 20). Baseline: the same cards read server by server (latest sample, last
  hour's series, open incidents, tickets: 4 statements per server), the way a first
  version would;
- the store step of a collection round (`store_round` on N looks made up in memory: one
  write transaction with N samples, incidents, tickets, then pruning): the rounds that
  also work out TREND_BATCH servers' capacity trends from their history (until every
  server's trend is fresh, then about N/60 a round), and the ordinary rounds, which carry
  the trends forward, median of R.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.health import DiskUse, ServerHealth, Thresholds, evaluate
from helpdesk_tui.services.desk import Desk, open_desk
from helpdesk_tui.services.health_board import health_board
from helpdesk_tui.services.health_collector import TREND_BATCH, store_round
from helpdesk_tui.services.health_records import sample_values
from helpdesk_tui.services.server_health import ServerCheck
from helpdesk_tui.store import schema
from helpdesk_tui.store.models import Customer, HealthIncident, HealthSample, Server, Ticket
from tests.perf.figures_table import figure_row, markdown_table

NOW = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
CUSTOMERS = 20


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _look(server_id: int, at: datetime, rng: random.Random) -> ServerHealth:
    disks = (DiskUse("/", "vda1", "ext4", 100.0, 55.0, 50.0),
             DiskUse("/data", "vdb1", "ext4", 1000.0, 400.0, 380.0))  # fmt: skip
    cpu = rng.uniform(5, 70) if server_id % 50 else rng.uniform(86, 99)  # a few hot ones
    return ServerHealth(f"srv-{server_id:03d}", server_id % 97 != 0, at, "prometheus",
                        cpu_percent=cpu, memory_percent=rng.uniform(30, 80), load1=cpu / 25,
                        uptime_seconds=1e6, disks=disks, net_in_bps=rng.uniform(1e5, 1e7),
                        net_out_bps=rng.uniform(1e5, 1e7), apt_upgrades_pending=3,
                        apt_security_pending=1)  # fmt: skip


def build(folder: Path, count: int) -> tuple[Desk, Clock]:
    clock = Clock(NOW)
    desk = open_desk(load_settings(db=str(folder / "bench.db"), user="bench", tz="UTC"), clock)
    schema.upgrade(desk.store.engine)
    with desk.store.write() as session:
        session.add_all(Customer(name=f"客户{n:02d}") for n in range(CUSTOMERS))
        session.flush()
        session.add_all(Server(customer_id=1 + n % CUSTOMERS, name=f"srv-{n:03d}")
                        for n in range(1, count + 1))  # fmt: skip
    rng = random.Random(6)
    instants = [NOW - timedelta(hours=h) for h in range(12 * 24 + 24, 24, -1)]
    instants += [NOW - k * MINUTE for k in range(24 * 60, 0, -1)]
    for start in range(0, len(instants), 60):
        rows = []
        for at in instants[start : start + 60]:
            for server_id in range(1, count + 1):
                health = _look(server_id, at, rng)
                rows.append(sample_values(server_id, health, evaluate(health, Thresholds())))
        with desk.store.write() as session:
            session.connection().execute(insert(HealthSample.__table__), rows)
    return desk, clock


def _median_ms(repetitions: int, run: Callable[[], object]) -> float:
    timings = []
    for _ in range(repetitions):
        began = time.perf_counter()
        run()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def board(desk: Desk) -> list:
    with desk.store.read() as session:
        return health_board(session, desk.now())


def board_server_by_server(desk: Desk) -> list:
    """The baseline: four statements per server."""
    now = desk.now()
    cards = []
    with desk.store.read() as session:
        for server in session.scalars(select(Server).where(Server.active.is_(True))):
            latest = session.scalars(
                select(HealthSample).where(HealthSample.server_id == server.id)
                .order_by(HealthSample.collected_at.desc()).limit(1)
            ).first()  # fmt: skip
            series = session.scalars(
                select(HealthSample.cpu_percent).where(
                    HealthSample.server_id == server.id,
                    HealthSample.collected_at > now - timedelta(hours=1))
                .order_by(HealthSample.collected_at)
            ).all()  # fmt: skip
            incidents = session.scalars(
                select(HealthIncident).where(HealthIncident.server_id == server.id,
                                             HealthIncident.cleared_at.is_(None))
            ).all()  # fmt: skip
            tickets = session.scalars(
                select(Ticket.id).join(HealthIncident, HealthIncident.ticket_id == Ticket.id)
                .where(HealthIncident.server_id == server.id, Ticket.is_open.is_(True))
            ).all()  # fmt: skip
            cards.append((server, latest, series, incidents, tickets))
    return cards


def one_round(desk: Desk, clock: Clock, count: int, rng: random.Random) -> None:
    clock.at += MINUTE
    checks = []
    for server_id in range(1, count + 1):
        health = _look(server_id, clock.at, rng)
        checks.append(ServerCheck(server_id, f"srv-{server_id:03d}", "客户",
                                  health, tuple(evaluate(health, Thresholds()))))  # fmt: skip
    store_round(desk, checks)


def measure(count: int = 200, repetitions: int = 20) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="helpdesk-bench-health-") as folder:
        began = time.perf_counter()
        desk, clock = build(Path(folder), count)
        built = time.perf_counter() - began
        with desk.store.read() as session:
            rows = session.query(HealthSample).count()
        notes = [f"{rows:,} samples of {count} servers made in {built:.1f} s"]
        board(desk)  # warm the page cache, as a console that has been open a while
        ours = _median_ms(repetitions, lambda: board(desk))
        baseline = _median_ms(max(3, repetitions // 4), lambda: board_server_by_server(desk))
        rng = random.Random(7)
        catching_up = -(-count // TREND_BATCH)  # rounds until every trend is worked out
        with_trends = _median_ms(catching_up, lambda: one_round(desk, clock, count, rng))
        steady = _median_ms(repetitions, lambda: one_round(desk, clock, count, rng))
        board_after = _median_ms(repetitions, lambda: board(desk))
        desk.store.dispose()
    return [
        figure_row(f"health board, {count} servers with 24 h of samples, median of {repetitions}",
             ours, baseline, "ms", "< 100 ms", ours < 100, notes),
        figure_row(f"collection round store step, {count} servers, {TREND_BATCH} of them also work "
             f"out their capacity trend from 13 days (the {catching_up} rounds after a start; "
             f"then about {max(1, count // 60)} a round), median", with_trends, None, "ms",
             "< 1 s", with_trends < 1000),
        figure_row(f"collection round store step, {count} servers, median of {repetitions}",
             steady, None, "ms", "< 1 s (a round a minute)", steady < 1000),
        figure_row(f"health board after those rounds (incidents and tickets open), median of "
             f"{repetitions}", board_after, None, "ms", "< 100 ms", board_after < 100),
    ]  # fmt: skip


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=200)
    parser.add_argument("--repetitions", type=int, default=20)
    args = parser.parse_args(argv)
    print(markdown_table(measure(args.servers, args.repetitions)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
