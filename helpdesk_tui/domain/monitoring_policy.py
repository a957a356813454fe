"""The monitoring service's own promise, kept as data like the SLA policy
(`data/monitoring_policy.toml`): where a value starts to be a warning, how many rounds
in a row a critical finding must persist before it becomes a ticket, and the severity
of that ticket per kind of finding. (A server's critical levels are its own.)"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.health import Finding, Kind
from helpdesk_tui.domain.severity import Severity, parse_severity

KINDS: tuple[Kind, ...] = ("down", "cpu", "memory", "disk", "service")


def _seed_severities() -> dict[Kind, Severity]:
    return {
        "down": Severity.URGENT,  # the system cannot be used at all: 紧急
        "disk": Severity.SERIOUS,  # about to stop writing: 严重
        "service": Severity.SERIOUS,
        "cpu": Severity.MEDIUM,
        "memory": Severity.MEDIUM,
    }


@dataclass(frozen=True)
class MonitoringPolicy:
    sustain_rounds: int = 3
    cpu_warn: float = 80.0
    memory_warn: float = 85.0
    disk_warn: float = 85.0
    severities: Mapping[Kind, Severity] = field(default_factory=_seed_severities)

    def ticket_severity(self, finding: Finding) -> Severity | None:
        """The severity of the ticket a sustained finding opens; None: a warning."""
        if finding.level != "critical":
            return None
        return self.severities.get(finding.kind)


SEED_MONITORING = MonitoringPolicy()  # the values data/monitoring_policy.toml ships with


def parse_monitoring_policy(data: Mapping[str, Any]) -> MonitoringPolicy:
    base = MonitoringPolicy()
    unknown = set(data) - {"sustain_rounds", "warn_percent", "ticket_severity"}
    if unknown:
        raise InvalidInput(f"monitoring policy: unknown setting {sorted(unknown)[0]!r}")
    rounds = data.get("sustain_rounds", base.sustain_rounds)
    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= 60:
        raise InvalidInput("monitoring policy: sustain_rounds must be a whole number, 1 to 60")
    warn = _warn_levels(data.get("warn_percent", {}), base)
    return MonitoringPolicy(rounds, *warn, _severities(data.get("ticket_severity", {})))


def _warn_levels(table: Mapping[str, Any], base: MonitoringPolicy) -> tuple[float, ...]:
    levels = []
    for name in ("cpu", "memory", "disk"):
        value = table.get(name, getattr(base, f"{name}_warn"))
        if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value < 100:
            raise InvalidInput(f"monitoring policy: warn_percent.{name} must be 1 to 99")
        levels.append(float(value))
    return tuple(levels)


def _severities(table: Mapping[str, Any]) -> dict[Kind, Severity]:
    chosen = _seed_severities()
    for kind, text in table.items():
        if kind not in KINDS:
            raise InvalidInput(f"monitoring policy: no finding kind {kind!r} ({', '.join(KINDS)})")
        chosen[kind] = parse_severity(str(text))
    return chosen
