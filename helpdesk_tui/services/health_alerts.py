"""The alert source for server health: one alert per incident (subject `health:<id>`),
due the round it was first critical. Warnings push nothing: they show on the health
board and the main screen's pane, where a threshold crossed for a minute is worth a look
but not a phone call (a warning that gets worse alerts then). An incident that cleared
before the sweep came round says nothing more."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from helpdesk_tui.domain.alert_rules import Moment, Schedule
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.services.alert_source import About, set_timers
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.roster import duty_now
from helpdesk_tui.store.models import Customer, Engineer, HealthIncident, Server, Ticket

KIND = "health"
TARGET = "health"


def subject_of(incident_id: int | None) -> str:
    return f"{KIND}:{incident_id}"


def incident_schedule(incident: HealthIncident) -> Schedule | None:
    if incident.cleared_at is not None or incident.critical_since is None:
        return None
    return Schedule(TARGET, (), incident.critical_since, None, "critical")


def sync_incident_alert(session: Session, incident: HealthIncident) -> None:
    set_timers(session, subject_of(incident.id), {TARGET: incident_schedule(incident)})


class HealthAlerts:
    """To the engineer on the incident's ticket, the customer's account manager and the
    primary engineer on duty."""

    def schedule(
        self, session: Session, desk: Desk, subject_id: int, target: str
    ) -> Schedule | None:
        incident = session.get(HealthIncident, subject_id)
        if incident is None or target != TARGET:
            return None
        return incident_schedule(incident)

    def about(
        self, session: Session, desk: Desk, subject_id: int, moment: Moment, now: datetime
    ) -> About:
        incident = session.get(HealthIncident, subject_id)
        assert incident is not None
        server = session.get(Server, incident.server_id)
        customer = session.get(Customer, server.customer_id) if server else None
        people = _ticket_assignee(session, incident.ticket_id)
        if customer and customer.account_manager:
            people.append(customer.account_manager)
        people += duty_now(session, now)[DutyRole.PRIMARY][:1]
        where = f"{server.name if server else '?'}@{customer.name if customer else '?'}"
        summary = f"监控 {where}: {incident.detail}"[:300]
        return About(summary, incident.ticket_id, list(dict.fromkeys(people)))


def _ticket_assignee(session: Session, ticket_id: int | None) -> list[str]:
    ticket = session.get(Ticket, ticket_id) if ticket_id else None
    engineer = session.get(Engineer, ticket.assignee_id) if ticket and ticket.assignee_id else None
    return [engineer.login] if engineer else []
