"""Health incidents: which open, go on, clear, and which call for a ticket (table-driven)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpdesk_tui.domain.health import Finding
from helpdesk_tui.domain.incidents import Incident, due_tickets, track, worse
from helpdesk_tui.domain.monitoring_policy import MonitoringPolicy
from helpdesk_tui.domain.severity import Severity

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def f(kind: str, subject: str, level: str = "critical", detail: str = "") -> Finding:
    return Finding(kind, subject, level, None, detail or f"{kind} {subject}")  # type: ignore[arg-type]


def inc(kind: str, subject: str, level: str = "critical", rounds: int = 1, ticket: bool = False):
    return Incident(kind, subject, level, rounds, T0, ticket, id=hash((kind, subject)) % 1000)  # type: ignore[arg-type]


DOWN = f("down", "srv", detail="not reachable")
CPU_WARN = f("cpu", "srv", "warning", "CPU 85.0 %")
CPU_CRIT = f("cpu", "srv", "critical", "CPU 97.0 %")
DISK = f("disk", "/data", "critical", "disk /data 96.0 %")
NGINX = f("service", "nginx.service", "critical", "failed")


@pytest.mark.parametrize(
    ("open_incidents", "findings", "opened", "continued", "cleared", "unchanged"),
    [
        ([], [], [], [], [], []),
        ([], [CPU_WARN], [("cpu", "srv")], [], [], []),
        ([inc("cpu", "srv", "warning")], [CPU_WARN], [], [("cpu", "srv", 2, "warning")], [], []),
        # found again at a worse level: the incident keeps the worst
        ([inc("cpu", "srv", "warning")], [CPU_CRIT], [], [("cpu", "srv", 2, "critical")], [], []),
        # found again at a milder level: still the worst seen
        ([inc("cpu", "srv", "critical", 4)], [CPU_WARN], [], [("cpu", "srv", 5, "critical")], [],
         []),
        ([inc("cpu", "srv")], [], [], [], [("cpu", "srv")], []),
        # one clears, one goes on, one is new
        ([inc("cpu", "srv"), inc("disk", "/data")], [DISK, NGINX], [("service", "nginx.service")],
         [("disk", "/data", 2, "critical")], [("cpu", "srv")], []),
        # down: the rest cannot be seen, so it neither goes on nor clears
        ([inc("disk", "/data", rounds=3)], [DOWN], [("down", "srv")], [], [], [("disk", "/data")]),
        ([inc("down", "srv", rounds=2), inc("disk", "/data")], [DOWN], [],
         [("down", "srv", 3, "critical")], [], [("disk", "/data")]),
        # back up: down clears, the disk is judged again
        ([inc("down", "srv", rounds=9), inc("disk", "/data")], [], [], [],
         [("down", "srv"), ("disk", "/data")], []),
        # the same trouble twice in one round counts once, at its worst
        ([], [CPU_WARN, CPU_CRIT], [("cpu", "srv")], [], [], []),
    ],
)  # fmt: skip
def test_track(open_incidents, findings, opened, continued, cleared, unchanged):
    changes = track(open_incidents, findings)
    assert [(x.kind, x.subject) for x in changes.opened] == opened
    assert [(c.incident.kind, c.incident.subject, c.rounds, c.level)
            for c in changes.continued] == continued  # fmt: skip
    assert [i.key for i in changes.cleared] == cleared
    assert [i.key for i in changes.unchanged] == unchanged


def test_a_new_finding_is_opened_at_its_worst_level():
    [opened] = track([], [CPU_WARN, CPU_CRIT]).opened
    assert opened.level == "critical"


@pytest.mark.parametrize(
    ("incidents", "recent", "sustain", "due"),
    [
        # not enough rounds yet
        ([inc("down", "srv", rounds=2)], [[DOWN], [DOWN]], 3, []),
        ([inc("down", "srv", rounds=3)], [[DOWN], [DOWN], [DOWN]], 3,
         [(("down", "srv"), Severity.URGENT)]),
        # a ticket already: never a second
        ([inc("down", "srv", rounds=7, ticket=True)], [[DOWN]] * 3, 3, []),
        # warnings open no ticket
        ([inc("cpu", "srv", "warning", rounds=5)], [[CPU_WARN]] * 3, 3, []),
        # one critical spike in a run of warnings stays a warning (sustained(): the mildest)
        ([inc("cpu", "srv", "critical", rounds=5)], [[CPU_WARN], [CPU_WARN], [CPU_CRIT]], 3, []),
        ([inc("cpu", "srv", "critical", rounds=5)], [[CPU_WARN], *[[CPU_CRIT]] * 3], 3,
         [(("cpu", "srv"), Severity.MEDIUM)]),
        ([inc("disk", "/data", rounds=3)], [[DISK]] * 3, 3,
         [(("disk", "/data"), Severity.SERIOUS)]),
        ([inc("service", "nginx.service", rounds=3)], [[NGINX]] * 3, 3,
         [(("service", "nginx.service"), Severity.SERIOUS)]),
        # sustain 1: at once
        ([inc("down", "srv")], [[DOWN]], 1, [(("down", "srv"), Severity.URGENT)]),
        # a history too short (samples pruned or missing): wait
        ([inc("down", "srv", rounds=3)], [[DOWN]], 3, []),
        # two servers' worth: only the sustained one
        ([inc("disk", "/data", rounds=3), inc("service", "nginx.service", rounds=1)],
         [[DISK], [DISK], [DISK, NGINX]], 3, [(("disk", "/data"), Severity.SERIOUS)]),
    ],
)  # fmt: skip
def test_due_tickets(incidents, recent, sustain, due):
    found = due_tickets(incidents, recent, MonitoringPolicy(sustain_rounds=sustain))
    assert [(d.key, d.severity) for d in found] == due
    assert all(d.finding.level == "critical" for d in found)


@pytest.mark.parametrize(
    ("a", "b", "worst"),
    [("warning", "critical", "critical"), ("critical", "warning", "critical"),
     ("warning", "warning", "warning")],
)  # fmt: skip
def test_worse(a, b, worst):
    assert worse(a, b) == worst


def test_rounds_of_a_flapping_finding_start_again():
    """Cleared one round, found the next: a new incident from round 1 (no ticket yet)."""
    first = track([], [DOWN]).opened
    assert [x.kind for x in first] == ["down"]
    assert track([inc("down", "srv", rounds=2)], []).cleared
    again = track([], [DOWN])
    assert [x.kind for x in again.opened] == ["down"] and not again.continued
