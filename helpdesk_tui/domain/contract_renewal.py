"""When a maintenance contract (维保合同) needs renewing, and how loudly to say so.

The renewal date is the contract's own `renewal_on`, or else its end. Warnings start
`warn_days` before it (a contract's term, 60 by default), grow urgent in the last
URGENT_DAYS, and the renewal date passing is critical; once the contract has ended
without a successor it is expired. A contract followed by a later one of the same
customer has been renewed and says nothing more. The warranty (保修期) ending while the
contract runs on is announced WARRANTY_NOTICE_DAYS before: its tickets become contract
tickets from then on. Pure: `today` comes in as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

URGENT_DAYS = 14
WARRANTY_NOTICE_DAYS = 30
WARN_DAYS_MAX = 366
WARN_AT = time(9, 0)  # warnings come at the start of a working day

TARGET_RENEWAL = "contract_renewal"  # warn_days before the renewal date
TARGET_URGENT = "contract_renewal_urgent"  # URGENT_DAYS before it
TARGET_DUE = "contract_renewal_due"  # the renewal date itself
TARGET_EXPIRED = "contract_expired"  # the day after the contract's last day
TARGET_WARRANTY = "warranty_ending"  # WARRANTY_NOTICE_DAYS before the warranty ends
TARGETS = (TARGET_RENEWAL, TARGET_URGENT, TARGET_DUE, TARGET_EXPIRED, TARGET_WARRANTY)
LEVELS = {TARGET_RENEWAL: "warning", TARGET_URGENT: "warning", TARGET_DUE: "critical",
          TARGET_EXPIRED: "critical", TARGET_WARRANTY: "info"}  # fmt: skip


class RenewalState(StrEnum):
    OK = "ok"  # renewal far off
    WARNING = "warning"  # within the contract's warning days
    URGENT = "urgent"  # within URGENT_DAYS
    OVERDUE = "overdue"  # the renewal date has passed, the contract still runs
    EXPIRED = "expired"  # ended, nothing follows it
    RENEWED = "renewed"  # a later contract of the customer follows it

    @property
    def needs_attention(self) -> bool:
        return self in (RenewalState.WARNING, RenewalState.URGENT, RenewalState.OVERDUE,
                        RenewalState.EXPIRED)  # fmt: skip


@dataclass(frozen=True)
class RenewalTerms:
    starts_on: date
    ends_on: date
    renewal_on: date | None
    warn_days: int
    warranty_ends_on: date | None = None
    renewed: bool = False  # a later contract follows this one

    @property
    def renewal_day(self) -> date:
        return self.renewal_on or self.ends_on


def renewal_state(terms: RenewalTerms, today: date) -> RenewalState:
    if terms.renewed:
        return RenewalState.RENEWED
    if today > terms.ends_on:
        return RenewalState.EXPIRED
    left = (terms.renewal_day - today).days
    if left < 0:
        return RenewalState.OVERDUE
    if left <= min(URGENT_DAYS, terms.warn_days):
        return RenewalState.URGENT
    if left <= terms.warn_days:
        return RenewalState.WARNING
    return RenewalState.OK


def days_to_renewal(terms: RenewalTerms, today: date) -> int:
    """Negative: the renewal date passed that many days ago."""
    return (terms.renewal_day - today).days


def in_warranty(terms: RenewalTerms, today: date) -> bool:
    return terms.warranty_ends_on is not None and terms.starts_on <= today <= terms.warranty_ends_on


def alert_moments(terms: RenewalTerms, zone: tzinfo) -> dict[str, datetime | None]:
    """Each target's one moment (None: nothing to say). Warnings at 09:00 local; the
    expiry at 00:00 of the day after the contract's last day."""
    if terms.renewed:
        return dict.fromkeys(TARGETS)
    day = terms.renewal_day

    def morning(of: date) -> datetime:
        return datetime.combine(of, WARN_AT, zone)

    moments: dict[str, datetime | None] = {
        TARGET_RENEWAL: morning(day - timedelta(days=terms.warn_days))
        if terms.warn_days > URGENT_DAYS else None,
        TARGET_URGENT: morning(day - timedelta(days=min(URGENT_DAYS, terms.warn_days)))
        if terms.warn_days > 0 else None,
        TARGET_DUE: morning(day),
        TARGET_EXPIRED: datetime.combine(terms.ends_on + timedelta(days=1), time(0), zone),
        TARGET_WARRANTY: None,
    }  # fmt: skip
    warranty = terms.warranty_ends_on
    if warranty is not None and terms.starts_on <= warranty < terms.ends_on:
        moments[TARGET_WARRANTY] = morning(warranty - timedelta(days=WARRANTY_NOTICE_DAYS))
    return moments
