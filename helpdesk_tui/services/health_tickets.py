"""Monitoring tickets for health incidents: exactly one ticket per trouble.

`new_ticket` is its own transaction, so a ticket is opened after the round's transaction
has committed, and linked to its incident in a third. A crash between opening and
linking must not lead to a second ticket: each ticket carries its incident's subject
(`[health:12]`) in the description, and before opening a ticket the incident's own,
unlinked ticket is looked for and linked instead. Two collectors never run this at once
(the collection lease, services.job_lease).

When an incident clears and the same trouble comes back while its ticket is still open,
the old ticket is reused with a work-log line: that happens inside the round's
transaction, no new ticket needed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.errors import HelpdeskError
from helpdesk_tui.domain.health import Finding
from helpdesk_tui.domain.limits import TITLE_MAX
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services.audit import record
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.health_alerts import subject_of
from helpdesk_tui.services.health_records import finding_line
from helpdesk_tui.services.tickets import NewTicket, new_ticket
from helpdesk_tui.store.models import HealthIncident, Ticket, WorkLogEntry, ticket_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TicketNeed:
    """An incident that calls for a new ticket, with what the ticket says."""

    incident_id: int
    server_id: int
    server: str
    address: str
    customer_id: int
    customer: str
    finding: Finding
    severity: Severity
    first_seen_at: datetime
    rounds: int


def marker(incident_id: int) -> str:
    return f"[{subject_of(incident_id)}]"


def open_tickets(desk: Desk, needs: list[TicketNeed]) -> dict[int, str]:
    """incident id → the key of the ticket now linked to it."""
    linked = {}
    for need in needs:
        try:
            ticket_id = _unlinked_ticket(desk, need) or _open(desk, need)
        except HelpdeskError as error:  # e.g. the customer was merged away: the next round
            log.warning("no monitoring ticket for incident %s: %s", need.incident_id, error)
            continue
        linked[need.incident_id] = ticket_key(_link(desk, need.incident_id, ticket_id))
    return linked


def _unlinked_ticket(desk: Desk, need: TicketNeed) -> int | None:
    """The ticket opened for this incident by a round that died before linking it."""
    query = (
        select(Ticket.id)
        .where(
            Ticket.customer_id == need.customer_id,
            Ticket.channel == Channel.MONITORING.value,
            Ticket.created_at >= need.first_seen_at,
            Ticket.description.contains(marker(need.incident_id), autoescape=True),
        )
        .order_by(Ticket.id)
        .limit(1)
    )
    with desk.store.read() as session:
        return session.scalar(query)


def _open(desk: Desk, need: TicketNeed) -> int:
    request = NewTicket(
        customer=str(need.customer_id),
        title=ticket_title(need.server, need.finding),
        severity=need.severity,
        channel=Channel.MONITORING,
        description=ticket_description(desk, need),
    )
    return new_ticket(desk, request).id or 0


def _link(desk: Desk, incident_id: int, ticket_id: int) -> int:
    """Link unless another round linked one already; returns the linked ticket's id."""
    with desk.store.write() as session:
        session.execute(
            update(HealthIncident)
            .where(HealthIncident.id == incident_id, HealthIncident.ticket_id.is_(None))
            .values(ticket_id=ticket_id)
        )
        return session.scalar(
            select(HealthIncident.ticket_id).where(HealthIncident.id == incident_id)
        )


def ticket_title(server: str, finding: Finding) -> str:
    return f"监控: {server} {_what(finding)}"[:TITLE_MAX]


def ticket_description(desk: Desk, need: TicketNeed) -> str:
    lines = [
        f"监控发现: {_what(need.finding)}",
        f"服务器: {need.server}" + (f" ({need.address})" if need.address else ""),
        f"客户: {need.customer}",
        f"首次发现: {desk.local(need.first_seen_at)}, 已连续 {need.rounds} 轮",
        f"监控事件: {marker(need.incident_id)}",
    ]
    return "\n".join(lines)


def _what(finding: Finding) -> str:
    return finding_line(finding.kind, finding.subject, finding.detail)


# -- inside the round's transaction ------------------------------------------------------


def reusable_ticket(session: Session, incident: HealthIncident) -> int | None:
    """The still open ticket of an earlier incident of the same trouble on the server."""
    query = (
        select(Ticket.id)
        .join(HealthIncident, HealthIncident.ticket_id == Ticket.id)
        .where(
            HealthIncident.server_id == incident.server_id,
            HealthIncident.kind == incident.kind,
            HealthIncident.subject == incident.subject,
            HealthIncident.id != incident.id,
            Ticket.is_open.is_(True),
        )
        .order_by(HealthIncident.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def log_on_ticket(session: Session, desk: Desk, ticket_id: int, text: str, at: datetime) -> None:
    """A note in the ticket's work log (支持维护记录), written by monitoring: it neither
    counts as the engineer's response nor moves the ticket's status."""
    session.add(WorkLogEntry(ticket_id=ticket_id, at=at, author=desk.actor[:64], kind="note",
                             text=text))  # fmt: skip
    record(session, desk, "ticket", ticket_id, "monitoring", {"at": at.isoformat(), "text": text})
