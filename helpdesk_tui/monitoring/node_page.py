"""A node_exporter page (Prometheus text format) read into the series we use.

Only the lines of the metrics we read reach prometheus_client's parser: a page holds one
to a few thousand lines, we need about fifty, and the parser costs ~10 µs a line.
(systemd lines with the value 0 are dropped too: each unit has five, one of them 1.)
A line the parser refuses is skipped and counted, so one bad line costs one value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

from helpdesk_tui.monitoring.series import APT_PENDING, DISK_METRICS, SYSTEMD_STATE, Series

WANTED = frozenset({
    "node_cpu_seconds_total",
    "node_memory_MemAvailable_bytes",
    "node_memory_MemTotal_bytes",
    "node_load1", "node_load5", "node_load15",
    "node_boot_time_seconds",
    "node_time_seconds",
    "node_network_receive_bytes_total",
    "node_network_transmit_bytes_total",
    *DISK_METRICS,
    SYSTEMD_STATE,
    APT_PENDING,
})  # fmt: skip
# The parser raises ValueError; the others are a guard against its future versions.
PARSE_ERRORS = (ValueError, IndexError, KeyError, TypeError)
_NAME = re.compile(r"\s*([A-Za-z_:][A-Za-z0-9_:]*)")


@dataclass(frozen=True)
class Page:
    series: list[Series]
    bad_lines: int = 0
    first_error: str = ""

    def named(self, name: str) -> list[Series]:
        return [one for one in self.series if one.name == name]


def read_page(text: str) -> Page:
    lines = [line for line in text.splitlines() if _wanted(line)]
    try:
        return Page(_parse("\n".join(lines) + "\n"))
    except PARSE_ERRORS:
        return _read_line_by_line(lines)


def _wanted(line: str) -> bool:
    found = _NAME.match(line)  # a comment or a blank line has no name
    name = found.group(1) if found else ""
    if name == SYSTEMD_STATE:
        return not line.rstrip().endswith(" 0")
    return name in WANTED


def _parse(text: str) -> list[Series]:
    return [
        Series(sample.name, sample.labels, _value(sample.value))
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]


def _value(value: float) -> float | None:
    return None if value != value else float(value)  # NaN is unknown


def _read_line_by_line(lines: list[str]) -> Page:
    series: list[Series] = []
    bad, first_error = 0, ""
    for line in lines:
        try:
            series.extend(_parse(line + "\n"))
        except PARSE_ERRORS as exc:
            bad += 1
            first_error = first_error or f"{' '.join(str(exc).split())[:120]}"
    return Page(series, bad, first_error)
