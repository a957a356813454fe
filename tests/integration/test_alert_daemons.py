"""Four `helpdesk daemon` processes on one database (a SQLite file, a real PostgreSQL):
every alert that falls due reaches the webhook exactly once, within about a second.

Targets are made tiny by an SLA policy file (urgent response in 7.2 s), so the test runs
in real time: no process shares a fake clock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import tickets as use
from helpdesk_tui.services.desk import open_desk
from helpdesk_tui.services.directory import add_customer
from helpdesk_tui.store import schema
from helpdesk_tui.store.models import AlertClaim
from tests.integration.webhook_sink import WebhookSink

DAEMONS = 4
TICKETS = 6
RESPONSE_HOURS = 0.002  # 7.2 s: warnings at 3.6, 5.4 and 6.48 s, the breach at 7.2 s
EXPECTED = TICKETS * 4  # 50, 75, 90 % and the breach of the response target
TINY_POLICY = f"""
warn_percents = [50, 75, 90]
breach_repeat_minutes = 600
[urgent]
response_hours = {RESPONSE_HOURS}
fix_hours = 24
"""
# For the restart: 18 s, warnings at 9, 10.8 and 12.6 s, so a restarted daemon (about a
# second to start) sweeps between the last warning and the breach.
RESTART_HOURS = 0.005
RESTART_POLICY = TINY_POLICY.replace("[50, 75, 90]", "[50, 60, 70]").replace(
    str(RESPONSE_HOURS), str(RESTART_HOURS)
)


def _config(tmp_path: Path, url: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[notifiers]\nterminal = "off"\ndesktop = "off"\n'
        f'[[notifiers.webhooks]]\nname = "desk"\nkind = "json"\nurl = "{url}"\n',
        encoding="utf-8",
    )
    return config


def _start(env: dict[str, str], count: int) -> list[subprocess.Popen]:
    """Start the daemons and wait until each says it is sweeping: tickets made before a
    slow start (a busy machine) would see all their thresholds pass at once."""
    argv = [sys.executable, "-m", "helpdesk_tui", "daemon", "--sweep-seconds", "2"]
    processes = [
        subprocess.Popen(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]
    for process in processes:
        process.early_log = _read_until_started(process)  # type: ignore[attr-defined]
    return processes


def _read_until_started(process: subprocess.Popen, timeout: float = 60.0) -> str:
    lines: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if "alert daemon" in line and " started " in line:
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    text = "".join(lines)
    assert not reader.is_alive(), f"the daemon did not start within {timeout} s:\n{text}"
    assert " started " in text, f"the daemon ended before it started:\n{text}"
    return text


def _stop(processes: list[subprocess.Popen]) -> list[str]:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    logs = []
    for process in processes:
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        logs.append(getattr(process, "early_log", "") + err)
    return logs


def _run(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = tmp_path / "tiny.toml"
    policy.write_text(TINY_POLICY, encoding="utf-8")
    with WebhookSink() as sink:
        config = _config(tmp_path, sink.url)
        monkeypatch.setenv("HELPDESK_CONFIG", str(config))
        monkeypatch.setenv("HELPDESK_SLA_POLICY", str(policy))
        settings = load_settings(db=db, user="lina", tz="Asia/Shanghai")
        desk = open_desk(settings)
        schema.upgrade(desk.store.engine)
        add_customer(desk, "杭州人民医院")
        env = os.environ | {"HELPDESK_DB": db, "HELPDESK_USER": "daemon"}
        daemons = _start(env, DAEMONS)
        try:
            for n in range(TICKETS):
                request = use.NewTicket(
                    customer="人民医院",
                    title=f"故障 {n}",
                    severity=Severity.URGENT,
                    channel=Channel.MONITORING,
                )
                use.new_ticket(desk, request)
            assert sink.wait_for(EXPECTED, timeout=60), _state(desk, sink)
            _wait_until_all_marked_delivered(desk)
        finally:
            logs = _stop(daemons)
        ids = sink.alert_ids()
        assert len(ids) == len(set(ids)) == EXPECTED, "an alert was delivered twice"
        with desk.store.read() as session:
            claims = session.execute(select(AlertClaim.id, AlertClaim.due_at)).all()
            owners = session.scalars(select(AlertClaim.delivered_by)).all()
        assert sorted(ids) == sorted(claim_id for claim_id, _ in claims)
        due = {claim_id: due_at.timestamp() for claim_id, due_at in claims}
        latency = sorted(arrived - due[body["alert_id"]] for arrived, body in sink.received)
        assert latency[0] >= 0, "an alert arrived before its moment"
        assert latency[-1] < 3.0, f"slowest alert {latency[-1]:.2f} s after its moment"
        assert all("1/1 channel" in owner for owner in owners), owners
        broken = [log[-3000:] for log in logs if "Traceback" in log]
        assert not broken, broken[0]
        desk.store.dispose()


def _state(desk, sink: WebhookSink) -> str:
    """What the database says, for a failure message."""
    from helpdesk_tui.store.models import AlertTimer

    with desk.store.read() as session:
        claims = session.execute(
            select(AlertClaim.id, AlertClaim.subject, AlertClaim.threshold, AlertClaim.due_at,
                   AlertClaim.delivered_by)
        ).all()  # fmt: skip
        timers = session.execute(
            select(AlertTimer.subject, AlertTimer.target, AlertTimer.next_at, AlertTimer.fired_upto)
        ).all()
    return f"{len(sink.received)} arrived: {sink.alert_ids()}\nclaims {claims}\ntimers {timers}"


def _wait_until_all_marked_delivered(desk, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with desk.store.read() as session:
            pending = session.scalar(
                select(func.count())
                .select_from(AlertClaim)
                .where(AlertClaim.delivered_at.is_(None))
            )
        if pending == 0:
            return
        time.sleep(0.1)  # polling another process's commit: there is no event to wait on
    raise AssertionError(f"{pending} alerts were never marked delivered")


@pytest.mark.slow
def test_four_daemons_on_sqlite_deliver_each_alert_once(tmp_path, monkeypatch):
    _run(str(tmp_path / "desk.db"), tmp_path, monkeypatch)


@pytest.mark.slow
def test_four_daemons_on_postgres_deliver_each_alert_once(postgres_url, tmp_path, monkeypatch):
    _run(postgres_url, tmp_path, monkeypatch)


@pytest.mark.slow
def test_a_daemon_killed_across_thresholds_delivers_the_latest_once_on_restart(
    tmp_path, monkeypatch
):
    policy = tmp_path / "tiny.toml"
    policy.write_text(RESTART_POLICY, encoding="utf-8")
    db = str(tmp_path / "desk.db")
    with WebhookSink() as sink:
        monkeypatch.setenv("HELPDESK_CONFIG", str(_config(tmp_path, sink.url)))
        monkeypatch.setenv("HELPDESK_SLA_POLICY", str(policy))
        desk = open_desk(load_settings(db=db, user="lina", tz="Asia/Shanghai"))
        schema.upgrade(desk.store.engine)
        add_customer(desk, "杭州人民医院")
        env = os.environ | {"HELPDESK_DB": db, "HELPDESK_USER": "daemon"}
        (first,) = _start(env, 1)
        request = use.NewTicket(customer="人民医院", title="断电", severity=Severity.URGENT,
                                channel=Channel.PHONE)  # fmt: skip
        ticket = use.new_ticket(desk, request)
        try:
            assert sink.wait_for(1, timeout=30)
        finally:
            first.kill()  # no goodbye: as if the host died
            first.wait()
        seventy = ticket.reported_at.timestamp() + RESTART_HOURS * 3600 * 0.7
        time.sleep(max(seventy + 0.2 - time.time(), 0))  # the 60 and 70 % pass while down
        (second,) = _start(env, 1)
        try:
            assert sink.wait_for(3, timeout=30), _state(desk, sink)
        finally:
            _stop([second])
        thresholds = [body["title"] for _, body in sink.received]
        assert len(sink.received) == 3, thresholds
        assert "50%" in thresholds[0] and "70%" in thresholds[1], thresholds
        assert "60%" not in " ".join(thresholds)
        desk.store.dispose()
