"""Health incidents: a finding that persists from round to round (the same kind and
subject on one server) is one incident, from the round it was first seen until the
round it is no longer found. An incident is what an alert is about and what a
monitoring ticket is opened for, once.

Two questions per server and round, both pure:
- `track`: given the server's open incidents and this round's findings, which incidents
  open, which go on (one round more, the worst level seen, the latest detail) and which
  clear;
- `due_tickets`: which open incidents, still without a ticket, now call for one.

`sustained()` (domain.health) stays the judge of a ticket's level: an incident identifies
the trouble across rounds, while the ticket waits until the finding was there in each of
the last `sustain` rounds and was critical in all of them (the mildest level of the
window): a single critical spike in a run of warnings opens no ticket.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from helpdesk_tui.domain.health import Finding, Level, sustained
from helpdesk_tui.domain.monitoring_policy import MonitoringPolicy
from helpdesk_tui.domain.severity import Severity

Key = tuple[str, str]  # (kind, subject)

_WORSE = {"warning": 0, "critical": 1}


@dataclass(frozen=True)
class Incident:
    """An open incident as the round finds it."""

    kind: str
    subject: str
    level: Level
    rounds: int
    first_seen_at: datetime
    has_ticket: bool = False
    id: int | None = None  # the stored row's, when there is one

    @property
    def key(self) -> Key:
        return self.kind, self.subject


@dataclass(frozen=True)
class Continued:
    """An open incident found again this round."""

    incident: Incident
    finding: Finding
    rounds: int
    level: Level  # the worst seen so far


@dataclass(frozen=True)
class RoundChanges:
    opened: list[Finding] = field(default_factory=list)
    continued: list[Continued] = field(default_factory=list)
    cleared: list[Incident] = field(default_factory=list)
    unchanged: list[Incident] = field(default_factory=list)  # not judged this round


def key_of(finding: Finding) -> Key:
    return finding.kind, finding.subject


def worse(a: Level, b: Level) -> Level:
    return a if _WORSE[a] >= _WORSE[b] else b


def track(open_incidents: Iterable[Incident], findings: Iterable[Finding]) -> RoundChanges:
    """What this round's findings do to one server's open incidents. While the server is
    down its disks, services and load cannot be seen: their incidents stay as they are,
    neither found again nor cleared."""
    found = _worst_per_key(findings)
    down = any(kind == "down" for kind, _ in found)
    changes = RoundChanges()
    by_key = {}
    for incident in open_incidents:
        by_key[incident.key] = incident
        finding = found.get(incident.key)
        if finding is None and down:
            changes.unchanged.append(incident)
        elif finding is None:
            changes.cleared.append(incident)
        else:
            level = worse(incident.level, finding.level)
            changes.continued.append(Continued(incident, finding, incident.rounds + 1, level))
    changes.opened.extend(f for key, f in found.items() if key not in by_key)
    return changes


def _worst_per_key(findings: Iterable[Finding]) -> dict[Key, Finding]:
    worst: dict[Key, Finding] = {}
    for finding in findings:
        known = worst.get(key_of(finding))
        if known is None or _WORSE[finding.level] > _WORSE[known.level]:
            worst[key_of(finding)] = finding
    return worst


@dataclass(frozen=True)
class TicketDue:
    key: Key
    finding: Finding  # at its sustained (mildest) level: critical
    severity: Severity


def due_tickets(
    incidents: Iterable[Incident], recent: Sequence[Sequence[Finding]], policy: MonitoringPolicy
) -> list[TicketDue]:
    """The incidents (after this round) that now call for a monitoring ticket: found in
    at least `sustain` rounds in a row, critical throughout the last `sustain` rounds
    (`recent` holds the findings of the latest rounds, oldest first, this one last), and
    with no ticket yet."""
    sustain = policy.sustain_rounds
    candidates = {i.key for i in incidents if not i.has_ticket and i.rounds >= max(sustain, 1)}
    if not candidates:
        return []
    due = []
    for finding in sustained(recent, sustain):
        severity = policy.ticket_severity(finding)
        if key_of(finding) in candidates and severity is not None:
            due.append(TicketDue(key_of(finding), finding, severity))
    return due
