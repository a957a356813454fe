"""Training use cases: plans, sessions, their materials and outcomes (seed §1.2)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk_tui.domain import limits
from helpdesk_tui.domain.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from helpdesk_tui.domain.training import (
    Audience,
    Category,
    Medium,
    Mode,
    SessionStatus,
    Slot,
    check_outcome,
    check_trainers_free,
    session_end,
)
from helpdesk_tui.services.audit import record
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer, find_engineer
from helpdesk_tui.services.terms import contract_in_force
from helpdesk_tui.services.training_alerts import sync_training_timers
from helpdesk_tui.store.models import TrainingMaterial, TrainingPlan, TrainingSession

LANGUAGES = ("zh", "en")
MAX_TRAINEES = 10_000


@dataclass(frozen=True)
class SessionFields:
    plan_id: int
    title: str
    start_at: datetime
    trainers: tuple[str, ...]
    category: Category = Category.OPERATION
    audience: Audience = Audience.USERS
    end_at: datetime | None = None
    mode: Mode = Mode.CLASSROOM
    place: str = ""
    trainees: tuple[str, ...] = ()
    trainee_count: int | None = None  # None: the number of names given
    status: SessionStatus = SessionStatus.PROPOSED
    language: str = "zh"
    materials: tuple[Medium, ...] = (Medium.PAPER, Medium.ELECTRONIC)
    uid: str = ""  # kept from an imported calendar; made up otherwise


EDITABLE = set(SessionFields.__dataclass_fields__) - {"plan_id", "uid", "materials"}


def add_plan(
    desk: Desk, customer: str, title: str, *, notes: str = "", at: datetime | None = None
) -> TrainingPlan:
    title = limits.required_text(title, "plan title", limits.TITLE_MAX)
    notes = limits.bounded_text(notes, "notes", limits.TEXT_MAX)
    with desk.store.write() as session:
        owner = find_customer(session, customer)
        contract = contract_in_force(session, owner.id, at or desk.now())
        plan = TrainingPlan(customer_id=owner.id, contract_id=contract.id if contract else None,
                            title=title, notes=notes)  # fmt: skip
        session.add(plan)
        session.flush()
        record(session, desk, "training_plan", plan.id, "create", {"title": title})
        return plan


def add_session(desk: Desk, new: SessionFields) -> TrainingSession:
    values = _checked(new)
    with desk.store.write() as session:
        if session.get(TrainingPlan, new.plan_id) is None:
            raise NotFound(f"no training plan {new.plan_id}")
        _check_trainers(session, values["trainers"].split(","))
        if values["uid"] and _by_uid(session, values["uid"]) is not None:
            raise InvalidInput(f"a session with uid {values['uid']!r} exists already")
        values["uid"] = values["uid"] or f"{uuid.uuid4()}@helpdesk_tui"
        _check_free(session, desk, None, values)
        training = TrainingSession(plan_id=new.plan_id, **values)
        session.add(training)
        session.flush()
        for medium in new.materials:
            title = f"{training.title} ({medium.zh})"[: limits.TITLE_MAX]
            session.add(TrainingMaterial(session_id=training.id, title=title, medium=medium.value))
        session.flush()
        record(session, desk, "training_session", training.id, "create", _snapshot(training))
        sync_training_timers(session, desk, training)
        return training


def update_session(
    desk: Desk, session_id: int, changes: dict, *, expected_version: int | None = None
) -> TrainingSession:
    """Change fields of a session (the same names as SessionFields); re-checks every rule."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput(f"cannot change {sorted(unknown)[0]!r} of a session")
    with desk.store.write() as session:
        training = _load(session, session_id, expected_version)
        current = _as_new(training)
        if "start_at" in changes and "end_at" not in changes:  # a move keeps its length
            changes = {
                **changes,
                "end_at": changes["start_at"] + (training.end_at - training.start_at),
            }
        merged = SessionFields(**{**current.__dict__, **changes, "materials": ()})
        values = _checked(merged)
        _check_trainers(session, values["trainers"].split(","))
        _check_free(session, desk, training.id, values)
        before = _snapshot(training)
        for name, value in values.items():
            if name != "uid":
                setattr(training, name, value)
        record(session, desk, "training_session", training.id, "update",
               {"before": before, "after": _snapshot(training)})  # fmt: skip
        sync_training_timers(session, desk, training)
        return training


def set_status(
    desk: Desk, session_id: int, status: SessionStatus, *, expected_version: int | None = None
) -> TrainingSession:
    with desk.store.write() as session:
        training = _load(session, session_id, expected_version)
        before = SessionStatus(training.status)
        if before in (SessionStatus.DONE, SessionStatus.CANCELLED) and status is not before:
            raise IllegalTransition(f"session {session_id} is {before.value}: it stays so")
        if status is SessionStatus.DONE and training.start_at > desk.now():
            raise IllegalTransition(f"session {session_id} has not started yet")
        training.status = status.value
        record(session, desk, "training_session", training.id, "status",
               {"from": before.value, "to": status.value})  # fmt: skip
        sync_training_timers(session, desk, training)
        return training


def record_outcome(
    desk: Desk, session_id: int, attended: int, feedback: float | None, notes: str = "",
    *, expected_version: int | None = None,
) -> TrainingSession:  # fmt: skip
    """After the session: who came and how they rated it; the session is then done."""
    notes = limits.bounded_text(notes, "feedback notes", limits.TEXT_MAX)
    with desk.store.write() as session:
        training = _load(session, session_id, expected_version)
        check_outcome(attended, training.trainee_count, feedback)
        if SessionStatus(training.status) is SessionStatus.CANCELLED:
            raise IllegalTransition(f"session {session_id} was cancelled")
        if training.start_at > desk.now():
            raise IllegalTransition(f"session {session_id} has not started yet")
        training.attended, training.feedback = attended, feedback
        training.feedback_notes, training.status = notes, SessionStatus.DONE.value
        record(session, desk, "training_session", training.id, "outcome",
               {"attended": attended, "feedback": feedback})  # fmt: skip
        sync_training_timers(session, desk, training)
        return training


def set_material_ready(desk: Desk, material_id: int, ready: bool) -> TrainingMaterial:
    with desk.store.write() as session:
        material = session.get(TrainingMaterial, material_id)
        if material is None:
            raise NotFound(f"no training material {material_id}")
        material.ready, material.ready_at = ready, desk.now() if ready else None
        record(session, desk, "training_material", material.id, "ready" if ready else "not_ready",
               {"session": material.session_id})  # fmt: skip
        training = session.get(TrainingSession, material.session_id)
        assert training is not None
        sync_training_timers(session, desk, training)
        return material


# -- reading -------------------------------------------------------------------------------


def sessions_between(
    session: Session, start: datetime, end: datetime, *, customer_id: int | None = None,
    plan_id: int | None = None,
) -> list[TrainingSession]:  # fmt: skip
    """Sessions overlapping [start, end), in time order."""
    query = select(TrainingSession).where(
        TrainingSession.start_at < end, TrainingSession.end_at > start
    )
    if plan_id is not None:
        query = query.where(TrainingSession.plan_id == plan_id)
    if customer_id is not None:
        query = query.join(TrainingPlan).where(TrainingPlan.customer_id == customer_id)
    return list(session.scalars(query.order_by(TrainingSession.start_at, TrainingSession.id)))


def materials_of(session: Session, session_id: int) -> list[TrainingMaterial]:
    query = select(TrainingMaterial).where(TrainingMaterial.session_id == session_id)
    return list(session.scalars(query.order_by(TrainingMaterial.id)))


# -- checks ----------------------------------------------------------------------------------


def _checked(new: SessionFields) -> dict:
    if new.start_at.tzinfo is None or (new.end_at is not None and new.end_at.tzinfo is None):
        raise InvalidInput("session start and end need a time zone")
    if new.language not in LANGUAGES:
        raise InvalidInput(f"language {new.language!r}: expected zh or en")
    names = [limits.required_text(n, "trainee name", limits.NAME_MAX) for n in new.trainees]
    count = len(names) if new.trainee_count is None else new.trainee_count
    if not 0 <= count <= MAX_TRAINEES or count < len(names):
        raise InvalidInput("trainee count: expected at least the names given, at most 10000")
    trainers = [t.strip() for t in new.trainers if t.strip()]
    if not trainers:
        raise InvalidInput("a training session needs at least one trainer")
    return {
        "title": limits.required_text(new.title, "session title", limits.TITLE_MAX),
        "category": Category(new.category).value,
        "audience": Audience(new.audience).value,
        "trainee_count": count,
        "trainees": "\n".join(names),
        "trainers": ",".join(dict.fromkeys(trainers))[:300],
        "mode": Mode(new.mode).value,
        "place": limits.bounded_text(new.place, "place", 300),
        "start_at": new.start_at,
        "end_at": session_end(new.start_at, new.end_at),
        "status": SessionStatus(new.status).value,
        "language": new.language,
        "uid": limits.bounded_text(new.uid, "uid", 255),
    }


def _check_trainers(session: Session, logins: list[str]) -> None:
    for login in logins:
        find_engineer(session, login)


def _check_free(session: Session, desk: Desk, session_id: int | None, values: dict) -> None:
    if values["status"] == SessionStatus.CANCELLED.value:
        return
    new = _slot(desk, session_id, values["title"], values["trainers"], values["start_at"],
                values["end_at"])  # fmt: skip
    around = sessions_between(session, values["start_at"], values["end_at"])
    check_trainers_free(new, [
        _slot(desk, s.id, s.title, s.trainers, s.start_at, s.end_at)
        for s in around if s.status != SessionStatus.CANCELLED.value
    ])  # fmt: skip


def _slot(desk: Desk, session_id, title, trainers: str, start, end) -> Slot:
    """In the desk's zone, so a refusal names the times as the user reads them."""
    people = frozenset(t for t in trainers.split(",") if t)
    return Slot(session_id, title, people, start.astimezone(desk.zone), end.astimezone(desk.zone))


def _load(session: Session, session_id: int, expected_version: int | None) -> TrainingSession:
    training = session.get(TrainingSession, session_id)
    if training is None:
        raise NotFound(f"no training session {session_id}")
    if expected_version is not None and training.version != expected_version:
        raise Conflict(f"training session {session_id} was changed meanwhile; reload it")
    return training


def _by_uid(session: Session, uid: str) -> TrainingSession | None:
    return session.scalars(select(TrainingSession).where(TrainingSession.uid == uid)).first()


def _as_new(training: TrainingSession) -> SessionFields:
    return SessionFields(
        plan_id=training.plan_id, title=training.title, start_at=training.start_at,
        end_at=training.end_at, trainers=tuple(training.trainers.split(",")),
        category=Category(training.category), audience=Audience(training.audience),
        mode=Mode(training.mode), place=training.place,
        trainees=tuple(n for n in training.trainees.splitlines() if n),
        trainee_count=training.trainee_count, status=SessionStatus(training.status),
        language=training.language, uid=training.uid,
    )  # fmt: skip


def _snapshot(training: TrainingSession) -> dict:
    return {
        "title": training.title, "start_at": training.start_at.isoformat(),
        "end_at": training.end_at.isoformat(), "trainers": training.trainers,
        "status": training.status, "audience": training.audience,
        "trainee_count": training.trainee_count,
    }  # fmt: skip
