"""Alerts about return visits (回访), through the one alert mechanism:

- "visit_due": at 09:00 local on the day a planned visit is due (info);
- "visit_overdue": at 09:00 the next morning if it is still not made (warning), then a
  reminder every week until it is recorded or cancelled;

to whoever is to make it, the customer's account manager and the duty manager. A visit
already overdue when planned says "overdue", never a stale "due today".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from helpdesk_tui.domain.alert_rules import Moment, Schedule
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.domain.visits import OVERDUE_REMINDER_EVERY, VisitStatus, visit_moments
from helpdesk_tui.services.alert_source import About, set_timers
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.roster import duty_now
from helpdesk_tui.store.models import Customer, ReturnVisit

DUE, OVERDUE = "visit_due", "visit_overdue"


def subject_of(visit_id: int) -> str:
    return f"visit:{visit_id}"


def visit_schedules(visit: ReturnVisit, desk: Desk) -> dict[str, Schedule | None]:
    if visit.status != VisitStatus.PLANNED.value:
        return {DUE: None, OVERDUE: None}
    due, overdue = visit_moments(visit.due_on, desk.zone)
    today = desk.now().astimezone(desk.zone).date()
    return {
        DUE: Schedule(DUE, (), due, None, "info") if today <= visit.due_on else None,
        OVERDUE: Schedule(OVERDUE, (), overdue, OVERDUE_REMINDER_EVERY, "warning"),
    }


def sync_visit_timers(session: Session, desk: Desk, visit: ReturnVisit) -> None:
    assert visit.id is not None, "flush the session first"
    set_timers(session, subject_of(visit.id), visit_schedules(visit, desk))


class VisitAlerts:
    """The alert source for return visits (see services.alert_source)."""

    def schedule(
        self, session: Session, desk: Desk, subject_id: int, target: str
    ) -> Schedule | None:
        visit = session.get(ReturnVisit, subject_id)
        return visit_schedules(visit, desk).get(target) if visit is not None else None

    def about(
        self, session: Session, desk: Desk, subject_id: int, moment: Moment, now: datetime
    ) -> About:
        visit = session.get(ReturnVisit, subject_id)
        assert visit is not None
        customer = session.get(Customer, visit.customer_id)
        people = [visit.visitor] if visit.visitor else []
        if customer is not None and customer.account_manager:
            people.append(customer.account_manager)
        people += duty_now(session, now)[DutyRole.MANAGER]
        name = customer.name if customer else "?"
        late = "已逾期" if moment.target == OVERDUE else "今日到期"
        summary = f"回访 {name}: 应于 {visit.due_on.isoformat()} 回访 ({late})"
        return About(summary[:300], None, list(dict.fromkeys(people)))
