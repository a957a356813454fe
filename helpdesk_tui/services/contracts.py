"""Maintenance contracts (维保合同): writing them with their terms checked, reading them with
their renewal state, and the renewal and warranty warnings through the one alert mechanism.

A contract's terms: its period, warranty end, total maintenance price (fen), penalty
terms (basis points of the price), SLA policy override (TOML) and calendar, whether the
vendor runs the customer's servers (乙方运维), and when to renew it (see
`domain.contract_renewal`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from helpdesk_tui.domain import limits
from helpdesk_tui.domain.alert_rules import Moment, Schedule
from helpdesk_tui.domain.contract_renewal import (
    LEVELS,
    TARGET_DUE,
    TARGET_EXPIRED,
    TARGET_WARRANTY,
    TARGETS,
    WARN_DAYS_MAX,
    RenewalState,
    RenewalTerms,
    alert_moments,
    days_to_renewal,
    in_warranty,
    renewal_state,
)
from helpdesk_tui.domain.errors import Conflict, InvalidInput, NotFound
from helpdesk_tui.domain.penalties import BASIS_POINTS
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.domain.severity import SlaPolicy
from helpdesk_tui.reference_data import policy_with_override
from helpdesk_tui.services.alert_source import About, set_timers
from helpdesk_tui.services.audit import last_change, record
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer
from helpdesk_tui.services.roster import duty_now
from helpdesk_tui.store.models import Contract, Customer

NUMBER_MAX = 60
PRICE_MAX_FEN = 10**13  # 1000 亿元: anything larger is a typing slip
CALENDAR_MAX = 300
_CURRENCY = re.compile(r"[A-Z]{3}")
DATE_FIELDS = ("starts_on", "ends_on", "warranty_ends_on", "renewal_on")
BP_FIELDS = ("penalty_per_breach_bp", "penalty_per_hour_late_bp", "penalty_cap_bp")
EDITABLE = (
    "number", "title", *DATE_FIELDS, "total_price_fen", "currency", *BP_FIELDS, "calendar",
    "sla_policy", "vendor_operated", "renewal_warn_days", "notes",
)  # fmt: skip
OPTIONAL_DATES = ("warranty_ends_on", "renewal_on")  # None clears them


# -- writing ---------------------------------------------------------------------------


def add_contract(
    desk: Desk, number: str, customer: str, starts_on: date, ends_on: date, **terms: Any
) -> Contract:
    """A new contract of `customer` (name, unique part or id). `terms`: any of EDITABLE."""
    given = _checked(desk, {"number": number, "starts_on": starts_on, "ends_on": ends_on,
                            **terms})  # fmt: skip
    with desk.store.write() as session:
        owner = find_customer(session, customer)
        _refuse_taken_number(session, given["number"], None)
        contract = Contract(customer_id=owner.id or 0, **given)
        _check_order(contract)
        session.add(contract)
        session.flush()
        record(session, desk, "contract", contract.id, "create",
               {"customer": owner.name, **_audit_values(given)})  # fmt: skip
        sync_contract_timers(session, desk, contract.customer_id)
        return contract


def update_contract(
    desk: Desk, ref: str | int, *, expected_version: int | None = None, **changes: Any
) -> Contract:
    """Change the terms given (any of EDITABLE; warranty_ends_on / renewal_on None clears
    them). `expected_version` is the version the user saw: a stale edit is refused."""
    given = _checked(desk, changes)
    if not given:
        raise InvalidInput("nothing to change")
    with _editing(desk, ref, expected_version) as (session, contract):
        if "number" in given:
            _refuse_taken_number(session, given["number"], contract.id)
        before = {name: getattr(contract, name) for name in given}
        changed = {name: value for name, value in given.items() if before[name] != value}
        if not changed:
            raise InvalidInput("nothing to change: the contract already has these terms")
        for name, value in changed.items():
            setattr(contract, name, value)
        _check_order(contract)
        record(session, desk, "contract", contract.id, "update",
               {name: {"from": _audit_value(before[name]), "to": _audit_value(value)}
                for name, value in changed.items()})  # fmt: skip
        sync_contract_timers(session, desk, contract.customer_id)
        return contract


def _checked(desk: Desk, fields: dict[str, Any]) -> dict[str, Any]:
    """Each given field checked on its own (the order of the dates is checked later)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"unknown contract field {sorted(unknown)[0]!r}")
    checked: dict[str, Any] = {}
    for name, value in fields.items():
        checked[name] = _check_field(desk, name, value)
    return checked


def _check_field(desk: Desk, name: str, value: Any) -> Any:
    if name == "number":
        return limits.required_text(value, "contract number", NUMBER_MAX)
    if name == "title":
        return limits.bounded_text(value, "contract title", limits.TITLE_MAX)
    if name == "notes":
        return limits.bounded_text(value, "contract notes", limits.TEXT_MAX)
    if name in DATE_FIELDS:
        if value is None and name in OPTIONAL_DATES:
            return None
        if not isinstance(value, date) or isinstance(value, datetime):
            raise InvalidInput(f"{name.replace('_', ' ')}: expected a date")
        return value
    if name == "total_price_fen":
        return _bounded_int(value, "total price", 0, PRICE_MAX_FEN, "fen")
    if name in BP_FIELDS:
        label = name.removesuffix("_bp").replace("_", " ")
        return _bounded_int(value, label, 0, BASIS_POINTS, "basis points (0 to 100 %)")
    if name == "renewal_warn_days":
        return _bounded_int(value, "renewal warning", 0, WARN_DAYS_MAX, "days")
    if name == "currency":
        code = str(value or "").strip().upper()
        if not _CURRENCY.fullmatch(code):
            raise InvalidInput(f"currency {value!r}: expected a 3-letter code such as CNY")
        return code
    if name == "calendar":
        calendar = limits.bounded_text(value, "calendar", CALENDAR_MAX) or "24x7"
        desk.calendars.get(calendar)  # an unknown or broken calendar is InvalidInput
        return calendar
    if name == "sla_policy":
        text = limits.bounded_text(value, "SLA policy", limits.TEXT_MAX)
        contract_policy(desk, text)
        return text
    if name == "vendor_operated":
        if not isinstance(value, bool):
            raise InvalidInput("vendor operated: expected yes or no")
        return value
    raise InvalidInput(f"unknown contract field {name!r}")


def contract_policy(desk: Desk, override: str) -> SlaPolicy:
    """The desk's policy with a contract's override on top; a bad override is InvalidInput."""
    try:
        return policy_with_override(desk.policy, override)
    except InvalidInput as error:
        raise InvalidInput(f"SLA policy: {error}") from None
    except (TypeError, ValueError, KeyError) as error:  # a value of the wrong type
        raise InvalidInput(f"SLA policy: {error}") from None


def _bounded_int(value: Any, label: str, low: int, high: int, unit: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{label}: expected {low} to {high} {unit}, got {value!r}")
    return value


def _check_order(contract: Contract) -> None:
    start, end = contract.starts_on, contract.ends_on
    if end < start:
        raise InvalidInput(f"the contract ends ({end}) before it starts ({start})")
    warranty = contract.warranty_ends_on
    if warranty is not None and not start <= warranty <= end:
        raise InvalidInput(f"the warranty end ({warranty}) is outside the contract ({start} to "
                           f"{end})")  # fmt: skip
    renewal = contract.renewal_on
    if renewal is not None and not start <= renewal <= end:
        raise InvalidInput(f"the renewal date ({renewal}) is outside the contract ({start} to "
                           f"{end})")  # fmt: skip


def _refuse_taken_number(session: Session, number: str, own_id: int | None) -> None:
    query = select(Contract.id).where(Contract.number == number)
    taken = session.scalar(query)
    if taken is not None and taken != own_id:
        raise InvalidInput(f"contract number {number!r} is taken by another contract")


@contextmanager
def _editing(
    desk: Desk, ref: str | int, expected_version: int | None
) -> Iterator[tuple[Session, Contract]]:
    """A write transaction on one contract that refuses a stale edit, saying who changed it."""
    try:
        with desk.store.write() as session, session.no_autoflush:
            contract = find_contract(session, ref)
            if expected_version is not None and contract.version != expected_version:
                change = last_change(session, "contract", contract.id)
                who = f" by {change.actor} at {desk.local(change.at)}" if change else ""
                raise Conflict(
                    f"contract {contract.number} was changed{who} "
                    f"(now version {contract.version}): reload and try again"
                )
            yield session, contract
    except StaleDataError:
        raise Conflict(f"contract {ref} was changed meanwhile: reload") from None


def _audit_values(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: _audit_value(value) for name, value in fields.items()}


def _audit_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# -- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractRow:
    contract: Contract
    customer: str
    renewal_on: date  # the contract's renewal date, or its end
    days_left: int  # to the renewal date; negative: passed
    state: RenewalState
    in_warranty: bool


def find_contract(session: Session, ref: str | int) -> Contract:
    """By number, or by id."""
    text = str(ref).strip()
    match = Contract.number == text
    if text.isdigit():
        match = or_(match, Contract.id == int(text))
    found = session.scalars(select(Contract).where(match).order_by(Contract.id)).first()
    if found is None:
        raise NotFound(f"no contract {text!r}")
    return found


def list_contracts(
    session: Session, today: date, customer_id: int | None = None
) -> list[ContractRow]:
    """Every contract (or one customer's), soonest renewal first, the renewed ones last."""
    query = select(Contract, Customer.name).join(Customer, Customer.id == Contract.customer_id)
    if customer_id is not None:
        query = query.where(Contract.customer_id == customer_id)
    pairs = list(session.execute(query.order_by(Contract.id)))
    contracts = [contract for contract, _ in pairs]
    rows = [_row(contract, name, today, _renewed(contract, contracts)) for contract, name in pairs]
    return sorted(rows, key=lambda r: (r.state is RenewalState.RENEWED, r.days_left,
                                       r.contract.number))  # fmt: skip


def contract_row(session: Session, ref: str | int, today: date) -> ContractRow:
    contract = find_contract(session, ref)
    customer = session.get(Customer, contract.customer_id)
    return _row(contract, customer.name if customer else "?", today,
                _renewed(contract, _customer_contracts(session, contract.customer_id)))  # fmt: skip


def renewal_terms(contract: Contract, renewed: bool = False) -> RenewalTerms:
    return RenewalTerms(contract.starts_on, contract.ends_on, contract.renewal_on,
                        contract.renewal_warn_days, contract.warranty_ends_on, renewed)  # fmt: skip


def _row(contract: Contract, customer: str, today: date, renewed: bool) -> ContractRow:
    terms = renewal_terms(contract, renewed)
    return ContractRow(contract, customer, terms.renewal_day, days_to_renewal(terms, today),
                       renewal_state(terms, today), in_warranty(terms, today))  # fmt: skip


def _renewed(contract: Contract, same_customer: list[Contract]) -> bool:
    """A later contract of the same customer takes over from this one."""
    return any(
        other.id != contract.id
        and other.customer_id == contract.customer_id
        and other.starts_on > contract.starts_on
        and other.ends_on > contract.ends_on
        for other in same_customer
    )


def _customer_contracts(session: Session, customer_id: int) -> list[Contract]:
    return list(session.scalars(select(Contract).where(Contract.customer_id == customer_id)))


# -- renewal and warranty warnings -------------------------------------------------------


def subject_of(contract_id: int | None) -> str:
    return f"contract:{contract_id}"


def contract_schedules(
    session: Session, desk: Desk, contract: Contract
) -> dict[str, Schedule | None]:
    renewed = _renewed(contract, _customer_contracts(session, contract.customer_id))
    moments = alert_moments(renewal_terms(contract, renewed), desk.zone)
    return {
        target: Schedule(target, (), at, None, LEVELS[target]) if at is not None else None
        for target, at in moments.items()
    }


def sync_contract_timers(session: Session, desk: Desk, customer_id: int) -> None:
    """A new or changed contract may renew an older one: every contract of the customer
    gets its timers again. Moments already past when the terms were written say nothing:
    whoever typed them sees the contract's state on the screen."""
    session.flush()
    now = desk.now()
    for contract in _customer_contracts(session, customer_id):
        schedules = {
            target: schedule if schedule is not None and schedule.due_at > now else None
            for target, schedule in contract_schedules(session, desk, contract).items()
        }
        set_timers(session, subject_of(contract.id), schedules)


class ContractAlerts:
    """The alert source for contract renewals and warranty ends (see
    services.alert_source): to the customer's account manager and the duty manager."""

    def schedule(
        self, session: Session, desk: Desk, subject_id: int, target: str
    ) -> Schedule | None:
        contract = session.get(Contract, subject_id)
        if contract is None or target not in TARGETS:
            return None
        return contract_schedules(session, desk, contract)[target]

    def about(
        self, session: Session, desk: Desk, subject_id: int, moment: Moment, now: datetime
    ) -> About:
        contract = session.get(Contract, subject_id)
        assert contract is not None
        customer = session.get(Customer, contract.customer_id)
        people = [customer.account_manager] if customer and customer.account_manager else []
        people += duty_now(session, now)[DutyRole.MANAGER]
        name = customer.name if customer else "?"
        renewal = (contract.renewal_on or contract.ends_on).isoformat()
        if moment.target == TARGET_WARRANTY:
            what = f"保修期 {contract.warranty_ends_on} 结束"
        elif moment.target == TARGET_EXPIRED:
            what = f"合同已于 {contract.ends_on} 到期"
        elif moment.target == TARGET_DUE:
            what = f"今日应续签 (合同 {contract.ends_on} 到期)"
        else:
            what = f"应于 {renewal} 前续签"
        summary = f"维保合同 {name}: {contract.number} {what}"
        return About(summary[:300], None, list(dict.fromkeys(people)))
