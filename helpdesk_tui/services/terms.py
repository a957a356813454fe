"""The service terms a ticket runs under: its contract's calendar and SLA policy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk_tui.domain.calendar import WorkCalendar
from helpdesk_tui.domain.severity import SlaPolicy
from helpdesk_tui.reference_data import policy_with_override
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Contract


def contract_in_force(session: Session, customer_id: int | None, at: datetime) -> Contract | None:
    """The customer's contract covering `at`; the most recent one if none does."""
    day = at.date()
    query = select(Contract).where(Contract.customer_id == customer_id)
    contracts = list(session.scalars(query.order_by(Contract.starts_on.desc())))
    covering = [c for c in contracts if c.starts_on <= day <= c.ends_on]
    return (covering or contracts or [None])[0]


def terms_for(
    session: Session, desk: Desk, contract_id: int | None
) -> tuple[WorkCalendar, SlaPolicy]:
    if contract_id is None:
        return desk.calendars.get("24x7"), desk.policy
    contract = session.get(Contract, contract_id)
    assert contract is not None
    calendar = desk.calendars.get(contract.calendar)
    return calendar, policy_with_override(desk.policy, contract.sla_policy or "")
