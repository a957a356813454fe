"""Alert use cases: the sweep that claims what fell due, delivery bookkeeping, ack, snooze.

Exactly once across processes (DESIGN.md §4): a due moment becomes an `alert_claims` row
through `INSERT … ON CONFLICT DO NOTHING` on its unique key; only the process whose insert
went in delivers it. A claim not marked delivered when its lease runs out (the deliverer
died) is taken over by the next sweep, by a conditional UPDATE that one process wins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from helpdesk_tui.domain.alert_rules import Moment, sweep_step
from helpdesk_tui.domain.errors import InvalidInput, NotFound
from helpdesk_tui.services.alert_source import About, AlertSource
from helpdesk_tui.services.audit import record
from helpdesk_tui.services.backup_plans import BackupPlanAlerts
from helpdesk_tui.services.cloud import RenewalAlerts
from helpdesk_tui.services.contracts import ContractAlerts
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.health_alerts import HealthAlerts
from helpdesk_tui.services.recovery_plans import RecoveryPlanAlerts
from helpdesk_tui.services.ticket_alerts import TicketAlerts
from helpdesk_tui.services.training_alerts import TrainingAlerts
from helpdesk_tui.services.visit_alerts import VisitAlerts
from helpdesk_tui.store.models import AlertClaim, AlertTimer, Engineer

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)  # longer than the slowest delivery (channel timeouts ~10 s)
BATCH = 500
SNOOZE_MAX = timedelta(hours=24)


SOURCES: dict[str, AlertSource] = {
    "ticket": TicketAlerts(),
    "training": TrainingAlerts(),
    "renewal": RenewalAlerts(),
    "backup": BackupPlanAlerts(),
    "health": HealthAlerts(),
    "drill": RecoveryPlanAlerts(),
    "visit": VisitAlerts(),
    "contract": ContractAlerts(),
}


def register_source(kind: str, source: AlertSource) -> None:
    SOURCES[kind] = source


# -- the sweep ---------------------------------------------------------------------------


def sweep(desk: Desk, owner: str, *, batch: int = BATCH) -> list[int]:
    """Claim what has fallen due (at most `batch` timers) and what a dead process left;
    returns the ids this process must now deliver. Reads only due timers (indexed)."""
    now = desk.now()
    with desk.store.write() as session:
        due = (
            select(AlertTimer)
            .where(AlertTimer.next_at <= now)
            .order_by(AlertTimer.next_at)
            .limit(batch)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite's write lock does this
        )
        claimed: list[int] = []
        for timer in session.scalars(due).all():
            claimed += _advance(session, desk, timer, owner, now)
        claimed += _take_over_stale(session, owner, now, batch)
        return claimed


def next_timer_at(desk: Desk) -> datetime | None:
    """When the next alert moment comes, for a one-shot wake-up at exactly that time."""
    with desk.store.read() as session:
        return session.scalar(select(func.min(AlertTimer.next_at)))


def _advance(
    session: Session, desk: Desk, timer: AlertTimer, owner: str, now: datetime
) -> list[int]:
    kind, _, raw_id = timer.subject.partition(":")
    source = SOURCES.get(kind)
    if source is None or not raw_id.isdigit():
        log.warning("no alert source for %r; its timer is stopped", timer.subject)
        timer.next_at = None
        return []
    schedule = source.schedule(session, desk, int(raw_id), timer.target)
    step = sweep_step(schedule, timer.fired_upto, timer.acked_due_at, now)
    timer.next_at, timer.fired_upto = step.next_at, step.fired_upto
    if step.fire is None:
        return []
    about = source.about(session, desk, int(raw_id), step.fire, now)
    claim_id = _claim(session, timer.subject, step.fire, about, owner, now)
    return [claim_id] if claim_id is not None else []


def _claim(
    session: Session, subject: str, moment: Moment, about: About, owner: str, now: datetime
) -> int | None:
    values = {
        "subject": subject,
        "ticket_id": about.ticket_id,
        "target": moment.target,
        "threshold": moment.threshold,
        "due_at": moment.at,
        "repeat": moment.repeat,
        "level": moment.level(),
        "fired_at": now,
        "late": moment.is_late(now),
        "claimed_by": owner[:128],
        "lease_until": now + LEASE,
        "recipients": ",".join(about.recipients)[:400],
        "summary": about.summary[:300],
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(AlertClaim)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["subject", "target", "threshold", "due_at"])
        .returning(AlertClaim.id)
    )
    return session.execute(statement).scalar()


def _take_over_stale(session: Session, owner: str, now: datetime, batch: int) -> list[int]:
    stale = (
        select(AlertClaim.id)
        .where(AlertClaim.delivered_at.is_(None), AlertClaim.lease_until < now)
        .limit(batch)
    )
    ids = list(session.scalars(stale))
    if not ids:
        return []
    taken = (
        update(AlertClaim)
        .where(
            AlertClaim.id.in_(ids),
            AlertClaim.delivered_at.is_(None),
            AlertClaim.lease_until < now,  # checked again: another process may have won
        )
        .values(claimed_by=owner[:128], lease_until=now + LEASE)
        .returning(AlertClaim.id)
    )
    return sorted(session.scalars(taken))


# -- delivery ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Addressee:
    login: str
    name: str
    email: str
    phone: str
    channels: frozenset[str]  # the engineer's notify_via


@dataclass(frozen=True)
class AlertMessage:
    alert_id: int
    ticket_id: int | None
    target: str
    threshold: int
    repeat: int
    level: str
    due_at: datetime
    late: bool
    summary: str
    addressees: tuple[Addressee, ...]
    subject: str = ""  # "ticket:42", "training:7" ...


def deliver(
    desk: Desk, owner: str, claim_ids: list[int], send: Callable[[AlertMessage], str]
) -> int:
    """Hand each claimed alert to `send` (the channels; it never raises and says what
    happened in one line), then mark it delivered, if this process still holds it."""
    delivered = 0
    for claim_id in claim_ids:
        message = alert_message(desk, claim_id)
        if message is None:
            continue
        outcome = send(message)
        with desk.store.write() as session:
            marked = session.execute(
                update(AlertClaim)
                .where(
                    AlertClaim.id == claim_id,
                    AlertClaim.claimed_by == owner[:128],
                    AlertClaim.delivered_at.is_(None),
                )
                .values(delivered_at=desk.now(), delivered_by=f"{owner} {outcome}"[:128])
            )
            delivered += marked.rowcount
    return delivered


def alert_message(desk: Desk, claim_id: int) -> AlertMessage | None:
    with desk.store.read() as session:
        claim = session.get(AlertClaim, claim_id)
        if claim is None:
            return None
        logins = [login for login in claim.recipients.split(",") if login]
        people = session.scalars(select(Engineer).where(Engineer.login.in_(logins))).all()
        addressees = tuple(
            Addressee(
                e.login, e.name, e.email, e.phone,
                frozenset(c.strip() for c in e.notify_via.split(",") if c.strip()),
            )
            for e in people
        )  # fmt: skip
        return AlertMessage(
            claim.id, claim.ticket_id, claim.target, claim.threshold, claim.repeat,
            claim.level, claim.due_at, claim.late, claim.summary, addressees, claim.subject,
        )  # fmt: skip


# -- people acting on alerts ----------------------------------------------------------------


def acknowledge(desk: Desk, alert_id: int) -> AlertClaim:
    """Ack one alert and the older open ones of the same target; acking a breach stops
    its reminders (until the deadline moves and breaches again)."""
    now = desk.now()
    with desk.store.write() as session:
        claim = _load(session, alert_id)
        if claim.acked_at is not None:
            raise InvalidInput(f"alert {alert_id} was acknowledged by {claim.acked_by} already")
        session.execute(
            update(AlertClaim)
            .where(
                AlertClaim.subject == claim.subject,
                AlertClaim.target == claim.target,
                AlertClaim.acked_at.is_(None),
                AlertClaim.id <= claim.id,
            )
            .values(acked_at=now, acked_by=desk.actor[:64])
        )
        if claim.threshold >= 100:
            _stop_reminders(session, desk, claim)
        record(session, desk, "alert", claim.id, "ack", {"subject": claim.subject})
        session.refresh(claim)
        return claim


def snooze(desk: Desk, alert_id: int, minutes: int) -> AlertClaim:
    """Hide an alert for a while; its target stays quiet until then, and whatever fell
    due meanwhile fires once when the snooze ends."""
    length = timedelta(minutes=minutes)
    if not timedelta(minutes=1) <= length <= SNOOZE_MAX:
        raise InvalidInput("snooze for 1 minute to 24 hours")
    until = desk.now() + length
    with desk.store.write() as session:
        claim = _load(session, alert_id)
        if claim.acked_at is not None:
            raise InvalidInput(f"alert {alert_id} is acknowledged; nothing to snooze")
        claim.snoozed_until = until
        timer = _timer(session, claim)
        if timer is not None and timer.next_at is not None and timer.next_at < until:
            timer.next_at = until
        record(session, desk, "alert", claim.id, "snooze", {"until": until.isoformat()})
        return claim


def _stop_reminders(session: Session, desk: Desk, claim: AlertClaim) -> None:
    timer = _timer(session, claim)
    kind, _, raw_id = claim.subject.partition(":")
    source = SOURCES.get(kind)
    if timer is None or source is None:
        return
    schedule = source.schedule(session, desk, int(raw_id), claim.target)
    if schedule is not None:
        timer.acked_due_at = schedule.due_at
        step = sweep_step(schedule, timer.fired_upto, timer.acked_due_at, desk.now())
        timer.next_at = step.next_at


def _timer(session: Session, claim: AlertClaim) -> AlertTimer | None:
    query = select(AlertTimer).where(
        AlertTimer.subject == claim.subject, AlertTimer.target == claim.target
    )
    return session.scalars(query).first()


def _load(session: Session, alert_id: int) -> AlertClaim:
    claim = session.get(AlertClaim, alert_id)
    if claim is None:
        raise NotFound(f"no alert {alert_id}")
    return claim


# -- reading ---------------------------------------------------------------------------------

STATES = ("active", "acked", "all")


def list_alerts(
    session: Session, now: datetime, state: str = "active", *, limit: int = 200,
    after_id: int = 0, login: str = "",
) -> list[AlertClaim]:  # fmt: skip
    """Newest first. active: not acknowledged and not snoozed; acked; all."""
    if state not in STATES:
        raise InvalidInput(f"unknown alert state {state!r}: expected {', '.join(STATES)}")
    if not 1 <= limit <= 10_000:
        raise InvalidInput("limit: expected 1 to 10000")
    query = select(AlertClaim).where(AlertClaim.id > after_id)
    if state == "active":
        query = query.where(
            AlertClaim.acked_at.is_(None),
            (AlertClaim.snoozed_until.is_(None)) | (AlertClaim.snoozed_until <= now),
        )
    elif state == "acked":
        query = query.where(AlertClaim.acked_at.is_not(None))
    if login:
        listed = literal(",") + AlertClaim.recipients + literal(",")
        query = query.where(listed.contains(f",{login},", autoescape=True))
    return list(session.scalars(query.order_by(AlertClaim.id.desc()).limit(limit)))


def claim_once(desk: Desk, subject: str, due_at: datetime, owner: str) -> bool:
    """For a job that must run once across every process (the daily backup): True for the
    one process whose claim of (subject, due_at) went in. Recorded like an alert, so the
    alert list shows who did it."""
    moment = Moment("job", 100, due_at, fixed_level="info")
    with desk.store.write() as session:
        claimed = _claim(session, subject, moment, About(subject, None, []), owner, desk.now())
        if claimed is not None:
            session.execute(
                update(AlertClaim)
                .where(AlertClaim.id == claimed)
                .values(delivered_at=desk.now(), delivered_by=owner[:128], acked_at=desk.now(),
                        acked_by="-")
            )  # fmt: skip
        return claimed is not None
