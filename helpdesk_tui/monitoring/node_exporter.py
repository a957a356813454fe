"""The fallback health source: scraping each server's node_exporter page directly.

Each round scrapes the servers concurrently (a bounded pool), each scrape bounded in time
and size. CPU and network rates come from the previous scrape of the same server, which
the source remembers (see counters.py): the first scrape of a server has none.

`up` follows Prometheus' meaning: False when the scrape failed (no connection, timeout,
HTTP error, too big) or the answer held no node_exporter series at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime

import httpx

from helpdesk_tui.domain.health import ServerHealth, is_counted_interface
from helpdesk_tui.monitoring.counters import CPU_ALL, CPU_IDLE, NET_IN, NET_OUT, CounterMemory
from helpdesk_tui.monitoring.fetch import MAX_BYTES, FetchError, fetch, new_client
from helpdesk_tui.monitoring.node_page import Page, read_page
from helpdesk_tui.monitoring.series import apt_pending, disks, first_value, services

MAX_WORKERS = 16


class ScrapeSource:
    def __init__(
        self,
        timeout: float = 5,
        *,
        urls: Mapping[str, str] | None = None,
        max_workers: int = MAX_WORKERS,
        max_bytes: int = MAX_BYTES,
        watched_units: str | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        """`urls` maps an instance to its page when that is not `http://INSTANCE/metrics`."""
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_workers = max(1, max_workers)
        self._urls = dict(urls or {})
        self._watched = re.compile(watched_units) if watched_units else None
        self._memory = CounterMemory()
        self._client = client or new_client(timeout)
        self._owns_client = client is None

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> ScrapeSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_urls(self, urls: Mapping[str, str]) -> None:
        """The pages of this round (servers come and go); counters stay remembered."""
        self._urls = dict(urls)

    def url_of(self, instance: str) -> str:
        return self._urls.get(instance) or f"http://{instance}/metrics"

    def collect(self, instances: Sequence[str], now: datetime) -> dict[str, ServerHealth]:
        wanted = list(dict.fromkeys(instances))
        workers = min(self.max_workers, len(wanted)) or 1
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scrape") as pool:
            found = list(pool.map(lambda instance: self.scrape(instance, now), wanted))
        return dict(zip(wanted, found, strict=True))

    def scrape(self, instance: str, now: datetime) -> ServerHealth:
        """One server's health from one scrape of its page."""
        try:
            status, body = fetch(
                self._client, self.url_of(instance), timeout=self.timeout, max_bytes=self.max_bytes
            )
        except FetchError as exc:
            return _down(instance, now, f"scrape failed: {exc}")
        if status != 200:
            return _down(instance, now, f"scrape failed: HTTP {status}")
        page = read_page(body.decode("utf-8", errors="replace"))
        if not page.series:
            return _down(instance, now, _nothing_read(page))
        return self._health(instance, page, now)

    def _health(self, instance: str, page: Page, now: datetime) -> ServerHealth:
        rates = self._memory.rates(instance, now, _counters(page))
        available = first_value(page.named("node_memory_MemAvailable_bytes"))
        total = first_value(page.named("node_memory_MemTotal_bytes"))
        pending, security = apt_pending(page.series)
        health = ServerHealth(
            instance=instance,
            up=True,
            collected_at=now,
            source="scrape",
            cpu_percent=rates.cpu_percent,
            memory_percent=_used_percent(available, total),
            load1=first_value(page.series, "node_load1"),
            load5=first_value(page.series, "node_load5"),
            load15=first_value(page.series, "node_load15"),
            uptime_seconds=_uptime(page, now),
            disks=disks(page.series),
            net_in_bps=rates.net_in_bps,
            net_out_bps=rates.net_out_bps,
            net_in_peak_1h=rates.net_in_peak_1h,
            net_out_peak_1h=rates.net_out_peak_1h,
            net_in_peak_24h=rates.net_in_peak_24h,
            net_out_peak_24h=rates.net_out_peak_24h,
            services=services(page.series, self._watched),
            apt_upgrades_pending=pending,
            apt_security_pending=security,
        )
        return _with_problems(health, page, rates.problem)


def _down(instance: str, now: datetime, problem: str) -> ServerHealth:
    return ServerHealth(instance, False, now, "scrape", problems=(problem,))


def _nothing_read(page: Page) -> str:
    if page.bad_lines:
        return f"unreadable page: {page.bad_lines} bad lines (first: {page.first_error})"
    return "no node_exporter metrics in the answer"


def _counters(page: Page) -> dict[str, dict[str, float]]:
    groups: dict[str, dict[str, float]] = {CPU_IDLE: {}, CPU_ALL: {}, NET_IN: {}, NET_OUT: {}}
    for one in page.named("node_cpu_seconds_total"):
        if one.value is None:
            continue
        cpu, mode = one.labels.get("cpu", ""), one.labels.get("mode", "")
        groups[CPU_ALL][f"{cpu}/{mode}"] = one.value
        if mode == "idle":
            groups[CPU_IDLE][cpu] = one.value
    for name, group in (("node_network_receive_bytes_total", NET_IN),
                        ("node_network_transmit_bytes_total", NET_OUT)):  # fmt: skip
        for one in page.named(name):
            device = one.labels.get("device", "")
            if one.value is not None and is_counted_interface(device):
                groups[group][device] = one.value
    return {group: series for group, series in groups.items() if series}


def _used_percent(available: float | None, total: float | None) -> float | None:
    if available is None or not total:
        return None
    return min(100.0, max(0.0, 100.0 * (1 - available / total)))


def _uptime(page: Page, now: datetime) -> float | None:
    """From the server's own clock when the page has it (node_time_seconds): clock skew
    between the console and the server does not count."""
    booted = first_value(page.series, "node_boot_time_seconds")
    if booted is None:
        return None
    clock = first_value(page.series, "node_time_seconds")
    return (clock if clock is not None else now.timestamp()) - booted


_REQUIRED = {
    "CPU": "node_cpu_seconds_total",
    "memory": "node_memory_MemTotal_bytes",
    "load": "node_load1",
    "uptime": "node_boot_time_seconds",
    "disks": "node_filesystem_size_bytes",
    "network": "node_network_receive_bytes_total",
}


def _with_problems(health: ServerHealth, page: Page, rate_problem: str | None) -> ServerHealth:
    present = {one.name for one in page.series}
    problems = []
    missing = [label for label, name in _REQUIRED.items() if name not in present]
    if missing:
        problems.append(f"no series for {', '.join(missing)}")
    if page.bad_lines:
        problems.append(f"{page.bad_lines} unreadable lines skipped (first: {page.first_error})")
    if rate_problem:
        problems.append(rate_problem)
    if not problems:
        return health
    return replace(health, problems=tuple(problems))
