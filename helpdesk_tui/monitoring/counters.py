"""What a polling source (scrape, local) remembers per server between collection rounds:
the previous counter readings, to turn counters into rates, and the network rates of the
last 24 hours, to tell peaks.

Scraped peaks are the highest rate between two consecutive collections that this process
saw in the window (Prometheus' are per-minute rates over its whole history).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from helpdesk_tui.domain.health import counter_increase, cpu_busy_percent, peak_since

# A reading: group -> series -> counter value; the groups used are below.
Counters = Mapping[str, Mapping[str, float]]
CPU_IDLE, CPU_ALL, NET_IN, NET_OUT = "cpu_idle", "cpu_all", "net_in", "net_out"
FIRST_SAMPLE = "first sample: CPU and network rates need a second collection"
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@dataclass(frozen=True)
class Rates:
    cpu_percent: float | None = None
    net_in_bps: float | None = None
    net_out_bps: float | None = None
    net_in_peak_1h: float | None = None
    net_out_peak_1h: float | None = None
    net_in_peak_24h: float | None = None
    net_out_peak_24h: float | None = None
    problem: str | None = None


class CounterMemory:
    """Thread-safe: one source may collect several servers at once."""

    def __init__(self) -> None:
        self._previous: dict[str, tuple[datetime, Counters]] = {}
        self._net: dict[str, deque[tuple[datetime, float | None, float | None]]] = {}
        self._lock = threading.Lock()

    def rates(self, instance: str, now: datetime, reading: Counters) -> Rates:
        """Rates since this server's previous reading; the reading becomes the previous."""
        with self._lock:
            previous = self._previous.get(instance)
            self._previous[instance] = (now, reading)
        if previous is None:
            return Rates(problem=FIRST_SAMPLE)
        seconds = (now - previous[0]).total_seconds()
        if seconds <= 0:
            return Rates(problem="no time passed since the previous sample")
        increases, reset = _increases(previous[1], reading)
        net_in = _per_second(increases, NET_IN, seconds)
        net_out = _per_second(increases, NET_OUT, seconds)
        history = self._remember(instance, now, net_in, net_out)
        return Rates(
            cpu_percent=_cpu(increases),
            net_in_bps=net_in,
            net_out_bps=net_out,
            net_in_peak_1h=peak_since(((at, i) for at, i, _ in history), now - HOUR),
            net_out_peak_1h=peak_since(((at, o) for at, _, o in history), now - HOUR),
            net_in_peak_24h=peak_since(((at, i) for at, i, _ in history), now - DAY),
            net_out_peak_24h=peak_since(((at, o) for at, _, o in history), now - DAY),
            problem="counters went back since the previous sample (a restart?)" if reset else None,
        )

    def _remember(
        self, instance: str, now: datetime, net_in: float | None, net_out: float | None
    ) -> list[tuple[datetime, float | None, float | None]]:
        with self._lock:
            history = self._net.setdefault(instance, deque())
            history.append((now, net_in, net_out))
            while history and history[0][0] < now - DAY:
                history.popleft()
            return list(history)


def _increases(earlier: Counters, later: Counters) -> tuple[dict[str, float], bool]:
    """Per group, the summed increase of the series read both times (a series seen for the
    first time has no increase yet); and whether any counter was reset."""
    increases: dict[str, float] = {}
    reset = False
    for group, series in later.items():
        before = earlier.get(group, {})
        common = [key for key in series if key in before]
        if not common:
            continue
        total = 0.0
        for key in common:
            increase, was_reset = counter_increase(before[key], series[key])
            total += increase
            reset = reset or was_reset
        increases[group] = total
    return increases, reset


def _per_second(increases: dict[str, float], group: str, seconds: float) -> float | None:
    return increases[group] / seconds if group in increases else None


def _cpu(increases: dict[str, float]) -> float | None:
    if CPU_IDLE not in increases or CPU_ALL not in increases:
        return None
    return cpu_busy_percent(increases[CPU_IDLE], increases[CPU_ALL])
