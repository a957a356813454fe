"""The console's own host, through psutil (no exporter needed).

Non-blocking: CPU and network rates come from this source's previous call (see
counters.py), never from sleeping; the first call has none. Services and apt are not
read here (None / empty): they come from the exporter's systemd and textfile collectors.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar

import psutil

from helpdesk_tui.domain.health import DiskUse, ServerHealth, is_counted_interface, is_server_disk
from helpdesk_tui.monitoring.counters import CPU_ALL, CPU_IDLE, NET_IN, NET_OUT, CounterMemory

T = TypeVar("T")
# Guest time is already counted in user / nice (as node_exporter does, leave it out).
_NOT_CPU_MODES = {"guest", "guest_nice"}


class LocalSource:
    def __init__(self, instance: str | None = None) -> None:
        self.instance = instance or socket.gethostname()
        self._memory = CounterMemory()

    def collect(self, now: datetime) -> ServerHealth:
        problems: list[str] = []

        def read(what: str, call: Callable[[], T]) -> T | None:
            try:
                return call()
            except (psutil.Error, OSError, ValueError) as exc:
                problems.append(f"{what}: {' '.join(str(exc).split()) or type(exc).__name__}")
                return None

        counters = {**(read("CPU", _cpu_counters) or {}), **(read("network", _net_counters) or {})}
        rates = self._memory.rates(self.instance, now, counters)
        memory = read("memory", psutil.virtual_memory)
        load = read("load", os.getloadavg) or (None, None, None)
        booted = read("uptime", psutil.boot_time)
        health = ServerHealth(
            instance=self.instance,
            up=True,
            collected_at=now,
            source="local",
            cpu_percent=rates.cpu_percent,
            memory_percent=_memory_percent(memory),
            load1=load[0],
            load5=load[1],
            load15=load[2],
            uptime_seconds=now.timestamp() - booted if booted is not None else None,
            disks=_disks(read),
            net_in_bps=rates.net_in_bps,
            net_out_bps=rates.net_out_bps,
            net_in_peak_1h=rates.net_in_peak_1h,
            net_out_peak_1h=rates.net_out_peak_1h,
            net_in_peak_24h=rates.net_in_peak_24h,
            net_out_peak_24h=rates.net_out_peak_24h,
        )
        if rates.problem:
            problems.append(rates.problem)
        return replace(health, problems=tuple(problems))


def _memory_percent(memory: Any) -> float | None:
    """Unrounded (psutil rounds its `percent`), as 1 - MemAvailable / MemTotal."""
    if memory is None or not memory.total:
        return None
    return 100.0 * (memory.total - memory.available) / memory.total


def _cpu_counters() -> dict[str, dict[str, float]]:
    idle, every = {}, {}
    for cpu, times in enumerate(psutil.cpu_times(percpu=True)):
        modes = times._asdict()
        idle[str(cpu)] = modes["idle"]
        for mode, seconds in modes.items():
            if mode not in _NOT_CPU_MODES:
                every[f"{cpu}/{mode}"] = seconds
    return {CPU_IDLE: idle, CPU_ALL: every}


def _net_counters() -> dict[str, dict[str, float]]:
    nics = psutil.net_io_counters(pernic=True)
    counted = {name: io for name, io in nics.items() if is_counted_interface(name)}
    return {
        NET_IN: {name: io.bytes_recv for name, io in counted.items()},
        NET_OUT: {name: io.bytes_sent for name, io in counted.items()},
    }


def _disks(read: Callable[[str, Callable[[], T]], T | None]) -> tuple[DiskUse, ...]:
    partitions = read("disks", lambda: psutil.disk_partitions(all=False)) or []
    found = {}
    for part in partitions:
        if part.mountpoint in found or not is_server_disk(part.fstype):
            continue
        usage = read(f"disk {part.mountpoint}", lambda p=part: psutil.disk_usage(p.mountpoint))
        if usage is not None:
            # psutil's `free` is what df calls Avail; its `used` leaves out reserved blocks
            found[part.mountpoint] = DiskUse(
                part.mountpoint, part.device, part.fstype,
                size_bytes=usage.total, free_bytes=usage.total - usage.used,
                avail_bytes=usage.free,
            )  # fmt: skip
    return tuple(found[mount] for mount in sorted(found))
