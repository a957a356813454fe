"""Return visits (回访, seed 1.1: 市场部配合服务部定期向客户进行回访): when they are due, what
states they go through, what a recorded visit must hold. Pure: `today` is an argument.

Two kinds of visit are planned by the desk on its own, one kind is added by hand:

- **scheduled** — a customer with `visit_every_months = N > 0` is visited every N months.
  The next visit is due N months after the anchor, the latest of: the day of the last
  done visit (any kind: the customer was heard), and the due day of the last scheduled
  visit that was cancelled (cancelling skips that period, it does not stop the cycle).
  A customer never visited gets its first visit N months after the day the planner first
  sees it (the day visits are switched on, or the customer is added): never a backlog
  of visits all due at once. Once anchored on a visit, a late planner keeps the natural
  date, so a missed quarter shows as overdue. A month that has no such day ends the
  period on its last day (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year).
  At most one scheduled visit per customer is planned at a time.
- **after_ticket** — an urgent or serious ticket the customer accepted (验收) is followed
  up AFTER_TICKET_DAYS later, for tickets accepted within AFTER_TICKET_LOOKBACK_DAYS (so
  switching the feature on over an old database does not raise a flood).
- **ad_hoc** — added by hand for any day from today on.

Each planned visit has a stable `schedule_key` (`every:CUSTOMER:DATE`, `ticket:ID`,
`adhoc:...`) that is unique in the store: planning twice, or in two processes at once,
never makes two.

A visit is planned, done or cancelled; a planned one is "due" on its day and "overdue"
from the next day. A done visit has a satisfaction score from 1 (very unhappy) to 5
(very happy), a method (phone, onsite, email) and notes; each need found on it becomes a
ticket with channel `survey` (a satisfaction survey) or `proactive` (a need the
maintenance team found).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from helpdesk_tui.domain import limits
from helpdesk_tui.domain.channel import Channel, parse_channel
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.severity import Severity

AFTER_TICKET_DAYS = 3  # a follow-up call a few days after acceptance, not the same day
AFTER_TICKET_LOOKBACK_DAYS = 30
FOLLOWED_SEVERITIES = (Severity.URGENT, Severity.SERIOUS)
EVERY_MONTHS_MAX = 24
SATISFACTION = (1, 5)
NOTES_MAX = 4000
NEEDS_MAX = 20
VISIT_ALERT_TIME = time(9, 0)  # local: a visit reminder is office news, not a night call
OVERDUE_REMINDER_EVERY = timedelta(days=7)
NEED_CHANNELS = (Channel.SURVEY, Channel.PROACTIVE)


class VisitStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class VisitReason(StrEnum):
    SCHEDULED = "scheduled"
    AFTER_TICKET = "after_ticket"
    AD_HOC = "ad_hoc"


class VisitMethod(StrEnum):
    PHONE = "phone"
    ONSITE = "onsite"
    EMAIL = "email"


class VisitState(StrEnum):
    """What a list shows: a planned visit is upcoming, due (today) or overdue."""

    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Need:
    """A need found on a visit; it becomes a ticket."""

    title: str
    severity: Severity = Severity.MINOR
    channel: Channel = Channel.SURVEY


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months; a day the month lacks becomes its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def next_scheduled_on(
    every_months: int, last_done_on: date | None, last_skipped_on: date | None, today: date
) -> date | None:
    """When the next scheduled visit is due (None: the customer has no schedule)."""
    if every_months <= 0:
        return None
    anchors = [day for day in (last_done_on, last_skipped_on) if day is not None]
    return add_months(max(anchors) if anchors else today, every_months)


def after_ticket_on(accepted_on: date) -> date:
    return accepted_on + timedelta(days=AFTER_TICKET_DAYS)


def followed_up(severity: str) -> bool:
    """Whether an accepted ticket of this severity gets a return visit."""
    return severity in {s.value for s in FOLLOWED_SEVERITIES}


def scheduled_key(customer_id: int, due_on: date) -> str:
    return f"every:{customer_id}:{due_on.isoformat()}"


def ticket_key_for(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


def ad_hoc_key(customer_id: int, token: str) -> str:
    return f"adhoc:{customer_id}:{token}"


def visit_state(status: str, due_on: date, today: date) -> VisitState:
    if status == VisitStatus.DONE:
        return VisitState.DONE
    if status == VisitStatus.CANCELLED:
        return VisitState.CANCELLED
    if due_on < today:
        return VisitState.OVERDUE
    return VisitState.DUE if due_on == today else VisitState.UPCOMING


def visit_moments(due_on: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The "due today" moment and the "overdue" one (the next morning), each 09:00 local."""
    due = datetime.combine(due_on, VISIT_ALERT_TIME, zone)
    overdue = datetime.combine(due_on + timedelta(days=1), VISIT_ALERT_TIME, zone)
    return due, overdue


def check_every_months(months: int) -> int:
    if isinstance(months, bool) or not 0 <= months <= EVERY_MONTHS_MAX:
        raise InvalidInput(f"visit interval: expected 0 (none) to {EVERY_MONTHS_MAX} months")
    return months


def check_satisfaction(score: int) -> int:
    low, high = SATISFACTION
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        raise InvalidInput(f"satisfaction must be a whole number from {low} to {high}, got {score}")
    return score


def parse_method(text: str) -> VisitMethod:
    aliases = {"电话": "phone", "上门": "onsite", "现场": "onsite", "邮件": "email",
               "on-site": "onsite", "e-mail": "email", "mail": "email"}  # fmt: skip
    raw = text.strip().lower()
    try:
        return VisitMethod(aliases.get(raw, raw))
    except ValueError:
        allowed = "|".join(m.value for m in VisitMethod)
        raise InvalidInput(f"unknown visit method {text!r}: use {allowed}") from None


def parse_need_channel(text: str) -> Channel:
    channel = parse_channel(text)
    if channel not in NEED_CHANNELS:
        allowed = "|".join(c.value for c in NEED_CHANNELS)
        raise InvalidInput(f"a need found on a visit comes by {allowed}, not {text!r}")
    return channel


def check_needs(needs: list[Need]) -> list[Need]:
    if len(needs) > NEEDS_MAX:
        raise InvalidInput(f"too many needs ({len(needs)}, at most {NEEDS_MAX})")
    checked = []
    for need in needs:
        title = limits.required_text(need.title, "need", limits.TITLE_MAX)
        if need.channel not in NEED_CHANNELS:
            raise InvalidInput(f"a need comes by survey or proactive, not {need.channel.value}")
        checked.append(Need(title, need.severity, need.channel))
    return checked


def clean_notes(notes: str) -> str:
    return limits.bounded_text(notes, "visit notes", NOTES_MAX)


def check_ad_hoc_day(due_on: date, today: date) -> date:
    if due_on < today:
        raise InvalidInput(
            f"a visit cannot be planned for {due_on.isoformat()}, in the past: plan it for "
            "today and record it"
        )
    if due_on > add_months(today, EVERY_MONTHS_MAX):
        raise InvalidInput(f"{due_on.isoformat()} is more than {EVERY_MONTHS_MAX} months away")
    return due_on
