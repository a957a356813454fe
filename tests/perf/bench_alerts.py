"""Benchmark: deadline alerts (issue 4).

    python tests/perf/bench_alerts.py [--tickets N] [--repetitions R] [--latency-tickets M]

- sweep cost: on a copy of the console benchmark's database (N tickets, default 1 000 000,
  about 10 % open), alert timers are added for every open ticket as `helpdesk demo` does;
  then (a) the first sweep settles them all (what an upgrade or an import costs once), and
  (b) steady sweeps with 0, 10 and 100 timers due, each the median of R (default 7),
  against the same on the 100 000-ticket database: the ratio shows the sweep costs
  O(due alerts), not O(tickets);
- alert latency: `helpdesk daemon` processes (one, then four) on a fresh SQLite file with
  an SLA policy of seconds, M urgent tickets (default 40) opened 0.2 s apart, a generic
  JSON webhook on 127.0.0.1: latency = arrival at the webhook - the alert's moment; p50
  and p99 over every alert (4 per ticket).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from tests.integration.webhook_sink import WebhookSink
from tests.perf.bench_console import _percentile, demo_database
from tests.perf.figures_table import figure_row, markdown_table

ZONE = "Asia/Shanghai"
RESPONSE_HOURS = 0.002  # urgent response in 7.2 s: moments at 3.6, 5.4, 6.48 and 7.2 s
POLICY = f"""
warn_percents = [50, 75, 90]
breach_repeat_minutes = 600
[urgent]
response_hours = {RESPONSE_HOURS}
fix_hours = 24
"""


def _desk(db: str, clock=None):
    from helpdesk_tui.config import load_settings
    from helpdesk_tui.services.desk import open_desk, utc_now

    settings = load_settings(db=db, user="bench", tz=ZONE)
    return open_desk(settings, clock=clock or utc_now)


# -- sweep cost -------------------------------------------------------------------------


def _with_timers(source: Path, folder: Path) -> Path:
    from helpdesk_tui.services.demo import _add_alert_timers
    from helpdesk_tui.store.models import AlertTimer

    copy = folder / source.name
    shutil.copyfile(source, copy)
    desk = _desk(str(copy))
    with desk.store.write() as session:
        session.execute(AlertTimer.__table__.delete())
        _add_alert_timers(session, 1, datetime.now(UTC))
    desk.store.dispose()
    return copy


def _settle(db: Path) -> tuple[float, int]:
    from helpdesk_tui.services import alerts

    desk = _desk(str(db))
    began, settled = time.perf_counter(), 0
    while True:
        claimed = alerts.sweep(desk, "bench", batch=alerts.BATCH)
        alerts.deliver(desk, "bench", claimed, lambda message: "bench")
        settled += 1
        with desk.store.read() as session:
            if not session.scalar(_due_query(datetime.now(UTC)).limit(1)):
                break
    desk.store.dispose()
    return time.perf_counter() - began, settled


def _due_query(now: datetime):
    from helpdesk_tui.store.models import AlertTimer

    return select(AlertTimer.id).where(AlertTimer.next_at <= now)


def _steady(db: Path, due: int, repetitions: int) -> float:
    """Median ms of sweeps that find exactly `due` timers due (the clock is set so)."""
    from helpdesk_tui.services import alerts
    from helpdesk_tui.store.models import AlertTimer

    clock = {"now": datetime.now(UTC)}
    desk = _desk(str(db), clock=lambda: clock["now"])
    with desk.store.read() as session:
        upcoming = list(session.scalars(
            select(AlertTimer.next_at).where(AlertTimer.next_at > clock["now"])
            .order_by(AlertTimer.next_at).limit((due + 1) * repetitions + 1)
        ))  # fmt: skip
    timings, position = [], 0
    for _ in range(repetitions):
        if due:
            position += due
            clock["now"] = upcoming[position - 1]
        else:
            clock["now"] = upcoming[position] - timedelta(microseconds=1)
        began = time.perf_counter()
        claimed = alerts.sweep(desk, "bench")
        timings.append((time.perf_counter() - began) * 1000)
        alerts.deliver(desk, "bench", claimed, lambda message: "bench")
    desk.store.dispose()
    return statistics.median(timings)


def sweep_rows(tickets: int, repetitions: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-alerts-") as folder:
        big = _with_timers(demo_database(tickets), Path(folder))
        seconds, batches = _settle(big)
        small = _with_timers(demo_database(tickets // 10), Path(folder))
        small_seconds, _ = _settle(small)
        figure = f"first sweep settling every open ticket's timers ({tickets:,} tickets)"
        rows.append(figure_row(figure,
                         seconds, small_seconds, "s", "", None,
                         notes=[f"{batches} batches of up to 500; baseline: {tickets // 10:,}"
                                " tickets"]))  # fmt: skip
        for due in (0, 10, 100):
            mine = _steady(big, due, repetitions)
            theirs = _steady(small, due, repetitions)
            rows.append(figure_row(f"steady sweep, {due} due, {tickets:,} tickets (baseline: "
                             f"{tickets // 10:,}), median of {repetitions}", mine, theirs, "ms",
                             "O(due)", mine < 3 * theirs + 5))  # fmt: skip
    return rows


# -- latency ------------------------------------------------------------------------------


def _latencies(daemons: int, tickets: int) -> list[float]:
    from helpdesk_tui.domain.channel import Channel
    from helpdesk_tui.domain.severity import Severity
    from helpdesk_tui.services import tickets as use
    from helpdesk_tui.services.directory import add_customer
    from helpdesk_tui.store import schema
    from helpdesk_tui.store.models import AlertClaim

    with tempfile.TemporaryDirectory(prefix="bench-latency-") as folder, WebhookSink() as sink:
        folder = Path(folder)
        (folder / "policy.toml").write_text(POLICY, encoding="utf-8")
        (folder / "config.toml").write_text(
            f'[notifiers]\n[[notifiers.webhooks]]\nname = "bench"\nkind = "json"\n'
            f'url = "{sink.url}"\n', encoding="utf-8")  # fmt: skip
        db = str(folder / "desk.db")
        env = os.environ | {"HELPDESK_DB": db, "HELPDESK_USER": "daemon", "HELPDESK_TZ": ZONE,
                            "HELPDESK_CONFIG": str(folder / "config.toml"),
                            "HELPDESK_SLA_POLICY": str(folder / "policy.toml")}  # fmt: skip
        os.environ.update({k: v for k, v in env.items() if k != "HELPDESK_DB"})
        desk = _desk(db)
        schema.upgrade(desk.store.engine)
        add_customer(desk, "杭州人民医院")
        argv = [sys.executable, "-m", "helpdesk_tui", "daemon", "--sweep-seconds", "30"]
        running = [subprocess.Popen(argv, env=env, stderr=subprocess.DEVNULL)
                   for _ in range(daemons)]  # fmt: skip
        try:
            time.sleep(2.0)  # let them start: the first moment must not precede a daemon
            for n in range(tickets):
                request = use.NewTicket(
                    customer="人民医院",
                    title=f"bench {n}",
                    severity=Severity.URGENT,
                    channel=Channel.MONITORING,
                )
                use.new_ticket(desk, request)
                time.sleep(0.2)
            if not sink.wait_for(4 * tickets, timeout=120):
                raise RuntimeError(f"only {len(sink.received)} of {4 * tickets} alerts arrived")
        finally:
            for process in running:
                process.send_signal(signal.SIGTERM)
            for process in running:
                process.wait(timeout=30)
        with desk.store.read() as session:
            due = dict(session.execute(select(AlertClaim.id, AlertClaim.due_at)).all())
        desk.store.dispose()
        ids = sink.alert_ids()
        if len(ids) != len(set(ids)):
            raise RuntimeError("an alert was delivered twice")
        return sorted(
            (arrived - due[body["alert_id"]].timestamp()) * 1000 for arrived, body in sink.received
        )


def latency_rows(tickets: int) -> list[dict]:
    rows = []
    for daemons in (1, 4):
        found = _latencies(daemons, tickets)
        p50, p99 = _percentile(found, 0.5), _percentile(found, 0.99)
        label = f"{daemons} daemon{'s' if daemons > 1 else ''}, {len(found)} alerts"
        rows.append(figure_row(f"alert latency p50, {label}", p50, None, "ms", "", None))
        rows.append(figure_row(f"alert latency p99, {label}", p99, None, "ms", "< 1 000 ms",
                         p99 < 1000))  # fmt: skip
    return rows


def measure(tickets: int = 1_000_000, repetitions: int = 7, latency_tickets: int = 40) -> list:
    return sweep_rows(tickets, repetitions) + latency_rows(latency_tickets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--latency-tickets", type=int, default=40)
    args = parser.parse_args(argv)
    print(markdown_table(measure(args.tickets, args.repetitions, args.latency_tickets)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
