"""Alerts about tickets: the response and fix schedules, who hears of them, and keeping
each ticket's alert timers in step with its deadlines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.alert_rules import Moment, Schedule, build_schedule
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.domain.severity import SEVERITY_ZH, Severity
from helpdesk_tui.domain.sla import ClockFacts, Pause, threshold_instant
from helpdesk_tui.domain.ticket_kind import TicketKind
from helpdesk_tui.services.alert_source import About, set_timers
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.roster import duty_now
from helpdesk_tui.services.terms import terms_for
from helpdesk_tui.store.models import ClockPause, Customer, Engineer, Ticket

TARGETS = ("response", "fix")
COMPLAINT = "complaint"  # a complaint reaches the duty manager the moment it is opened


class TicketAlerts:
    """The alert source for tickets (see services.alerts.AlertSource)."""

    def schedule(
        self, session: Session, desk: Desk, subject_id: int, target: str
    ) -> Schedule | None:
        ticket = session.get(Ticket, subject_id)
        if ticket is None:
            return None
        schedules = ticket_schedules(session, desk, ticket, pauses_of(session, subject_id))
        return schedules.get(target)

    def about(
        self, session: Session, desk: Desk, subject_id: int, moment: Moment, now: datetime
    ) -> About:
        ticket = session.get(Ticket, subject_id)
        assert ticket is not None
        recipients = ticket_recipients(session, ticket, moment, now)
        return About(ticket_summary(session, ticket), ticket.id, recipients)


def subject_of(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


def clock_facts(ticket: Ticket, pauses: list[ClockPause]) -> ClockFacts:
    return ClockFacts(
        reported_at=ticket.reported_at,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        cancelled_at=ticket.cancelled_at,
        pauses=tuple(Pause(p.started_at, p.ended_at) for p in pauses),
    )


def ticket_schedules(
    session: Session, desk: Desk, ticket: Ticket, pauses: list[ClockPause]
) -> dict[str, Schedule | None]:
    """None for a target that has nothing more to alert: met, paused or cancelled."""
    calendar, policy = terms_for(session, desk, ticket.contract_id)
    targets = policy.for_severity(Severity(ticket.severity))
    facts = clock_facts(ticket, pauses)
    finished = ticket.cancelled_at is not None or ticket.resolved_at is not None
    running = {
        "response": not finished and ticket.first_response_at is None,
        "fix": not finished and ticket.resolve_due_at is not None,  # None: the clock waits
    }
    due = {"response": ticket.response_due_at, "fix": ticket.resolve_due_at}
    work = {"response": targets.response, "fix": targets.fix}

    def schedule(target: str) -> Schedule:
        is_fix = target == "fix"
        return build_schedule(
            target,
            due[target],
            policy.warn_percents,
            lambda p: threshold_instant(facts, calendar, work[target], p, fix=is_fix),
            policy.breach_repeat,
        )

    schedules = {target: schedule(target) if running[target] else None for target in TARGETS}
    if ticket.kind == TicketKind.COMPLAINT:
        unanswered = not finished and ticket.first_response_at is None
        schedules[COMPLAINT] = (
            Schedule(COMPLAINT, (), ticket.created_at, None, "critical") if unanswered else None
        )
    return schedules


def sync_ticket_timers(
    session: Session, desk: Desk, ticket: Ticket, pauses: list[ClockPause]
) -> None:
    """Called by every use case that moves a ticket's deadlines (in its transaction)."""
    assert ticket.id is not None, "flush the ticket first"
    schedules = ticket_schedules(session, desk, ticket, pauses)
    set_timers(session, subject_of(ticket.id), schedules, ticket_id=ticket.id)


def pauses_of(session: Session, ticket_id: int) -> list[ClockPause]:
    query = select(ClockPause).where(ClockPause.ticket_id == ticket_id).order_by(ClockPause.id)
    return list(session.scalars(query))


def ticket_summary(session: Session, ticket: Ticket) -> str:
    customer = session.get(Customer, ticket.customer_id)
    name = customer.name if customer else "?"
    return f"{ticket.key} {SEVERITY_ZH[Severity(ticket.severity)]} {name}: {ticket.title}"[:300]


def ticket_recipients(session: Session, ticket: Ticket, moment: Moment, now: datetime) -> list[str]:
    """Warnings go to the assignee (else the primary on duty); the breach also to the duty
    manager; the reminders after it to the duty manager (else the assignee). Everything
    about a complaint goes to the duty manager too."""
    duty = duty_now(session, now)
    assignee = session.get(Engineer, ticket.assignee_id) if ticket.assignee_id else None
    owner = [assignee.login] if assignee else duty[DutyRole.PRIMARY][:1]
    managers = duty[DutyRole.MANAGER]
    if moment.repeat:
        chosen = managers or owner
    elif moment.is_breach:
        chosen = owner + managers
    else:
        chosen = owner
    if ticket.kind == TicketKind.COMPLAINT:
        chosen = chosen + managers
    return list(dict.fromkeys(chosen))
