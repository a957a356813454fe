"""Disaster-recovery plans (灾难恢复预案, seed 1.3): what a plan must hold, when its next
drill (演练) is due, and when its promise outruns the backups behind it.

- RTO (how long until the system runs again) and RPO (how much data may be lost) are
  whole minutes, from 1 minute to 30 days;
- a plan has at least one step and at least one emergency contact (应急联系人), each
  typed as "name phone [role]";
- a plan is rehearsed every 30 to 730 days: the next drill is due that long after the
  last one (or after the plan was made), with a warning 14 days before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.limits import bounded_text

OBJECTIVE_MAX_MINUTES = 30 * 24 * 60
DRILL_INTERVAL_DAYS = (30, 730)
STEP_MAX = 500
STEPS_MAX = 50
CONTACTS_MAX = 20
CONTACT_PART_MAX = 60
NOTES_MAX = 2000
DRILL_WARNING_LEAD = timedelta(days=14)
DRILL_REMINDER_EVERY = timedelta(days=7)
DRILL_ALERT_TIME = time(9, 0)  # local: a drill reminder is office news, not a night call

_PHONE = re.compile(r"\+?[0-9][0-9-]{4,19}")


@dataclass(frozen=True)
class EmergencyContact:
    name: str
    phone: str
    role: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "phone": self.phone, "role": self.role}


def check_objectives(rto_minutes: int, rpo_minutes: int) -> None:
    for name, value in (("RTO", rto_minutes), ("RPO", rpo_minutes)):
        if isinstance(value, bool) or not 1 <= value <= OBJECTIVE_MAX_MINUTES:
            raise InvalidInput(f"{name}: expected 1 to {OBJECTIVE_MAX_MINUTES} minutes (30 days)")


def check_drill_interval(days: int) -> None:
    low, high = DRILL_INTERVAL_DAYS
    if not low <= days <= high:
        raise InvalidInput(f"drill interval: expected {low} to {high} days")


def clean_steps(steps: list[str]) -> list[str]:
    cleaned = [bounded_text(step, "step", STEP_MAX) for step in steps]
    if not cleaned:
        raise InvalidInput("a recovery plan needs at least one step")
    if any(not step for step in cleaned):
        raise InvalidInput("a step must not be empty")
    if len(cleaned) > STEPS_MAX:
        raise InvalidInput(f"too many steps ({len(cleaned)}, at most {STEPS_MAX})")
    return cleaned


def parse_contacts(entries: list[str]) -> list[EmergencyContact]:
    contacts = [parse_contact(entry) for entry in entries]
    if not contacts:
        raise InvalidInput("a recovery plan needs at least one emergency contact")
    if len(contacts) > CONTACTS_MAX:
        raise InvalidInput(f"too many contacts ({len(contacts)}, at most {CONTACTS_MAX})")
    return contacts


def parse_contact(entry: str) -> EmergencyContact:
    """`张三 13800000000 DBA`, `Zhang San +86-138-0000-0000`: the name is everything before
    the first word that looks like a phone number, the role everything after it."""
    words = bounded_text(entry, "contact", 3 * CONTACT_PART_MAX).split()
    at = next((i for i, word in enumerate(words) if _PHONE.fullmatch(word)), None)
    if at is None or at == 0:
        raise InvalidInput(f"contact {entry!r}: expected 'name phone [role]'")
    name, role = " ".join(words[:at]), " ".join(words[at + 1 :])
    if len(name) > CONTACT_PART_MAX or len(role) > CONTACT_PART_MAX:
        raise InvalidInput(f"contact {entry!r}: name and role at most {CONTACT_PART_MAX} each")
    return EmergencyContact(name, words[at], role)


def clean_notes(notes: str) -> str:
    return bounded_text(notes, "drill notes", NOTES_MAX)


def next_drill_on(last_drill_on: date | None, created_on: date, interval_days: int) -> date:
    return (last_drill_on or created_on) + timedelta(days=interval_days)


def check_drill_date(on: date, today: date, previous: date | None) -> None:
    if on > today:
        raise InvalidInput(f"drill date {on.isoformat()} is in the future")
    if previous is not None and on < previous:
        raise InvalidInput(f"a later drill ({previous.isoformat()}) is recorded already")


def drill_state(due_on: date, today: date) -> str:
    """ok, due_soon (within the 14-day warning), due (today) or overdue."""
    if today > due_on:
        return "overdue"
    if today == due_on:
        return "due"
    return "due_soon" if today >= due_on - DRILL_WARNING_LEAD else "ok"


def drill_moments(due_on: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The warning (14 days before) and the due moment, each at 09:00 local."""
    due = datetime.combine(due_on, DRILL_ALERT_TIME, zone)
    warning = datetime.combine(due_on - DRILL_WARNING_LEAD, DRILL_ALERT_TIME, zone)
    return warning, due


def rpo_warning(rpo_minutes: int, backup_interval_hours: int) -> str | None:
    """A plan cannot promise to lose less data than the time between two backups."""
    if rpo_minutes >= backup_interval_hours * 60:
        return None
    return (
        f"RPO {rpo_minutes} min is shorter than the backup interval ({backup_interval_hours} h):"
        f" a restore from backup may lose up to {backup_interval_hours} h of data"
    )
