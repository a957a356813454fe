"""Benchmark: the console stays responsive while it collects server health (issue 6).

    python tests/perf/bench_collecting.py [--servers N] [--seconds S]

A real prometheus-node-exporter and a real Prometheus on 127.0.0.1 (Prometheus has N
relabelled targets of that one exporter, as in bench_health), and a demo desk with N
servers registered by their `instance` label. The console runs on a pseudo-terminal
(120x36) with its own scheduler collecting every 10 s (the shortest interval allowed),
shows the health screen (key 5: the screen that re-reads what each round writes), and
gets `j` every 50 ms for S seconds; each latency is from writing the key to the first byte
painted after it. Baseline: the same console, same keys, with collection off
(HELPDESK_HEALTH_EVERY=0). A round spans the network queries, the database write of N
samples and the pruning, all in a worker thread; rounds landing among the keys show in
the upper percentiles.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.integration.monitoring_servers import (
    EXPORTER_NAMES,
    PROMETHEUS_NAMES,
    NodeExporter,
    PrometheusServer,
    fleet_config,
)
from tests.perf import bench_console
from tests.perf.bench_console import Terminal, running
from tests.perf.bench_health import (
    COLLECTORS,
    SCRAPE_INTERVAL,
    _binary,
    _fleet,
    _wait_for_full_windows,
)
from tests.perf.figures_table import figure_row, markdown_table

COLLECT_EVERY = 10  # seconds; config.MIN_HEALTH_EVERY
GAP = 0.05
KEY = b"j"
CARDS = re.compile(rb"srv-0")  # a card of the fleet has been painted


def _desk_with_fleet(folder: Path, names: list[str]) -> Path:
    db = folder / "collecting.db"
    env = _environment(db, "", 0)
    subprocess.run([*bench_console._helpdesk(), "demo"], env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=600)  # fmt: skip
    script = (
        "import sys\n"
        "from helpdesk_tui.config import Settings\n"
        "from helpdesk_tui.cli.desk import ready_desk\n"
        "from helpdesk_tui.services.cloud import add_server\n"
        "desk = ready_desk(Settings())\n"
        "for name in sys.argv[1:]:\n"
        "    add_server(desk, '1', name, prometheus_instance=name, vendor_operated=True)\n"
    )
    subprocess.run([sys.executable, "-c", script, *names], env=env, check=True, timeout=600)
    return db


def _environment(db: Path, prometheus: str, every: int) -> dict[str, str]:
    env = bench_console._environment(db)
    env.update(HELPDESK_PROMETHEUS_URL=prometheus, HELPDESK_HEALTH_EVERY=str(every))
    return env


def _samples(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        return connection.execute("SELECT count(*) FROM health_samples").fetchone()[0]


def _keys(terminal: Terminal, seconds: float) -> list[float]:
    """Milliseconds from each key to the first paint after it, for `seconds`."""
    latencies = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        terminal.settle(GAP)
        sent = time.perf_counter()
        os.write(terminal.master, KEY)
        deadline = sent + 10.0
        while time.perf_counter() < deadline:
            if terminal.read(deadline - time.perf_counter()):
                latencies.append((terminal.last_output - sent) * 1000)
                break
        else:
            raise TimeoutError(f"no paint within 10 s of a key: {terminal.shown()}")
    return latencies


def _session(db: Path, prometheus: str, every: int, seconds: float) -> tuple[list[float], int]:
    before = _samples(db)
    with running(bench_console._helpdesk(), _environment(db, prometheus, every)) as terminal:
        terminal.wait_for(bench_console.PAINTED, bench_console.LAUNCH_TIMEOUT)
        terminal.settle(bench_console.SETTLED)
        os.write(terminal.master, b"5")
        terminal.wait_for(CARDS, 30)
        terminal.settle(bench_console.SETTLED)
        latencies = _keys(terminal, seconds)
    return latencies, _samples(db) - before


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)]


def measure(servers: int = 200, seconds: float = 60.0) -> list[dict]:
    names = _fleet(servers)
    with tempfile.TemporaryDirectory(prefix="bench-collecting-") as folder:
        exporter = NodeExporter(Path(folder), _binary(EXPORTER_NAMES), COLLECTORS).start()
        extra = fleet_config(exporter.address, names, SCRAPE_INTERVAL)
        prometheus = PrometheusServer(Path(folder), _binary(PROMETHEUS_NAMES), [], extra)
        try:
            prometheus.start()
            db = _desk_with_fleet(Path(folder), names)
            _wait_for_full_windows(prometheus, servers)
            quiet, _ = _session(db, prometheus.url, 0, seconds)
            busy, stored = _session(db, prometheus.url, COLLECT_EVERY, seconds)
        finally:
            prometheus.stop()
            exporter.stop()
            bench_console._kill_all()
    rounds = stored / servers
    rows = []
    for label, fraction in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0)):
        mine, theirs = _percentile(busy, fraction), _percentile(quiet, fraction)
        target, ok = ("< 50 ms", mine < 50) if label == "p95" else ("", None)
        rows.append(figure_row(f"`j` on the health screen, {label} of {len(busy)} keys over "
                         f"{seconds:.0f} s, collecting {servers} servers every {COLLECT_EVERY} s "
                         "(baseline: not collecting)", mine, theirs, "ms", target, ok))  # fmt: skip
    rows[0]["notes"] = [
        f"{rounds:.1f} collection rounds of {servers} servers stored during the keys "
        f"({stored:,} samples); {len(quiet)} keys in the baseline run",
        f"{os.cpu_count()} CPUs; load average (1 min) {os.getloadavg()[0]:.2f} at the end",
    ]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    print(markdown_table(measure(args.servers, args.seconds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
