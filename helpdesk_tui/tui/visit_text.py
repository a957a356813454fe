"""The visits screen's rows as the console words and colours them: planned visits
(overdue in red), done ones with their satisfaction stars and the tickets raised, open
complaints. Pure: a row, the texts and the zone in, cells out.

A cell is `(text, style)`; names and notes come from outside and go through `one_line`.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from helpdesk_tui.domain.visits import SATISFACTION, VisitState
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.visits import ComplaintRow, VisitRow
from helpdesk_tui.tui.maintenance_text import (
    DUE_STYLE,
    MARK,
    OK_STYLE,
    OVERDUE_STYLE,
    SHORT_TIME,
    SOON_STYLE,
    Cell,
    Column,
)

STATE_STYLE = {
    VisitState.OVERDUE: OVERDUE_STYLE,
    VisitState.DUE: DUE_STYLE,
    VisitState.UPCOMING: "",
    VisitState.DONE: OK_STYLE,
    VisitState.CANCELLED: "dim",
}
LOW_SCORE = 2  # at or below: the customer is unhappy, shown in red

PLANNED_COLUMNS = [
    Column("mark", 1), Column("due", 10), Column("state", 8), Column("customer", 18),
    Column("reason", 10), Column("method", 7, optional=True),
    Column("visitor", 8, optional=True), Column("about", 0),
]  # fmt: skip
DONE_COLUMNS = [
    Column("done", 11), Column("customer", 18), Column("score", 9), Column("method", 7),
    Column("visitor", 8, optional=True), Column("tickets", 17), Column("notes", 0),
]  # fmt: skip
COMPLAINT_COLUMNS = [
    Column("ticket", 8), Column("reported", 11), Column("status", 10), Column("customer", 18),
    Column("title", 0),
]  # fmt: skip


def stars(score: int | None) -> str:
    """`★★★★☆ 4`; blank when there is no score."""
    if score is None:
        return ""
    top = SATISFACTION[1]
    return "★" * score + "☆" * (top - score) + f" {score}"


def needs_attention(row: VisitRow) -> bool:
    return row.state in (VisitState.DUE, VisitState.OVERDUE)


def planned_cells(t: Texts, row: VisitRow) -> dict[str, Cell]:
    visit, style = row.visit, STATE_STYLE[row.state]
    about = row.prompted_by or ""
    if visit.notes:
        about = f"{about} {one_line(visit.notes)}".strip()
    return {
        "mark": (MARK if needs_attention(row) else "", style),
        "due": (visit.due_on.isoformat(), style),
        "state": (t(f"visits.state_{row.state}"), style),
        "customer": (one_line(row.customer), ""),
        "reason": (t(f"visits.reason_{visit.reason}"), "dim"),
        "method": (t(f"visits.method_{visit.method}"), "dim"),
        "visitor": (one_line(visit.visitor) or "—", "dim"),
        "about": (about, ""),
    }


def done_cells(t: Texts, row: VisitRow, zone: ZoneInfo) -> dict[str, Cell]:
    visit = row.visit
    done = visit.done_at.astimezone(zone).strftime(SHORT_TIME) if visit.done_at else "—"
    score = visit.satisfaction
    score_style = DUE_STYLE if score is not None and score <= LOW_SCORE else SOON_STYLE
    return {
        "done": (done, "dim"),
        "customer": (one_line(row.customer), ""),
        "score": (stars(score), score_style),
        "method": (t(f"visits.method_{visit.method}"), "dim"),
        "visitor": (one_line(visit.visitor) or "—", "dim"),
        "tickets": (" ".join(ticket.key for ticket in row.tickets), "bold"),
        "notes": (one_line(visit.notes), ""),
    }


def complaint_cells(t: Texts, row: ComplaintRow, zone: ZoneInfo) -> dict[str, Cell]:
    ticket = row.ticket
    return {
        "ticket": (ticket.key, "bold"),
        "reported": (ticket.reported_at.astimezone(zone).strftime(SHORT_TIME), "dim"),
        "status": (t.status(ticket.status), ""),
        "customer": (one_line(row.customer), ""),
        "title": (one_line(ticket.title), ""),
    }
