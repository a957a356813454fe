"""Severities in both languages and the SLA policy file."""

import tomllib
from datetime import timedelta

import pytest

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.lifecycle import Status
from helpdesk_tui.domain.severity import SEED_POLICY, Severity, parse_policy, parse_severity
from helpdesk_tui.reference_data import data_dir


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("urgent", Severity.URGENT),
        ("紧急", Severity.URGENT),
        ("紧急故障", Severity.URGENT),
        ("SERIOUS", Severity.SERIOUS),
        ("严重", Severity.SERIOUS),
        (" 中等 ", Severity.MEDIUM),
        ("轻度故障", Severity.MINOR),
        ("minor", Severity.MINOR),
    ],
)
def test_parse_severity(text, severity):
    assert parse_severity(text) is severity


@pytest.mark.parametrize("text", ["", "critical", "紧", "1"])
def test_bad_severity(text):
    with pytest.raises(InvalidInput, match="unknown severity"):
        parse_severity(text)


def test_shipped_policy_is_the_seed_table():
    policy = parse_policy(tomllib.loads((data_dir() / "sla_policy.toml").read_text()))
    hours = {
        s: (t.response / timedelta(hours=1), t.fix / timedelta(hours=1))
        for s, t in policy.targets.items()
    }
    assert hours == {
        Severity.URGENT: (1, 24),
        Severity.SERIOUS: (2, 24),
        Severity.MEDIUM: (8, 48),
        Severity.MINOR: (8, 72),
    }
    assert policy.warn_percents == (50, 75, 90)
    assert policy.breach_repeat == timedelta(minutes=30)
    assert policy.pausing_statuses == {Status.WAITING, Status.RESOLVED}


def test_contract_override_changes_only_what_it_names():
    policy = parse_policy({"紧急": {"response_hours": 0.5}, "warn_percents": [80]}, SEED_POLICY)
    assert policy.for_severity(Severity.URGENT).response == timedelta(minutes=30)
    assert policy.for_severity(Severity.URGENT).fix == timedelta(hours=24)
    assert policy.for_severity(Severity.MINOR).fix == timedelta(hours=72)
    assert policy.warn_percents == (80,)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"urgent": {"response_hours": -1}}, "positive number"),
        ({"urgent": {"response_hours": 30}}, "shorter than"),
        ({"urgent": {"respond": 1}}, "unknown key"),
        ({"bogus": 1}, "unknown setting"),
        ({"warn_percents": [0, 50]}, "between 1 and 99"),
        ({"pausing_statuses": ["napping"]}, "unknown status"),
    ],
)
def test_bad_policy(data, message):
    with pytest.raises(InvalidInput, match=message):
        parse_policy(data)
