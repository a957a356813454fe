"""Demo contracts in every state the contracts screen shows: one inside its warranty, one
within its renewal warning, one expired (its later tickets billable), penalties per hour
late on a few, notes; then exclusions recorded on some tickets (billable and goodwill)
through the use case, so the work log shows them. Runs after the demo tickets: their
coverage is brought in line with the contracts' new dates in one UPDATE per contract.
Contract renewal and warranty alerts are set for what lies ahead of `now`. The SLA terms
are left alone: the tickets' stored deadlines were computed under them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from helpdesk_tui.domain.coverage import Coverage, Exclusion
from helpdesk_tui.services import coverage as covering
from helpdesk_tui.services.contracts import sync_contract_timers
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Contract, Customer, Ticket

PER_HOUR_LATE_BP = 5  # 0.05 % of the price per hour late, on every third contract
EXCLUSIONS = [  # kind, goodwill, note
    (Exclusion.CUSTOMER_DAMAGE, False, "客户机房人员误删应用配置目录，按有偿服务处理"),
    (Exclusion.UNNOTIFIED_CHANGE, True, "客户自行升级数据库未通知我方；考虑长期合作，本次免费处理"),
    (Exclusion.FORCE_MAJEURE, False, "台风导致机房断电，设备损坏"),
    (Exclusion.MISSING_CONFIGURATION, True, "客户未提供负载均衡配置，协助补齐，免费"),
]


def add_demo_contracts(desk: Desk, now: datetime) -> None:
    desk = Desk(desk.store, desk.actor, desk.policy, desk.calendars, desk.zone, lambda: now)
    today = now.astimezone(desk.zone).date()
    with desk.store.write() as session:
        contracts = list(session.scalars(select(Contract).order_by(Contract.id)))
        if len(contracts) < 3:
            return
        in_warranty, to_renew, expired = contracts[:3]
        _set_period(in_warranty, _months_back(today, 3), years=3, renew_before=60)
        in_warranty.notes = "三年期维保合同，首年保修。每季度回访一次。"
        _set_period(to_renew, today + timedelta(days=40) - timedelta(days=2 * 365), years=2,
                    renew_before=10)  # fmt: skip
        to_renew.notes = "续签谈判中：客户希望把紧急故障响应时间缩短到 30 分钟。"
        _set_period(expired, today - timedelta(days=20) - timedelta(days=2 * 365 - 1), years=2,
                    renew_before=30)  # fmt: skip
        expired.notes = "客户暂停续签，到期后的服务按有偿服务计费。"
        for index, contract in enumerate(contracts):
            if index % 3 == 0:
                contract.penalty_per_hour_late_bp = PER_HOUR_LATE_BP
        session.flush()
        for contract in (in_warranty, to_renew, expired):
            _recover_coverage(session, desk, contract)
        for customer_id in {contract.customer_id for contract in contracts}:
            sync_contract_timers(session, desk, customer_id)
    _add_exclusions(desk)


def _set_period(contract: Contract, start: date, *, years: int, renew_before: int) -> None:
    contract.starts_on = start
    contract.ends_on = _plus_years(start, years) - timedelta(days=1)
    contract.warranty_ends_on = _plus_years(start, 1) - timedelta(days=1)
    contract.renewal_on = contract.ends_on - timedelta(days=renew_before)


def _plus_years(day: date, years: int) -> date:
    return day.replace(year=day.year + years, day=min(day.day, 28))


def _months_back(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _recover_coverage(session: Session, desk: Desk, contract: Contract) -> None:
    """The contract's tickets covered as its new dates say (exclusions left alone)."""

    def first_instant(day: date) -> datetime:
        return datetime.combine(day, time(0), desk.zone)

    after_warranty = first_instant((contract.warranty_ends_on or contract.starts_on)
                                   + timedelta(days=1))  # fmt: skip
    starts = first_instant(contract.starts_on)
    after_end = first_instant(contract.ends_on + timedelta(days=1))
    coverage = case(
        (Ticket.reported_at < starts, Coverage.BILLABLE.value),
        (Ticket.reported_at < after_warranty, Coverage.WARRANTY.value),
        (Ticket.reported_at < after_end, Coverage.CONTRACT.value),
        else_=Coverage.BILLABLE.value,
    )
    session.execute(
        update(Ticket)
        .where(Ticket.contract_id == contract.id, Ticket.exclusion == "")
        .values(coverage=coverage)
        .execution_options(synchronize_session=False)
    )


def _add_exclusions(desk: Desk) -> None:
    """On closed tickets of different customers, newest first, not excluded yet."""
    with desk.store.read() as session:
        query = (
            select(Ticket.id, Ticket.customer_id)
            .join(Customer, Customer.id == Ticket.customer_id)
            .where(Ticket.exclusion == "", Ticket.accepted_at.is_not(None),
                   Ticket.coverage.in_([Coverage.WARRANTY.value, Coverage.CONTRACT.value]))
            .order_by(Ticket.id.desc())
            .limit(400)
        )  # fmt: skip
        picked: dict[int, int] = {}
        for ticket_id, customer_id in session.execute(query):
            picked.setdefault(customer_id, ticket_id)
            if len(picked) == len(EXCLUSIONS):
                break
    for ticket_id, (kind, goodwill, note) in zip(picked.values(), EXCLUSIONS, strict=False):
        covering.record_exclusion(desk, ticket_id, kind, goodwill=goodwill, note=note)
