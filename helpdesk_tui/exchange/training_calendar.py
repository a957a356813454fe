"""Training sessions between the desk and calendar files: what an export holds, and an
import applied through the training use cases.

An import reads and checks the whole file, the plan and the default trainer before it
writes anything, so a file that is not a calendar changes nothing. Then each event is one
transaction of the training services (the only writers, one transaction per use case): an
event that a rule refuses (a busy trainer, an unknown login, a title too long) is skipped
with the reason and the others go in. Events are matched on their UID, so running the same
file again updates instead of duplicating, and an interrupted import is finished by running
it again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.errors import Conflict, InvalidInput, NotFound
from helpdesk_tui.domain.training import Audience, Category, Mode, SessionStatus
from helpdesk_tui.exchange.training_ics import (
    Outcome,
    Person,
    ReadEvent,
    SessionFacts,
    Skipped,
    read_calendar,
    write_calendar,
)
from helpdesk_tui.services import training as use
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer, find_engineer
from helpdesk_tui.store.models import (
    Customer,
    Engineer,
    TrainingMaterial,
    TrainingPlan,
    TrainingSession,
)

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
CALENDAR_NAMES = {"zh": ("培训安排", "{customer}培训"), "en": ("Training", "{customer} training")}


@dataclass(frozen=True)
class Selection:
    """Which sessions to export: those overlapping [start, end), of a plan or a customer."""

    plan_id: int | None = None
    customer: str | None = None
    start: datetime | None = None  # None: from the beginning (only with a plan)
    end: datetime | None = None


@dataclass
class ImportResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def written(self) -> int:
        return len(self.created) + len(self.updated)


# -- export ----------------------------------------------------------------------------------


def export_calendar(desk: Desk, selection: Selection, lang: str) -> tuple[bytes, int]:
    """The selected sessions as an iCalendar file, and how many there are."""
    if selection.start is None and selection.plan_id is None:
        raise InvalidInput("give a period (--from) or a plan (--plan) to export")
    with desk.store.read() as session:
        sessions = _selected(session, selection)
        if not sessions:
            raise InvalidInput("no training sessions match: nothing to export")
        facts = _facts(session, sessions)
        name = _calendar_name(session, selection, lang)
    return write_calendar(name, facts, desk.now()), len(facts)


def _selected(session: Session, selection: Selection) -> list[TrainingSession]:
    if selection.plan_id is not None and session.get(TrainingPlan, selection.plan_id) is None:
        raise NotFound(f"no training plan {selection.plan_id}")
    customer = find_customer(session, selection.customer) if selection.customer else None
    return use.sessions_between(
        session, selection.start or EARLIEST, selection.end or LATEST,
        customer_id=customer.id if customer else None, plan_id=selection.plan_id,
    )  # fmt: skip


def _facts(session: Session, sessions: list[TrainingSession]) -> list[SessionFacts]:
    materials: dict[int, list[TrainingMaterial]] = defaultdict(list)
    ids = [s.id for s in sessions]
    query = select(TrainingMaterial).where(TrainingMaterial.session_id.in_(ids))
    for material in session.scalars(query.order_by(TrainingMaterial.id)):
        materials[material.session_id].append(material)
    managers = _account_managers(session, {s.plan_id for s in sessions})
    logins = {t for s in sessions for t in s.trainers.split(",") if t} | set(managers.values())
    people = {
        e.login: Person(e.login, e.name, e.email)
        for e in session.scalars(select(Engineer).where(Engineer.login.in_(logins)))
    }
    return [
        SessionFacts(
            training=s,
            materials=tuple(materials[s.id or 0]),
            trainers=tuple(people.get(t, Person(t, t)) for t in s.trainers.split(",") if t),
            organizer=people.get(managers.get(s.plan_id, "")),
        )
        for s in sessions
    ]


def _account_managers(session: Session, plan_ids: set[int]) -> dict[int, str]:
    query = (
        select(TrainingPlan.id, Customer.account_manager)
        .join(Customer, Customer.id == TrainingPlan.customer_id)
        .where(TrainingPlan.id.in_(plan_ids))
    )
    return {plan_id: login for plan_id, login in session.execute(query) if login}


def _calendar_name(session: Session, selection: Selection, lang: str) -> str:
    everything, of_customer = CALENDAR_NAMES.get(lang, CALENDAR_NAMES["en"])
    if selection.plan_id is not None:
        plan = session.get(TrainingPlan, selection.plan_id)
        assert plan is not None
        return plan.title
    if selection.customer:
        return of_customer.format(customer=find_customer(session, selection.customer).name)
    return everything


# -- import ----------------------------------------------------------------------------------


def import_calendar(
    desk: Desk, data: bytes, *, plan_id: int, zone: ZoneInfo, trainer: str | None = None
) -> ImportResult:
    """Each event of the file as a session of the plan: created, or updated if its UID
    is known, or skipped with the reason."""
    default = (trainer.strip(),) if trainer and trainer.strip() else ()
    events, skipped = read_calendar(data, plan_id=plan_id, zone=zone, trainers=default)
    with desk.store.read() as session:
        if session.get(TrainingPlan, plan_id) is None:
            raise NotFound(f"no training plan {plan_id}")
        for login in default:
            find_engineer(session, login)
    result = ImportResult(skipped=list(skipped))
    for event in events:
        try:
            kind, session_id = _apply(desk, event)
        except (InvalidInput, Conflict) as error:
            result.skipped.append(Skipped(event.session.uid, event.session.title, str(error)))
        else:
            getattr(result, kind).append(session_id)
    return result


def _apply(desk: Desk, event: ReadEvent) -> tuple[str, int]:
    new = event.session
    with desk.store.read() as session:
        query = select(TrainingSession).where(TrainingSession.uid == new.uid)
        existing = session.scalars(query).first()
    if event.outcome is not None and new.start_at > desk.now():
        raise InvalidInput("the event has an outcome but has not started yet")
    if existing is None:
        made = use.add_session(desk, new)
        assert made.id is not None
        _record(desk, made.id, event.outcome)
        return "created", made.id
    assert existing.id is not None and existing.version is not None
    _check_replaceable(existing, event)
    changes = _changes(existing, new)
    outcome = event.outcome if event.outcome != _outcome_of(existing) else None
    if not changes and outcome is None:
        return "unchanged", existing.id
    if changes:
        use.update_session(desk, existing.id, changes, expected_version=existing.version)
    _record(desk, existing.id, outcome)
    return "updated", existing.id


def _check_replaceable(existing: TrainingSession, event: ReadEvent) -> None:
    if existing.plan_id != event.session.plan_id:
        raise InvalidInput(
            f"UID is session {existing.id} of plan {existing.plan_id}, "
            f"not of plan {event.session.plan_id}"
        )
    # A file we wrote carries the session's version as SEQUENCE: an older file must not
    # silently undo what the desk changed since (the optimistic lock, across files).
    version = existing.version or 0
    if event.ours and event.sequence is not None and event.sequence < version:
        raise InvalidInput(
            f"session {existing.id} changed since this file was written "
            f"(version {version}, the file has {event.sequence}): export it again"
        )


def _changes(existing: TrainingSession, new: use.SessionFields) -> dict:
    current = {
        "title": existing.title,
        "category": Category(existing.category),
        "audience": Audience(existing.audience),
        "start_at": existing.start_at,
        "end_at": existing.end_at,
        "trainers": tuple(t for t in existing.trainers.split(",") if t),
        "mode": Mode(existing.mode),
        "place": existing.place,
        "trainees": tuple(n for n in existing.trainees.splitlines() if n),
        "trainee_count": existing.trainee_count,
        "status": SessionStatus(existing.status),
        "language": existing.language,
    }
    return {name: getattr(new, name) for name, value in current.items()
            if getattr(new, name) != value}  # fmt: skip


def _outcome_of(training: TrainingSession) -> Outcome | None:
    if training.attended is None:
        return None
    return Outcome(training.attended, training.feedback, training.feedback_notes)


def _record(desk: Desk, session_id: int, outcome: Outcome | None) -> None:
    if outcome is not None:
        use.record_outcome(desk, session_id, outcome.attended, outcome.feedback, outcome.notes)
