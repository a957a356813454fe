"""The duty roster: adding shifts, handover notes, and who is on duty now."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk_tui.domain import limits
from helpdesk_tui.domain.errors import Conflict, InvalidInput, NotFound
from helpdesk_tui.domain.roster import DutyRole, ShiftSlot, check_shift, on_duty
from helpdesk_tui.services.audit import record
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_engineer
from helpdesk_tui.store.models import Engineer, Shift


def add_shift(
    desk: Desk,
    login: str,
    role: DutyRole,
    starts_at: datetime,
    ends_at: datetime,
    handover: str = "",
) -> Shift:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise InvalidInput("shift start and end need a time zone")
    handover = limits.bounded_text(handover, "handover", limits.TEXT_MAX)
    with desk.store.write() as session:
        engineer = find_engineer(session, login)
        local = desk.zone  # refusals name the times as the user reads them
        slot = ShiftSlot(
            engineer.login, role, starts_at.astimezone(local), ends_at.astimezone(local)
        )
        existing = [
            ShiftSlot(
                s.engineer, s.role, s.starts_at.astimezone(local), s.ends_at.astimezone(local)
            )
            for s in _slots(session, starts_at, ends_at, engineer.id)
        ]
        check_shift(slot, existing)
        shift = Shift(
            engineer_id=engineer.id,
            role=role.value,
            starts_at=starts_at,
            ends_at=ends_at,
            handover=handover,
            created_by=desk.actor,
        )
        session.add(shift)
        session.flush()
        detail = {"engineer": engineer.login, "role": role.value,
                  "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()}  # fmt: skip
        record(session, desk, "shift", shift.id, "create", detail)
        return shift


def write_handover(
    desk: Desk, shift_id: int, note: str, *, expected_version: int | None = None
) -> Shift:
    """The note the outgoing engineer leaves for the next shift (交接班记录)."""
    note = limits.bounded_text(note, "handover", limits.TEXT_MAX)
    with desk.store.write() as session:
        shift = session.get(Shift, shift_id)
        if shift is None:
            raise NotFound(f"no shift {shift_id}")
        if expected_version is not None and shift.version != expected_version:
            raise Conflict(f"shift {shift_id} was changed meanwhile; reload it")
        shift.handover = note
        record(session, desk, "shift", shift.id, "handover", {"length": len(note)})
        return shift


def shifts_between(session: Session, start: datetime, end: datetime) -> list[tuple[Shift, str]]:
    """Shifts overlapping [start, end), each with its engineer's login, in time order."""
    query = (
        select(Shift, Engineer.login)
        .join(Engineer, Engineer.id == Shift.engineer_id)
        .where(Shift.starts_at < end, Shift.ends_at > start)
        .order_by(Shift.starts_at, Shift.role)
    )
    return [(shift, login) for shift, login in session.execute(query)]


def duty_now(session: Session, now: datetime) -> dict[DutyRole, list[str]]:
    return on_duty(_slots(session, now, now), now)


def primary_on_duty(session: Session, now: datetime) -> Engineer | None:
    """The engineer a new unassigned ticket goes to; None when the roster is empty."""
    logins = duty_now(session, now)[DutyRole.PRIMARY]
    if not logins:
        return None
    try:
        return find_engineer(session, logins[0])
    except (NotFound, InvalidInput):  # left the company or became a viewer: nobody then
        return None


def _slots(
    session: Session, start: datetime, end: datetime, engineer_id: int | None = None
) -> list[ShiftSlot]:
    query = (
        select(Shift, Engineer.login)
        .join(Engineer, Engineer.id == Shift.engineer_id)
        .where(Shift.starts_at <= end, Shift.ends_at >= start)
    )
    if engineer_id is not None:
        query = query.where(Shift.engineer_id == engineer_id)
    return [
        ShiftSlot(login, DutyRole(shift.role), shift.starts_at, shift.ends_at)
        for shift, login in session.execute(query)
    ]
