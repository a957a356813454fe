"""The PromQL that PrometheusSource sends: one query per metric, for every server at once.

Servers are picked by their `instance` label with one anchored regex alternation
(`instance=~"a|b|c"`), each name escaped for RE2 and the whole written as a PromQL string.
Rates use `rate_window`: it must hold at least two scrapes (4x the scrape interval is the
usual advice); like every PromQL rate(), a series younger than the window reads low until
the window is full. Network peaks are the highest value of the summed rate sampled every
`peak_step` (a minute) over the last hour / day: a `[1h:1m]` subquery, so no recording rule
is needed; they appear once a step boundary has passed with data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from helpdesk_tui.domain.health import PSEUDO_FILESYSTEMS, VIRTUAL_INTERFACES
from helpdesk_tui.monitoring.series import (
    APT_PENDING,
    DISK_METRICS,
    SYSTEMD_STATE,
    TROUBLED_STATES,
)

_RE2_SPECIAL = re.compile(r"([\\.+*?()|\[\]{}^$])")


def re2_escape(text: str) -> str:
    """`text` as a literal inside an RE2 pattern (only RE2's metacharacters escaped)."""
    return _RE2_SPECIAL.sub(r"\\\1", text)


def string_literal(text: str) -> str:
    """A PromQL double-quoted string (Go escapes, which JSON's are a subset of)."""
    return json.dumps(text, ensure_ascii=False)


def instance_matcher(instances: Sequence[str]) -> str:
    return "instance=~" + string_literal("|".join(re2_escape(i) for i in instances))


def queries(
    instances: Sequence[str],
    rate_window: str = "2m",
    watched_units: str | None = None,
    peak_step: str = "1m",
) -> dict[str, str]:
    """name -> PromQL. Each answer is an instant vector labelled by `instance`."""
    on = instance_matcher(instances)
    counted = f"device!~{string_literal(VIRTUAL_INTERFACES)}"
    received = f"node_network_receive_bytes_total{{{on},{counted}}}"
    sent = f"node_network_transmit_bytes_total{{{on},{counted}}}"
    net_in = f"sum by (instance) (rate({received}[{rate_window}]))"
    net_out = f"sum by (instance) (rate({sent}[{rate_window}]))"
    disk_names = string_literal("|".join(DISK_METRICS))
    troubled = string_literal("|".join(TROUBLED_STATES))
    unit_states = f"{SYSTEMD_STATE}{{{on},state=~{troubled}}} == 1"
    if watched_units:
        unit_states += f" or {SYSTEMD_STATE}{{{on},name=~{string_literal(watched_units)}}} == 1"
    return {
        "up": f"up{{{on}}}",
        "cpu": (
            "100 * (1 - avg by (instance) "
            f'(rate(node_cpu_seconds_total{{{on},mode="idle"}}[{rate_window}])))'
        ),
        "memory": (
            f"100 * (1 - node_memory_MemAvailable_bytes{{{on}}}"
            f" / node_memory_MemTotal_bytes{{{on}}})"
        ),
        "load": f'{{__name__=~"node_load1|node_load5|node_load15",{on}}}',
        # The server's own clock when the time collector runs: immune to clock skew.
        "uptime": (
            f"(node_time_seconds{{{on}}} - node_boot_time_seconds{{{on}}})"
            f" or (time() - node_boot_time_seconds{{{on}}})"
        ),
        "disks": (f"{{__name__=~{disk_names},{on},fstype!~{string_literal(PSEUDO_FILESYSTEMS)}}}"),
        "net_in": net_in,
        "net_out": net_out,
        "net_in_peak_1h": f"max_over_time(({net_in})[1h:{peak_step}])",
        "net_out_peak_1h": f"max_over_time(({net_out})[1h:{peak_step}])",
        "net_in_peak_24h": f"max_over_time(({net_in})[24h:{peak_step}])",
        "net_out_peak_24h": f"max_over_time(({net_out})[24h:{peak_step}])",
        "services": unit_states,
        "apt": f"{APT_PENDING}{{{on}}}",
    }
