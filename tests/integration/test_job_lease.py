"""The lease that lets one process at a time collect server health: taken, renewed, taken
over once it lapses; racing processes on SQLite and PostgreSQL; the scheduled job."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
import time_machine
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import func, select

from helpdesk_tui.alerts.health_job import LEASE, add_health_collection, run_health_round
from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.services.cloud import add_server
from helpdesk_tui.services.desk import open_desk
from helpdesk_tui.services.job_lease import current, hold, release
from helpdesk_tui.store import schema
from helpdesk_tui.store.models import HealthSample

T0 = datetime.fromisoformat("2026-11-20T10:00:00+08:00")
TTL = timedelta(minutes=3)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(account_desk):
    return account_desk


def test_one_holder_at_a_time_and_a_takeover_once_it_lapses(desk, clock):
    assert hold(desk, LEASE, "daemon@a", TTL)
    assert not hold(desk, LEASE, "console@b", TTL)
    clock.shift(timedelta(minutes=2))
    assert hold(desk, LEASE, "daemon@a", TTL)  # renewed: until 2 + 3 minutes
    clock.shift(timedelta(minutes=2, seconds=59))
    assert not hold(desk, LEASE, "console@b", TTL)
    clock.shift(timedelta(seconds=2))  # a stopped renewing: lapsed
    assert hold(desk, LEASE, "console@b", TTL)
    assert not hold(desk, LEASE, "daemon@a", TTL)
    lease = current(desk, LEASE)
    assert lease is not None and lease.holder == "console@b"
    assert lease.expires_at == T0 + timedelta(minutes=5, seconds=1) + TTL


def test_a_released_lease_is_taken_at_once(desk, clock):
    assert hold(desk, LEASE, "daemon@a", TTL)
    assert not release(desk, LEASE, "console@b")  # not b's to give up
    assert release(desk, LEASE, "daemon@a")
    assert hold(desk, LEASE, "console@b", TTL)


@pytest.mark.parametrize(("name", "holder", "ttl"), [
    ("", "a", TTL), ("x" * 65, "a", TTL), (LEASE, "", TTL), (LEASE, "a", timedelta(0)),
])  # fmt: skip
def test_bad_requests_are_refused(desk, clock, name, holder, ttl):
    with pytest.raises(InvalidInput):
        hold(desk, name, holder, ttl)


RACER = """
import sys
from datetime import timedelta
from helpdesk_tui.config import load_settings
from helpdesk_tui.services.desk import open_desk
from helpdesk_tui.services.job_lease import hold
desk = open_desk(load_settings(db=sys.argv[1], user="racer", tz="UTC"))
sys.stdin.readline()  # everyone starts together
print(hold(desk, "health-collection", sys.argv[2], timedelta(minutes=3)))
"""


def race(url: str, count: int) -> list[bool]:
    racers = [
        subprocess.Popen([sys.executable, "-c", RACER, url, f"racer-{n}"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
        for n in range(count)
    ]  # fmt: skip
    outputs = [racer.communicate("go\n", timeout=60)[0] for racer in racers]
    return [output.strip() == "True" for output in outputs]


def _fresh(url: str, tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    desk = open_desk(load_settings(db=url, user="lina", tz="UTC"))
    schema.upgrade(desk.store.engine)
    return desk


def test_racing_processes_on_sqlite_one_wins(tmp_path, monkeypatch):
    url = str(tmp_path / "race.db")
    _fresh(url, tmp_path, monkeypatch).store.dispose()
    assert sum(race(url, 6)) == 1


@pytest.mark.slow
def test_racing_processes_on_postgresql_one_wins(postgres_url, tmp_path, monkeypatch):
    _fresh(postgres_url, tmp_path, monkeypatch).store.dispose()
    assert sum(race(postgres_url, 6)) == 1


# -- the scheduled job ------------------------------------------------------------------------


def _settings(desk, **values):
    return load_settings(db=str(desk.store.engine.url.database), user="lina", **values)


def test_only_the_lease_holder_collects(account_desk, fake_server):
    fake_server.behaviour = lambda handler: handler.reply(200, b"not a metrics page")
    add_server(account_desk, "杭州人民医院", "odd", exporter_url=f"{fake_server.url}/metrics")
    settings = _settings(account_desk, health_every=60)
    first = asyncio.run(run_health_round(account_desk, settings, "daemon@a"))
    second = asyncio.run(run_health_round(account_desk, settings, "console@b"))
    assert first is not None and first.samples == 1
    assert second is None
    assert _samples(account_desk) == 1
    release(account_desk, LEASE, "daemon@a")
    assert asyncio.run(run_health_round(account_desk, settings, "console@b")) is not None


def test_a_failing_round_is_logged_never_raised(account_desk, fake_server, monkeypatch, caplog):
    from helpdesk_tui.alerts import health_job

    add_server(account_desk, "杭州人民医院", "odd", exporter_url=f"{fake_server.url}/metrics")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(health_job, "collect_round", broken)
    settings = _settings(account_desk, health_every=60)
    assert asyncio.run(run_health_round(account_desk, settings, "daemon@a")) is None
    assert "health collection round failed" in caplog.text


def test_nothing_to_collect_takes_no_lease(account_desk):
    settings = _settings(account_desk, health_every=60)
    assert asyncio.run(run_health_round(account_desk, settings, "daemon@a")) is None
    assert current(account_desk, LEASE) is None


def test_the_job_runs_every_health_every_seconds_and_0_turns_it_off(account_desk):
    scheduler = AsyncIOScheduler(timezone="UTC")
    assert not add_health_collection(scheduler, account_desk,
                                     _settings(account_desk, health_every=0), "d")  # fmt: skip
    assert scheduler.get_jobs() == []
    assert add_health_collection(scheduler, account_desk,
                                 _settings(account_desk, health_every=45), "d")  # fmt: skip
    [job] = scheduler.get_jobs()
    assert job.trigger.interval == timedelta(seconds=45) and job.max_instances == 1


def _samples(desk) -> int:
    with desk.store.read() as session:
        return session.scalar(select(func.count()).select_from(HealthSample)) or 0
