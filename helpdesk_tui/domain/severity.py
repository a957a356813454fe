"""Fault severities (故障等级) and the SLA targets attached to them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.lifecycle import Status, parse_status


class Severity(StrEnum):
    URGENT = "urgent"
    SERIOUS = "serious"
    MEDIUM = "medium"
    MINOR = "minor"

    @property
    def rank(self) -> int:
        """0 is the most severe; used for sorting."""
        return list(Severity).index(self)


SEVERITY_ZH = {
    Severity.URGENT: "紧急",
    Severity.SERIOUS: "严重",
    Severity.MEDIUM: "中等",
    Severity.MINOR: "轻度",
}

_ALIASES = {
    **{s.value: s for s in Severity},
    **{zh: s for s, zh in SEVERITY_ZH.items()},
    **{zh + "故障": s for s, zh in SEVERITY_ZH.items()},
}


def parse_severity(text: str) -> Severity:
    """Accept `urgent|serious|medium|minor`, `紧急|严重|中等|轻度` and `紧急故障` forms."""
    found = _ALIASES.get(text.strip().lower())
    if found is None:
        choices = "urgent|serious|medium|minor or 紧急|严重|中等|轻度"
        raise InvalidInput(f"unknown severity {text!r}: use {choices}")
    return found


@dataclass(frozen=True)
class SlaTargets:
    """Working time allowed until the first response and until the fix."""

    response: timedelta
    fix: timedelta


@dataclass(frozen=True)
class SlaPolicy:
    """The service promise: targets per severity and how the clocks behave."""

    targets: Mapping[Severity, SlaTargets]
    warn_percents: tuple[int, ...] = (50, 75, 90)
    breach_repeat: timedelta = timedelta(minutes=30)
    pausing_statuses: frozenset[Status] = field(
        default_factory=lambda: frozenset({Status.WAITING, Status.RESOLVED})
    )

    def for_severity(self, severity: Severity) -> SlaTargets:
        return self.targets[severity]


SEED_TARGETS: Mapping[Severity, SlaTargets] = {
    Severity.URGENT: SlaTargets(timedelta(hours=1), timedelta(hours=24)),
    Severity.SERIOUS: SlaTargets(timedelta(hours=2), timedelta(hours=24)),
    Severity.MEDIUM: SlaTargets(timedelta(hours=8), timedelta(hours=48)),
    Severity.MINOR: SlaTargets(timedelta(hours=8), timedelta(hours=72)),
}

SEED_POLICY = SlaPolicy(targets=SEED_TARGETS)


def _hours(value: Any, where: str) -> timedelta:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise InvalidInput(f"{where}: expected a positive number of hours, got {value!r}")
    return timedelta(hours=value)


def _percents(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(p, int) and not isinstance(p, bool) and 0 < p < 100 for p in value
    ):
        raise InvalidInput(f"warn_percents: expected whole numbers between 1 and 99, got {value!r}")
    return tuple(sorted(set(value)))


def parse_policy(data: Mapping[str, Any], base: SlaPolicy = SEED_POLICY) -> SlaPolicy:
    """Build a policy from a parsed `sla_policy.toml` (or a contract override) on top of `base`.

    Keys: `warn_percents`, `breach_repeat_minutes`, `pausing_statuses`, and one table
    per severity (English or Chinese name) with `response_hours` / `fix_hours`.
    """
    targets = dict(base.targets)
    policy_keys = {"warn_percents", "breach_repeat_minutes", "pausing_statuses"}
    for key, value in data.items():
        if key in policy_keys:
            continue
        if not isinstance(value, Mapping):
            raise InvalidInput(f"sla policy: unknown setting {key!r}")
        severity = parse_severity(key)
        unknown = set(value) - {"response_hours", "fix_hours"}
        if unknown:
            raise InvalidInput(f"sla policy [{key}]: unknown key {sorted(unknown)[0]!r}")
        old = targets[severity]
        response = _hours(value.get("response_hours", old.response / timedelta(hours=1)), key)
        fix = _hours(value.get("fix_hours", old.fix / timedelta(hours=1)), key)
        if fix < response:
            raise InvalidInput(f"sla policy [{key}]: fix_hours is shorter than response_hours")
        targets[severity] = SlaTargets(response, fix)
    percents = _percents(data["warn_percents"]) if "warn_percents" in data else base.warn_percents
    repeat = base.breach_repeat
    if "breach_repeat_minutes" in data:
        repeat = _hours(data["breach_repeat_minutes"], "breach_repeat_minutes") / 60
    pausing = base.pausing_statuses
    if "pausing_statuses" in data:
        pausing = frozenset(parse_status(str(s)) for s in data["pausing_statuses"])
    return SlaPolicy(targets, percents, repeat, pausing)
