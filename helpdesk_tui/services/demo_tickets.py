"""Demo tickets made fast: a plausible history per ticket, deadlines by the real SLA rules.

This is the hot loop of `helpdesk demo` (a million tickets must take under a minute),
so weighted choices are drawn from pre-expanded pools and rows are built as tuples.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from helpdesk_tui.domain.calendar import WorkCalendar
from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.coverage import coverage_on
from helpdesk_tui.domain.lifecycle import Status
from helpdesk_tui.domain.severity import Severity, SlaPolicy
from helpdesk_tui.domain.sla import ClockFacts, Pause, deadlines, fix_used
from helpdesk_tui.store.bulk import PreparedRows, insert_prepared, prepare
from helpdesk_tui.store.models import ClockPause, Ticket, WorkLogEntry

RECENT_SHARE = 0.12  # of the tickets, reported in the last RECENT_DAYS ...
OPEN_IN_RECENT = 0.85  # ... and mostly still open: about 10 % of all tickets are open
RECENT_DAYS, OLD_DAYS = 4, 365
NEW_FOR_AT_MOST = timedelta(hours=6)  # nobody leaves a ticket unanswered for longer
SEED_BLOCK = 500  # tickets drawn from one seeded generator; chunks are multiples of it


def _pick(rng: random.Random, items: Sequence[Any]) -> Any:
    # Random.choice costs several times more; this is the innermost loop.
    return items[int(rng.random() * len(items))]


def _pool(weights: dict[Any, int]) -> list[Any]:
    """A list in which each item appears as often as its weight: a weighted pick is a choice."""
    return [item for item, weight in weights.items() for _ in range(weight)]


SEVERITIES = _pool(
    {Severity.URGENT: 5, Severity.SERIOUS: 15, Severity.MEDIUM: 40, Severity.MINOR: 40}
)
CHANNELS = _pool(
    {
        Channel.PHONE: 40,
        Channel.EMAIL: 25,
        Channel.FAX: 5,
        Channel.MONITORING: 15,
        Channel.VISIT: 5,
        Channel.SURVEY: 5,
        Channel.PROACTIVE: 5,
    }
)
OPEN_STATUSES = _pool(
    {Status.NEW: 30, Status.RESPONDED: 15, Status.IN_PROGRESS: 35, Status.WAITING: 20}
)
CLOSED_STATUSES = _pool({Status.RESOLVED: 15, Status.ACCEPTED: 75, Status.CANCELLED: 10})
RATINGS = _pool({5: 50, 4: 30, 3: 12, 2: 5, 1: 3})

TICKET_COLUMNS = (
    "id", "title", "description", "customer_id", "contact_id", "contract_id", "severity",
    "status", "channel", "assignee_id", "created_by", "reported_at", "created_at", "updated_at",
    "first_response_at", "resolved_at", "accepted_at", "cancelled_at", "response_due_at",
    "resolve_due_at", "fix_remaining_seconds", "paused_seconds", "next_due_at", "is_open",
    "resolution_summary", "rating", "acceptance_comment", "version", "coverage",
    "response_work_seconds", "response_wall_seconds", "fix_work_seconds", "fix_wall_seconds",
)  # fmt: skip
PAUSE_COLUMNS = ("ticket_id", "status", "started_at", "ended_at")
LOG_COLUMNS = ("ticket_id", "at", "author", "kind", "minutes", "text")


@dataclass(frozen=True)
class Terms:
    """What a customer's tickets run under."""

    customer_id: int
    contact_ids: list[int]
    contract_id: int
    calendar: WorkCalendar
    policy: SlaPolicy
    # The contract's dates, for the coverage of a ticket reported on a day of `zone`
    # (the desk's zone, as `services.tickets` dates it).
    starts_on: date | None = None
    ends_on: date | None = None
    warranty_ends_on: date | None = None
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))

    def coverage_on(self, reported_at: datetime) -> str:
        day = reported_at.astimezone(self.zone).date()
        return coverage_on(day, starts_on=self.starts_on, ends_on=self.ends_on,
                           warranty_ends_on=self.warranty_ends_on).value  # fmt: skip


TABLES = {t.name: t for t in (Ticket.__table__, ClockPause.__table__, WorkLogEntry.__table__)}


@dataclass
class Chunk:
    tickets: list[tuple[Any, ...]] = field(default_factory=list)
    pauses: list[tuple[Any, ...]] = field(default_factory=list)
    logs: list[tuple[Any, ...]] = field(default_factory=list)

    def prepare(self, for_sqlite: bool) -> list[PreparedRows]:
        return [
            prepare(Ticket.__table__, TICKET_COLUMNS, self.tickets, for_sqlite=for_sqlite),
            prepare(ClockPause.__table__, PAUSE_COLUMNS, self.pauses, for_sqlite=for_sqlite),
            prepare(WorkLogEntry.__table__, LOG_COLUMNS, self.logs, for_sqlite=for_sqlite),
        ]


def insert_chunk(connection: Connection, prepared: list[PreparedRows]) -> None:
    for batch in prepared:
        insert_prepared(connection, TABLES, batch)


@dataclass(frozen=True)
class _History:
    status: Status
    reported: datetime
    responded: datetime | None = None
    resolved: datetime | None = None
    accepted: datetime | None = None
    cancelled: datetime | None = None
    pause: Pause | None = None
    last: datetime | None = None


class TicketFactory:
    def __init__(
        self,
        words: dict[str, Any],
        terms: list[Terms],
        assignees: list[tuple[int, str]],  # (id, login) of who can take tickets
        now: datetime,
        actor: str,
        seed: int,
        base_id: int,
        count: int,
    ) -> None:
        self.words, self.terms, self.assignees = words, terms, assignees
        self.now, self.actor = now, actor
        self.seed, self.base_id, self.count = seed, base_id, count
        self.steps = words["work"]["steps"]
        self.summaries = words["work"]["summaries"]
        self.comments = words["work"]["comments"]

    def chunk(self, start: int, count: int) -> Chunk:
        """Tickets start.. start+count-1. Every block of SEED_BLOCK tickets has a generator
        of its own, so the data is the same however the work is cut into chunks."""
        chunk = Chunk()
        rng = self._rng_for(start)
        for ticket_id in range(start, start + count):
            if (ticket_id - self.base_id) % SEED_BLOCK == 0:
                rng = self._rng_for(ticket_id)
            self._one(chunk, rng, ticket_id)
        return chunk

    def _rng_for(self, ticket_id: int) -> random.Random:
        block = (ticket_id - self.base_id) // SEED_BLOCK
        return random.Random(f"{self.seed}:{block}")

    def _one(self, chunk: Chunk, rng: random.Random, ticket_id: int) -> None:
        terms = _pick(rng, self.terms)
        severity = _pick(rng, SEVERITIES)
        targets = terms.policy.targets[severity]
        history = self._history(rng, ticket_id, targets.response, targets.fix)
        pauses = (history.pause,) if history.pause else ()
        facts = ClockFacts(
            history.reported,
            history.responded,
            history.resolved,
            history.cancelled,
            pauses,
        )
        due = deadlines(facts, terms.calendar, targets.response, targets.fix)
        status = history.status
        accepted = history.accepted is not None
        unassigned = status is Status.NEW and rng.random() < 0.5
        assignee_id, assignee_login = (None, None) if unassigned else _pick(rng, self.assignees)
        author = assignee_login or self.actor
        chunk.tickets.append(
            (
                ticket_id,
                _pick(rng, self.words["titles"][severity.value]),
                "",
                terms.customer_id,
                _pick(rng, terms.contact_ids) if terms.contact_ids else None,
                terms.contract_id,
                severity.value,
                status.value,
                _pick(rng, CHANNELS).value,
                assignee_id,
                self.actor,
                facts.reported_at,
                facts.reported_at,
                history.last or facts.reported_at,
                history.responded,
                history.resolved,
                history.accepted,
                history.cancelled,
                due.response_due_at,
                due.resolve_due_at,
                due.fix_remaining.total_seconds() if due.fix_remaining is not None else None,
                0.0,
                due.next_due_at(facts),
                status.is_open,
                _pick(rng, self.summaries) if history.resolved else "",
                _pick(rng, RATINGS) if accepted else None,
                _pick(rng, self.comments) if accepted else "",
                1,
                terms.coverage_on(facts.reported_at),
                *_report_times(facts, terms.calendar),
            )
        )
        if history.pause:
            chunk.pauses.append(
                (
                    ticket_id,
                    status.value if status is Status.WAITING else "resolved",
                    history.pause.start,
                    None,
                )
            )
        if history.responded:
            chunk.logs.append(
                (ticket_id, history.responded, author, "response", 15, _pick(rng, self.steps))
            )
        if history.resolved:
            chunk.logs.append(
                (ticket_id, history.resolved, author, "summary", 60, _pick(rng, self.summaries))
            )

    def _reported_at(self, rng: random.Random, ticket_id: int) -> tuple[datetime, bool]:
        """Ids grow with time, as on a real desk (which also keeps index inserts sequential):
        most tickets spread over the past year, the newest RECENT_SHARE over the last days."""
        k = ticket_id - self.base_id
        cut = int(self.count * (1 - RECENT_SHARE))
        if k < cut:
            age = OLD_DAYS - (OLD_DAYS - RECENT_DAYS) * (k + rng.random()) / cut
            return self.now - timedelta(days=age), False
        age = RECENT_DAYS * (1 - (k - cut + rng.random()) / (self.count - cut))
        return self.now - timedelta(days=age), True

    def _history(
        self, rng: random.Random, ticket_id: int, response: timedelta, fix: timedelta
    ) -> _History:
        """Pick a status and invent the moments that lead to it, all before `now`."""
        now = self.now
        reported, recent = self._reported_at(rng, ticket_id)
        if recent and rng.random() < OPEN_IN_RECENT:
            status = _pick(rng, OPEN_STATUSES)
            if status is Status.NEW and now - reported > NEW_FOR_AT_MOST:
                status = Status.RESPONDED
        else:
            status = _pick(rng, CLOSED_STATUSES)
        responded = reported + response * (0.05 + rng.random() * 1.25)
        if status is Status.NEW or responded > now:
            return _History(Status.NEW, reported)
        if status is Status.CANCELLED:
            return _History(status, reported, cancelled=responded, last=responded)
        if status in (Status.RESPONDED, Status.IN_PROGRESS):
            return _History(status, reported, responded, last=responded)
        if status is Status.WAITING:
            start = responded + (now - responded) * (0.1 + rng.random() * 0.8)
            return _History(status, reported, responded, pause=Pause(start), last=start)
        resolved = min(responded + fix * (0.2 + rng.random()), now)
        if status is Status.RESOLVED:
            return _History(
                status, reported, responded, resolved, pause=Pause(resolved), last=resolved
            )
        accepted = min(resolved + timedelta(hours=1 + rng.random() * 71), now)
        return _History(
            status, reported, responded, resolved, accepted, pause=Pause(resolved), last=accepted
        )


def _report_times(facts: ClockFacts, calendar: WorkCalendar) -> tuple[float | None, ...]:
    """Time to respond and to fix, working and wall, as `services.tickets._record_times`
    stores them: working time on the contract's calendar, fix clock pauses excluded.
    On a 24x7 calendar with no pause before the fix, working time is wall time: the
    calendar is not asked (this is the hot loop)."""
    response_work = response_wall = fix_work = fix_wall = None
    reported, answered, resolved = facts.reported_at, facts.first_response_at, facts.resolved_at
    always_on = calendar.is_always_on
    if answered is not None:
        response_wall = (answered - reported).total_seconds()
        response_work = (
            response_wall if always_on else calendar.between(reported, answered).total_seconds()
        )
    if resolved is not None:
        fix_wall = (resolved - reported).total_seconds()
        unpaused = all(pause.start >= resolved for pause in facts.pauses)
        fix_work = (
            fix_wall
            if always_on and unpaused
            else fix_used(facts, calendar, resolved).total_seconds()
        )
    return response_work, response_wall, fix_work, fix_wall
