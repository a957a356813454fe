"""Leases for periodic jobs that must run in one process at a time (health collection):
every console and daemon schedules the job, and only the holder of its lease runs it.

A holder renews its lease each time it runs; when it stops (it quit, it crashed, its
machine went away) the lease lapses after `ttl` and the next process to ask takes it
over. Taking and renewing are one atomic statement on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_
from sqlalchemy.dialects import postgresql, sqlite

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import JobLease

NAME_MAX = 64
HOLDER_MAX = 128


def hold(desk: Desk, name: str, holder: str, ttl: timedelta) -> bool:
    """Take the lease `name` for `holder`, or renew it, until now + ttl. True when
    `holder` holds it now; False while another holder's lease is still running."""
    name, holder = _checked(name, holder)
    if ttl <= timedelta(0):
        raise InvalidInput("a lease needs a positive time to live")
    now = desk.now()
    with desk.store.write() as session:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        take = dialect.insert(JobLease).values(name=name, holder=holder, expires_at=now + ttl)
        statement = take.on_conflict_do_update(
            index_elements=[JobLease.name],
            set_={"holder": take.excluded.holder, "expires_at": take.excluded.expires_at},
            where=or_(JobLease.expires_at < now, JobLease.holder == holder),
        ).returning(JobLease.holder)
        return session.execute(statement).scalar() == holder


def release(desk: Desk, name: str, holder: str) -> bool:
    """Give the lease up at once (a process that stops cleanly); True if it was held."""
    name, holder = _checked(name, holder)
    with desk.store.write() as session:
        gone = session.execute(
            delete(JobLease).where(JobLease.name == name, JobLease.holder == holder)
        )
        return gone.rowcount > 0


def current(desk: Desk, name: str) -> JobLease | None:
    """Who holds the lease (it may have lapsed: compare `expires_at` with now)."""
    with desk.store.read() as session:
        return session.get(JobLease, name)


def _checked(name: str, holder: str) -> tuple[str, str]:
    if not name or len(name) > NAME_MAX:
        raise InvalidInput(f"a lease name of 1 to {NAME_MAX} characters is needed")
    if not holder or len(holder) > HOLDER_MAX:
        raise InvalidInput(f"a lease holder of 1 to {HOLDER_MAX} characters is needed")
    return name, holder
