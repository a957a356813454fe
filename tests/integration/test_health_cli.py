"""`helpdesk server collect | incidents | history | pending` on the demo database, with a
real node_exporter: rounds stored and reported, bad input refused with exit 2 and nothing
written, a round refused with exit 3 while another process collects."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine

from helpdesk_tui.alerts.health_job import LEASE
from helpdesk_tui.config import load_settings
from helpdesk_tui.services.desk import open_desk
from helpdesk_tui.services.job_lease import hold
from tests.integration.conftest import DEMO_NOW


def refused(result, code: int, mentions: str) -> None:
    assert result.code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and mentions in lines[0], lines


def test_collect_stores_a_round_and_says_what_it_found(demo_db, cli, node_exporter):
    assert cli("server", "add", "1", "app-01", "--exporter-url", node_exporter.url).code == 0
    done = cli("server", "collect", "--json")
    assert done.code == 0, done.stderr
    report = json.loads(done.stdout)
    servers = {s["name"]: s for s in report["servers"]}
    assert report["samples"] == 1
    assert servers["app-01"]["status"] == "critical"
    assert servers["app-01"]["opened"] == ["failed"]  # nginx.service (the textfile)
    assert servers["ecs-app-01"]["status"] == "unmonitored"  # a demo server: no source
    incidents = json.loads(cli("server", "incidents", "--json").stdout)
    mine = [i for i in incidents if i["server"] == "app-01"]
    assert [(i["kind"], i["subject"], i["level"], i["rounds"]) for i in mine] == [
        ("service", "nginx.service", "critical", 1)]  # fmt: skip
    history = json.loads(cli("server", "history", "app-01", "--customer", "1", "--json").stdout)
    assert len(history) == 1 and history[0]["up"] is True
    text = cli("server", "collect")
    assert text.code == 0 and "app-01" in text.stdout and "CRITICAL" in text.stdout
    assert "2 sample(s) stored" not in text.stdout and "1 sample(s) stored" in text.stdout


def test_the_demo_shows_a_down_server_a_hot_cpu_and_a_filling_disk(demo_db, cli):
    with time_machine.travel(DEMO_NOW, tick=False):
        incidents = json.loads(cli("server", "incidents", "--json").stdout)
        kinds = {(i["server"], i["kind"], i["level"]) for i in incidents}
        assert ("ecs-app-01", "down", "critical") in kinds
        assert ("his-app-01", "cpu", "warning") in kinds
        hot = [i for i in incidents if i["server"] == "his-app-01"]
        customer = hot[0]["customer"]
        history = cli("server", "history", "his-app-01", "--customer", customer, "--hours", "2",
                      "--json")  # fmt: skip
        samples = json.loads(history.stdout)
        assert 61 <= len(samples) <= 63  # the last hour minute by minute, hourly before
        assert samples[-1]["cpu_percent"] > 80


def test_pending_updates_entered_by_hand(demo_db, cli):
    assert cli("server", "add", "1", "legacy-01").code == 0
    done = cli("patch", "set-pending", "--server", "legacy-01", "--customer", "1", "--updates",
               "12", "--security", "3")  # fmt: skip
    assert done.code == 0, done.stderr
    assert "12 updates, 3 security pending (entered)" in done.stdout


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (("history", "legacy-01", "--customer", "1", "--hours", "0"), "--hours"),
        (("history", "legacy-01", "--customer", "1", "--hours", "100000"), "--hours"),
        (("history", "nowhere", "--customer", "1"), "nowhere"),
        (("history", "legacy-01"), "--customer"),
    ],
    ids=["hours-0", "hours-huge", "history-unknown", "history-no-customer"],
)  # fmt: skip
def test_bad_input_is_refused_and_writes_nothing(demo_db, cli, digest, args, mentions):
    assert cli("server", "add", "1", "legacy-01").code == 0
    before = digest(demo_db)
    refused(cli("server", *args), 2, mentions)
    assert digest(demo_db) == before


def test_a_bad_monitoring_policy_file_is_refused_before_anything_is_written(
    demo_db, cli, digest, tmp_path, monkeypatch
):
    policy = tmp_path / "monitoring.toml"
    policy.write_text("sustain_rounds = 0\n", encoding="utf-8")
    monkeypatch.setenv("HELPDESK_MONITORING_POLICY", str(policy))
    before = digest(demo_db)
    refused(cli("server", "collect"), 2, "sustain_rounds")
    refused(cli("daemon"), 2, "sustain_rounds")  # before its scheduler starts
    assert digest(demo_db) == before


def test_collect_is_refused_while_another_process_collects(demo_db, cli, digest, monkeypatch):
    monkeypatch.setenv("HELPDESK_CONFIG", str(demo_db.parent / "absent.toml"))
    desk = open_desk(load_settings(db=str(demo_db), user="daemon", tz="UTC"))
    assert hold(desk, LEASE, "daemon@elsewhere:42", timedelta(minutes=3))
    desk.store.dispose()
    before = digest(demo_db)
    refused(cli("server", "collect"), 3, "daemon@elsewhere:42")
    assert digest(demo_db) == before


def test_names_from_outside_are_printed_literally(demo_db, cli, fake_server):
    fake_server.behaviour = lambda handler: handler.reply(503, b"")
    name = "[b]evil[/]\x1b[2J"  # Rich markup and an escape sequence
    assert cli("server", "add", "1", name, "--exporter-url", fake_server.url).code == 0
    done = cli("server", "collect")
    assert done.code == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if "evil" in line]
    assert "[b]evil[/]\\x1b" in line and "\x1b" not in line  # cut to its column
    assert "DOWN" in line
