"""The primary health source: Prometheus' HTTP API (`/api/v1/query`).

One collection round sends each query of `promql.queries` once for all servers, in
parallel, as a form POST (200 names do not fit a URL comfortably). A query that fails
(unreachable, timeout, HTTP error, not JSON, `status: error`, an unexpected shape) costs
only its own values: every server asked for gets one problem line saying so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import httpx

from helpdesk_tui.domain.health import ServerHealth
from helpdesk_tui.monitoring.fetch import MAX_BYTES, FetchError, fetch, new_client
from helpdesk_tui.monitoring.promql import queries
from helpdesk_tui.monitoring.series import (
    APT_PENDING,
    SYSTEMD_STATE,
    Series,
    apt_pending,
    disks,
    first_value,
    number,
    services,
)

# Missing while the server is up, these are worth a problem line; the others (peaks,
# systemd, apt) exist only where the history or the collector does.
REQUIRED = ("cpu", "memory", "load", "uptime", "disks", "net_in", "net_out")
_NAMES = {"services": SYSTEMD_STATE, "apt": APT_PENDING}


class QueryError(Exception):
    """Prometheus answered, but not with an instant vector."""


class PrometheusSource:
    def __init__(
        self,
        base_url: str,
        timeout: float = 5,
        client: httpx.Client | None = None,
        *,
        rate_window: str = "2m",
        peak_step: str = "1m",
        watched_units: str | None = None,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        """`watched_units`: a regex of systemd units reported in any state (by default
        only failed / activating / deactivating units are)."""
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.rate_window = rate_window
        self.peak_step = peak_step
        self.watched_units = watched_units
        self.max_bytes = max_bytes
        self._watched = re.compile(watched_units) if watched_units else None
        self._client = client or new_client(timeout)
        self._owns_client = client is None

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> PrometheusSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def collect(self, instances: Sequence[str], now: datetime) -> dict[str, ServerHealth]:
        """The health of each of `instances` (values of the `instance` label)."""
        wanted = list(dict.fromkeys(instances))
        if not wanted:
            return {}
        answers = self._ask_all(
            queries(wanted, self.rate_window, self.watched_units, self.peak_step)
        )
        grouped = {name: _by_instance(found) for name, found in answers.items()
                   if isinstance(found, list)}  # fmt: skip
        failed = {name: found for name, found in answers.items() if isinstance(found, str)}
        if len(failed) == len(answers) and len(set(failed.values())) == 1:
            reason = f"Prometheus: {next(iter(failed.values()))}"
            return {i: ServerHealth(i, None, now, "prometheus", problems=(reason,)) for i in wanted}
        return {i: self._health(i, grouped, failed, now) for i in wanted}

    def _ask_all(self, asked: dict[str, str]) -> dict[str, list[Series] | str]:
        with ThreadPoolExecutor(max_workers=len(asked), thread_name_prefix="promql") as pool:
            pending = {name: pool.submit(self._ask, name, query) for name, query in asked.items()}
        return {name: future.result() for name, future in pending.items()}

    def _ask(self, name: str, query: str) -> list[Series] | str:
        """The series answering `query`, or why there are none."""
        try:
            status, body = fetch(
                self._client, f"{self.base_url}/api/v1/query",
                timeout=self.timeout, max_bytes=self.max_bytes, form={"query": query},
            )  # fmt: skip
            return parse_vector(status, body, _NAMES.get(name, name))
        except (FetchError, QueryError) as exc:
            return str(exc)

    def _health(
        self,
        instance: str,
        grouped: dict[str, dict[str, list[Series]]],
        failed: dict[str, str],
        now: datetime,
    ) -> ServerHealth:
        def of(name: str) -> list[Series]:
            return grouped.get(name, {}).get(instance, [])

        up_value = first_value(of("up"))
        up = None if up_value is None else up_value == 1
        load = of("load")
        pending, security = apt_pending(of("apt"))
        return ServerHealth(
            instance=instance,
            up=up,
            collected_at=now,
            source="prometheus",
            cpu_percent=_percent(first_value(of("cpu"))),
            memory_percent=_percent(first_value(of("memory"))),
            load1=first_value(load, "node_load1"),
            load5=first_value(load, "node_load5"),
            load15=first_value(load, "node_load15"),
            uptime_seconds=first_value(of("uptime")),
            disks=disks(of("disks")),
            net_in_bps=first_value(of("net_in")),
            net_out_bps=first_value(of("net_out")),
            net_in_peak_1h=first_value(of("net_in_peak_1h")),
            net_out_peak_1h=first_value(of("net_out_peak_1h")),
            net_in_peak_24h=first_value(of("net_in_peak_24h")),
            net_out_peak_24h=first_value(of("net_out_peak_24h")),
            services=services(of("services"), self._watched),
            apt_upgrades_pending=pending,
            apt_security_pending=security,
            problems=_problems(up, failed, [n for n in REQUIRED if not of(n)]),
        )


def _problems(up: bool | None, failed: dict[str, str], missing: list[str]) -> tuple[str, ...]:
    reasons: dict[str, list[str]] = {}
    for name, reason in failed.items():
        reasons.setdefault(reason, []).append(name)
    problems = [f"{', '.join(names)}: {reason}" for reason, names in reasons.items()]
    if up is None and "up" not in failed:
        problems.append("no `up` series: not a target of this Prometheus")
    elif up is False:
        problems.append("down: Prometheus' latest scrape of it failed")
    else:
        missing = [name for name in missing if name not in failed]
        if up and missing:
            problems.append(f"no series for {', '.join(missing)}")
    return tuple(problems)


def _by_instance(found: list[Series]) -> dict[str, list[Series]]:
    grouped: dict[str, list[Series]] = {}
    for one in found:
        grouped.setdefault(one.labels.get("instance", ""), []).append(one)
    return grouped


def _percent(value: float | None) -> float | None:
    return None if value is None else min(100.0, max(0.0, value))


def parse_vector(status: int, body: bytes, default_name: str) -> list[Series]:
    """The series of an instant-vector answer; QueryError for anything else."""
    try:
        answer = json.loads(body)
    except ValueError:
        raise QueryError(f"HTTP {status}, and the answer is not JSON") from None
    if not isinstance(answer, dict):
        raise QueryError(f"HTTP {status}, and the answer is not a JSON object")
    if answer.get("status") != "success":
        error = f"{answer.get('errorType', 'error')}: {answer.get('error', '')}"
        raise QueryError(f"HTTP {status}, {_one_line(error)}")
    if status != 200:
        raise QueryError(f"HTTP {status}")
    try:
        return _vector(answer["data"], default_name)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        raise QueryError("the answer is not an instant vector") from None


def _vector(data: dict, default_name: str) -> list[Series]:
    if data["resultType"] != "vector":
        raise ValueError(data["resultType"])
    found = []
    for item in data["result"]:
        labels = {str(k): str(v) for k, v in item["metric"].items()}
        name = labels.pop("__name__", default_name)
        found.append(Series(name, labels, number(item["value"][1])))
    return found


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
