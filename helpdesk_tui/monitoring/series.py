"""Node_exporter series, as either source reads them, and the health parts read from them.

A Prometheus query result and a scraped page both come down to named, labelled values;
the readers below turn those into disks, services and apt counts the same way for both.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from helpdesk_tui.domain.health import DiskUse, ServiceState, is_server_disk

DISK_METRICS = {
    "node_filesystem_size_bytes": "size",
    "node_filesystem_free_bytes": "free",
    "node_filesystem_avail_bytes": "avail",
}
SYSTEMD_STATE = "node_systemd_unit_state"
APT_PENDING = "apt_upgrades_pending"
# Reported whatever the unit; "active" and "inactive" only for watched units.
TROUBLED_STATES = ("failed", "activating", "deactivating")


@dataclass(frozen=True)
class Series:
    name: str
    labels: Mapping[str, str]
    value: float | None  # None: NaN or unparseable


def number(text: object) -> float | None:
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def first_value(series: Iterable[Series], name: str | None = None) -> float | None:
    for one in series:
        if name is None or one.name == name:
            return one.value
    return None


def disks(series: Iterable[Series]) -> tuple[DiskUse, ...]:
    sizes: dict[tuple[str, str, str], dict[str, float | None]] = {}
    for one in series:
        part = DISK_METRICS.get(one.name)
        fstype = one.labels.get("fstype", "")
        if part is None or not is_server_disk(fstype):
            continue
        key = (one.labels.get("mountpoint", ""), one.labels.get("device", ""), fstype)
        sizes.setdefault(key, {})[part] = one.value
    return tuple(
        DiskUse(mount, device, fstype, found.get("size"), found.get("free"), found.get("avail"))
        for (mount, device, fstype), found in sorted(sizes.items())
    )


def services(series: Iterable[Series], watched: re.Pattern[str] | None) -> tuple[ServiceState, ...]:
    """Units in a troubled state, and watched units in whatever state they are."""
    found = set()
    for one in series:
        if one.name != SYSTEMD_STATE or one.value != 1:
            continue
        unit, state = one.labels.get("name", ""), one.labels.get("state", "")
        if state in TROUBLED_STATES or (watched and watched.fullmatch(unit)):
            found.add(ServiceState(unit, state))
    return tuple(sorted(found, key=lambda s: (s.unit, s.state)))


def apt_pending(series: Iterable[Series]) -> tuple[int | None, int | None]:
    """(all pending upgrades, security ones) from the apt textfile collector's
    `apt_upgrades_pending{origin=...}`; security upgrades come from a *-security origin."""
    counts = [one for one in series if one.name == APT_PENDING and one.value is not None]
    if not counts:
        return None, None
    total = sum(one.value for one in counts)  # type: ignore[misc]
    security = sum(
        one.value  # type: ignore[misc]
        for one in counts
        if "security" in one.labels.get("origin", "").lower()
    )
    return round(total), round(security)
