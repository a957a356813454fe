"""The monitoring policy as data: the shipped file says what the seed's service does,
a desk's own file can change it, and a bad file is refused with one clear line."""

from __future__ import annotations

import pytest

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.health import Finding
from helpdesk_tui.domain.monitoring_policy import (
    SEED_MONITORING,
    MonitoringPolicy,
    parse_monitoring_policy,
)
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.reference_data import load_monitoring_policy


def test_the_shipped_file_is_the_seed_policy():
    assert load_monitoring_policy() == SEED_MONITORING


@pytest.mark.parametrize(
    ("kind", "level", "severity"),
    [("down", "critical", Severity.URGENT), ("disk", "critical", Severity.SERIOUS),
     ("service", "critical", Severity.SERIOUS), ("cpu", "critical", Severity.MEDIUM),
     ("memory", "critical", Severity.MEDIUM), ("disk", "warning", None),
     ("cpu", "warning", None), ("memory", "warning", None), ("service", "warning", None)],
)  # fmt: skip
def test_ticket_severity(kind, level, severity):
    assert SEED_MONITORING.ticket_severity(Finding(kind, "x", level, None, "")) == severity


def test_a_desk_may_change_levels_rounds_and_severities():
    policy = parse_monitoring_policy({
        "sustain_rounds": 5, "warn_percent": {"disk": 70},
        "ticket_severity": {"disk": "紧急", "cpu": "minor"},
    })  # fmt: skip
    assert policy.sustain_rounds == 5 and policy.disk_warn == 70.0 and policy.cpu_warn == 80.0
    disk = Finding("disk", "/data", "critical", 97.0, "")
    assert policy.ticket_severity(disk) == Severity.URGENT
    assert policy.ticket_severity(Finding("cpu", "x", "critical", 99.0, "")) == Severity.MINOR
    assert policy.ticket_severity(Finding("down", "x", "critical", None, "")) == Severity.URGENT


@pytest.mark.parametrize(
    ("data", "mentions"),
    [({"sustain_rounds": 0}, "sustain_rounds"), ({"sustain_rounds": True}, "sustain_rounds"),
     ({"sustain_rounds": "3"}, "sustain_rounds"), ({"warn_percent": {"cpu": 100}}, "cpu"),
     ({"warn_percent": {"disk": "high"}}, "disk"), ({"ticket_severity": {"fan": "urgent"}}, "fan"),
     ({"ticket_severity": {"down": "fatal"}}, "fatal"), ({"sustain": 3}, "sustain")],
)  # fmt: skip
def test_a_bad_policy_is_refused_with_one_line(data, mentions):
    with pytest.raises(InvalidInput) as refused:
        parse_monitoring_policy(data)
    assert mentions in str(refused.value) and "\n" not in str(refused.value)


def test_a_policy_file_that_is_not_there_or_not_toml_is_refused(tmp_path):
    broken = tmp_path / "monitoring.toml"
    broken.write_text("sustain_rounds = [", encoding="utf-8")
    for path in (str(tmp_path / "absent.toml"), str(broken)):
        with pytest.raises(InvalidInput):
            load_monitoring_policy(path)


def test_defaults_are_the_seed():
    assert MonitoringPolicy() == SEED_MONITORING
