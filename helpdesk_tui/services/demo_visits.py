"""Demo return visits (回访): visits made over the last months with scores and notes (two
customers' next quarterly visits are overdue by the demo's `now`), one need found on a
visit that became a ticket (an existing open ticket is tied to the visit, so the demo's
ticket count stays what was asked), a cancelled visit, and everything the planner plans
at `now`. Made through the use cases, each at its own moment."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.visits import VisitMethod
from helpdesk_tui.services import visits
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Customer, Engineer, Ticket

# days before now, satisfaction, method, notes
MADE = [
    (100, 4, VisitMethod.PHONE, "对响应速度满意；希望夜间值班电话更容易打通"),
    (96, 5, VisitMethod.ONSITE, "上门回访：系统运行稳定，客户对驻场工程师评价很高"),
    (61, 3, VisitMethod.PHONE, "上次故障恢复偏慢，希望提前告知维护窗口"),
    (40, 5, VisitMethod.EMAIL, "邮件回访：对季度巡检报告满意"),
    (21, 2, VisitMethod.PHONE, "对近期两次宕机不满意，要求提交故障分析报告"),
    (9, 4, VisitMethod.ONSITE, "培训后操作问题明显减少"),
]
NEED_NOTES = "回访中发现客户数据库版本老旧，建议升级并增加主备切换演练"


def add_demo_visits(desk: Desk, now: datetime) -> None:
    people = _visitors(desk)
    customers = _customers(desk, len(MADE) + 1)
    for k, (customer, made) in enumerate(zip(customers, MADE, strict=False)):
        days_ago, score, method, notes = made
        at = _at(desk, now - timedelta(days=days_ago))
        visit = visits.add_visit(at, str(customer.id), method=method)
        visitor = people[k % len(people)] if people else ""
        visits.record_visit(at, visit.id or 0, score, notes, method=method, visitor=visitor)
    _need_found(desk, now, people)
    if len(customers) > len(MADE):
        at = _at(desk, now - timedelta(days=5))
        skipped = visits.add_visit(at, str(customers[-1].id), notes="年度拜访")
        visits.cancel_visit(at, skipped.id or 0, "客户项目负责人出差，改期")
    visits.plan_visits(_at(desk, now))


def _need_found(desk: Desk, now: datetime, people: list[str]) -> None:
    """The oldest open ticket is a need found on a visit to its customer that day."""
    with desk.store.read() as session:
        ticket = session.scalars(
            select(Ticket).where(Ticket.is_open.is_(True)).order_by(Ticket.id).limit(1)
        ).first()
    if ticket is None:
        return
    at = _at(desk, min(ticket.reported_at, now))
    visit = visits.add_visit(at, str(ticket.customer_id), method=VisitMethod.ONSITE)
    visitor = people[-1] if people else ""
    visits.record_visit(at, visit.id or 0, 4, NEED_NOTES, method=VisitMethod.ONSITE,
                        visitor=visitor)  # fmt: skip
    with desk.store.write() as session:
        session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id)
            .values(visit_id=visit.id, channel=Channel.PROACTIVE.value)
        )


def _at(desk: Desk, moment: datetime) -> Desk:
    return Desk(desk.store, desk.actor, desk.policy, desk.calendars, desk.zone, lambda: moment)


def _customers(desk: Desk, count: int) -> list[Customer]:
    with desk.store.read() as session:
        query = select(Customer).where(Customer.visit_every_months > 0).order_by(Customer.id)
        return list(session.scalars(query.limit(count)))


def _visitors(desk: Desk) -> list[str]:
    with desk.store.read() as session:
        query = select(Engineer.login).where(Engineer.role != "viewer").order_by(Engineer.id)
        return list(session.scalars(query.limit(4)))
