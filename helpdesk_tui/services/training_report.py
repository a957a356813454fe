"""The training report for a period: per customer, what was planned, held and cancelled,
who was trained, how they rated it, and where the materials came late (seed §1.2).

A session belongs to the period in which it starts, so no session counts in two periods.
- planned: every session starting in the period, whatever became of it;
- held: sessions done; cancelled: sessions cancelled;
- trainees and attended per audience: of held sessions (trainee_count, attended);
- feedback: the average score of held sessions, weighted by how many attended; sessions
  without a score (or nobody attending) carry no weight; None when nothing was scored;
- materials late: sessions not cancelled with a material not ready when due (3 days before
  the start): ready after that, or still not ready once the due moment has passed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.training import Audience, SessionStatus, materials_due
from helpdesk_tui.services.directory import find_customer
from helpdesk_tui.store.models import Customer, TrainingMaterial, TrainingPlan, TrainingSession


@dataclass(frozen=True)
class CustomerTraining:
    customer: str
    planned: int = 0
    held: int = 0
    cancelled: int = 0
    trainees: dict[Audience, int] = field(default_factory=lambda: dict.fromkeys(Audience, 0))
    attended: dict[Audience, int] = field(default_factory=lambda: dict.fromkeys(Audience, 0))
    feedback: float | None = None
    rated: int = 0  # the attendees whose sessions were scored: the weight of `feedback`
    materials_late: int = 0

    @property
    def trainees_total(self) -> int:
        return sum(self.trainees.values())

    @property
    def attended_total(self) -> int:
        return sum(self.attended.values())


@dataclass(frozen=True)
class TrainingReport:
    start: datetime
    end: datetime
    customers: list[CustomerTraining]
    total: CustomerTraining


@dataclass
class _Tally:
    """Running sums for one customer; `figures` turns them into the report's row."""

    planned: int = 0
    held: int = 0
    cancelled: int = 0
    trainees: dict[Audience, int] = field(default_factory=lambda: dict.fromkeys(Audience, 0))
    attended: dict[Audience, int] = field(default_factory=lambda: dict.fromkeys(Audience, 0))
    score_sum: float = 0.0
    rated: int = 0
    materials_late: int = 0

    def add(self, training: TrainingSession, late: bool) -> None:
        status = SessionStatus(training.status)
        self.planned += 1
        self.cancelled += int(status is SessionStatus.CANCELLED)
        self.materials_late += int(late and status is not SessionStatus.CANCELLED)
        if status is not SessionStatus.DONE:
            return
        self.held += 1
        audience = Audience(training.audience)
        self.trainees[audience] += training.trainee_count
        self.attended[audience] += training.attended or 0
        if training.feedback is not None and training.attended:
            self.score_sum += training.feedback * training.attended
            self.rated += training.attended

    def merge(self, other: _Tally) -> None:
        for name in ("planned", "held", "cancelled", "score_sum", "rated", "materials_late"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for audience in Audience:
            self.trainees[audience] += other.trainees[audience]
            self.attended[audience] += other.attended[audience]

    def figures(self, customer: str) -> CustomerTraining:
        return CustomerTraining(
            customer=customer, planned=self.planned, held=self.held, cancelled=self.cancelled,
            trainees=dict(self.trainees), attended=dict(self.attended),
            feedback=self.score_sum / self.rated if self.rated else None,
            rated=self.rated, materials_late=self.materials_late,
        )  # fmt: skip


def training_report(
    session: Session, start: datetime, end: datetime, now: datetime, customer: str | None = None
) -> TrainingReport:
    """Sessions starting in [start, end), per customer (all with sessions, or the one named
    even without any); `now` decides whether a material not ready yet is already late."""
    if end <= start:
        raise InvalidInput("the report period must end after it starts")
    only = find_customer(session, customer) if customer else None
    rows = _sessions(session, start, end, only.id if only else None)
    late = _late_sessions(session, [training for training, _ in rows], now)
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    if only is not None:
        tallies[only.name] = _Tally()
    for training, name in rows:
        tallies[name].add(training, training.id in late)
    total = _Tally()
    for tally in tallies.values():
        total.merge(tally)
    customers = [tallies[name].figures(name) for name in sorted(tallies)]
    return TrainingReport(start, end, customers, total.figures(""))


def _sessions(
    session: Session, start: datetime, end: datetime, customer_id: int | None
) -> list[tuple[TrainingSession, str]]:
    query = (
        select(TrainingSession, Customer.name)
        .join(TrainingPlan, TrainingPlan.id == TrainingSession.plan_id)
        .join(Customer, Customer.id == TrainingPlan.customer_id)
        .where(TrainingSession.start_at >= start, TrainingSession.start_at < end)
        .order_by(TrainingSession.start_at, TrainingSession.id)
    )
    if customer_id is not None:
        query = query.where(Customer.id == customer_id)
    return [(training, name) for training, name in session.execute(query)]


def _late_sessions(
    session: Session, sessions: Iterable[TrainingSession], now: datetime
) -> set[int]:
    due = {training.id: materials_due(training.start_at) for training in sessions}
    late: set[int] = set()
    ids = list(due)
    for start in range(0, len(ids), 500):  # keep each IN (...) well under SQLite's limit
        query = select(TrainingMaterial).where(
            TrainingMaterial.session_id.in_(ids[start : start + 500])
        )
        for material in session.scalars(query):
            if _was_late(material, due[material.session_id], now):
                late.add(material.session_id)
    return late


def _was_late(material: TrainingMaterial, due: datetime, now: datetime) -> bool:
    if material.ready:
        return material.ready_at is not None and material.ready_at > due
    return due <= now
