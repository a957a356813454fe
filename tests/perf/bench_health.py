"""Benchmark: one server-health collection round for a fleet (issue 6).

    python tests/perf/bench_health.py [--servers N] [--rounds R]

- through Prometheus: one real prometheus-node-exporter and one real Prometheus, both on
  127.0.0.1. Prometheus' job `fleet` has N static targets (default 200) named srv-001 …,
  each relabelled to scrape that one exporter under its own `instance` label: N servers'
  worth of real series in a real TSDB, from one machine. Once every target has a full
  rate window, a round is `PrometheusSource.collect(all N)` (one query per metric, in
  parallel); the figure is the median of R rounds (default 5). Baseline: the same servers
  asked one by one (`collect([one])` N times), the way a per-server dashboard asks.
  (That exporter runs the few collectors the tests use: N targets every 5 s is a lot of
  scraping for one machine.)
- direct scraping: `ScrapeSource.collect` of N instances that all map to one exporter
  with its default collectors (a production-sized page; N real scrapes and parses), a
  pool of 16; the first round only primes the counters, then the median of R rounds.
  Baseline: the same with one scrape at a time. Over loopback a scrape has no network
  latency, so the pool gains less here than across a real network.
- local: `LocalSource.collect` (psutil), median of R.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from helpdesk_tui.monitoring.local import LocalSource
from helpdesk_tui.monitoring.node_exporter import ScrapeSource
from helpdesk_tui.monitoring.prometheus import PrometheusSource
from tests.integration.monitoring_servers import (
    APT_PROM,
    COLLECTORS,
    EXPORTER_NAMES,
    PROMETHEUS_NAMES,
    SYSTEMD_PROM,
    NodeExporter,
    PrometheusServer,
    find_binary,
    fleet_config,
    http_get,
)
from tests.perf.figures_table import figure_row, markdown_table

SCRAPE_INTERVAL = "5s"
RATE_WINDOW = "30s"  # six scrapes: a full window is reached 30 s after the start
WARM_UP_TIMEOUT = 180.0


def _now() -> datetime:
    return datetime.now(UTC)


def _median_ms(rounds: int, run: Callable[[], object]) -> float:
    timings = []
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def _binary(names: tuple[str, ...]) -> str:
    found = find_binary(names)
    if found is None:
        raise RuntimeError(f"{names[0]} is not installed")
    return found


def _fleet(count: int) -> list[str]:
    return [f"srv-{n:03d}" for n in range(1, count + 1)]


def _wait_for_full_windows(server: PrometheusServer, count: int) -> None:
    full = f'count(count_over_time(up{{job="fleet"}}[{RATE_WINDOW}]) >= 6)'
    server.wait_for(
        lambda: any(float(r["value"][1]) >= count for r in server.query(full)),
        f"a full {RATE_WINDOW} rate window for {count} targets",
        timeout=WARM_UP_TIMEOUT,
    )


def _check(found: dict, count: int) -> None:
    healthy = [h for h in found.values() if h.up and h.cpu_percent is not None]
    if len(healthy) != count:
        sick = next(h for h in found.values() if not (h.up and h.cpu_percent is not None))
        raise RuntimeError(f"only {len(healthy)} of {count} healthy; e.g. {sick}")


def prometheus_rows(exporter: NodeExporter, folder: Path, count: int, rounds: int) -> list:
    names = _fleet(count)
    extra = fleet_config(exporter.address, names, SCRAPE_INTERVAL)
    server = PrometheusServer(folder, _binary(PROMETHEUS_NAMES), [], extra).start()
    try:
        _wait_for_full_windows(server, count)
        with PrometheusSource(server.url, rate_window=RATE_WINDOW) as source:
            _check(source.collect(names, _now()), count)
            ours = _median_ms(rounds, lambda: source.collect(names, _now()))
            one_by_one = _median_ms(
                max(1, rounds // 2), lambda: [source.collect([n], _now()) for n in names]
            )
    finally:
        server.stop()
    return [figure_row(f"through Prometheus, {count} servers, one query per metric (baseline: one "
                 f"server at a time), median of {rounds}", ours, one_by_one, "ms",
                 "< 1 000 ms", ours < 1000,
                 notes=[f"Prometheus: {count} relabelled targets of one node_exporter, scraped "
                        f"every {SCRAPE_INTERVAL}; its TSDB is minutes old, so the 24 h peak "
                        "subqueries scan less history than in production"])]  # fmt: skip


def scrape_rows(exporter: NodeExporter, count: int, rounds: int) -> list:
    names = _fleet(count)
    urls = {name: exporter.url for name in names}
    rows = []
    with ScrapeSource(timeout=5, urls=urls) as pooled, \
            ScrapeSource(timeout=5, urls=urls, max_workers=1) as serial:  # fmt: skip
        pooled.collect(names, _now())  # primes the counters
        serial.collect(names, _now())
        time.sleep(1)
        _check(pooled.collect(names, _now()), count)
        ours = _median_ms(rounds, lambda: pooled.collect(names, _now()))
        one_at_a_time = _median_ms(max(1, rounds // 2), lambda: serial.collect(names, _now()))
    page = http_get(exporter.url)[1]
    lines = page.count(b"\n")
    rows.append(figure_row(f"direct scraping, {count} servers, {pooled.max_workers} at a time "
                     f"(baseline: one at a time), median of {rounds}", ours, one_at_a_time,
                     "ms", "< 5 000 ms", ours < 5000,
                     notes=[f"the exporter's page: {len(page) / 1024:.0f} KB, "
                            f"{lines:,} lines (the default collectors)"]))  # fmt: skip
    return rows


def local_rows(rounds: int) -> list:
    source = LocalSource()
    source.collect(_now())
    ours = _median_ms(rounds, lambda: source.collect(_now()))
    return [figure_row(f"this host through psutil, median of {rounds}", ours, None, "ms", "< 50 ms",
                 ours < 50)]  # fmt: skip


def _exporter(folder: Path, collectors: tuple[str, ...] | None) -> NodeExporter:
    exporter = NodeExporter(folder, _binary(EXPORTER_NAMES), collectors)
    exporter.write_textfile("apt.prom", APT_PROM)
    exporter.write_textfile("systemd.prom", SYSTEMD_PROM)
    return exporter.start()


def measure(servers: int = 200, rounds: int = 5) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-health-") as folder:
        lean = _exporter(Path(folder), COLLECTORS)
        try:
            rows = prometheus_rows(lean, Path(folder), servers, rounds)
        finally:
            lean.stop()
        full = _exporter(Path(folder), None)
        try:
            rows += scrape_rows(full, servers, rounds)
        finally:
            full.stop()
    return rows + local_rows(rounds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    print(markdown_table(measure(args.servers, args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
