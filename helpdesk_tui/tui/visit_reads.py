"""What the visits screen (key 8) reads: the planned visits, the recently done ones and
the open complaints, in one short read-only transaction through the services' reads.
Call it in a worker thread, never on the UI loop."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from helpdesk_tui.services import visits
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.visits import ComplaintRow, VisitRow

DONE_SHOWN = timedelta(days=90)  # the done list goes back this far
DONE_MAX = 200


@dataclass(frozen=True)
class VisitsData:
    planned: list[VisitRow] = field(default_factory=list)  # overdue first, then by due day
    done: list[VisitRow] = field(default_factory=list)  # latest first
    complaints: list[ComplaintRow] = field(default_factory=list)


def read_visits(desk: Desk) -> VisitsData:
    since = desk.now() - DONE_SHOWN
    with desk.store.read() as session:
        planned = visits.visit_rows(session, desk, only="planned")
        done = visits.visit_rows(session, desk, only="done", done_since=since, limit=DONE_MAX)
        complaints = visits.open_complaints(session)
    return VisitsData(planned, done, complaints)
