"""Penalties for broken promises (违约承诺): what a contract's breaches cost.

A contract prices a breach as shares of its total maintenance price, in basis points
(1 bp = 0.01 %): a fixed share per broken promise, and a share per hour late, where an
hour started counts as a whole one and hours are working hours on the contract's
calendar, the way its targets are counted (a paused fix clock is not late). What is owed
is capped at a share of the total price over the contract's whole term; a cap of 0 means
the contract owes nothing for breaches.

A breach belongs to the month its deadline fell in (in the desk's zone), and is charged
for its lateness when it was met, or so far if it still is not. Money is whole fen,
rounded half up per charge.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.sla import TargetClock, TargetState

BASIS_POINTS = 10_000
HOUR = timedelta(hours=1)
ZERO = timedelta(0)

Month = tuple[int, int]  # (year, month)


@dataclass(frozen=True)
class PenaltyTerms:
    total_price_fen: int
    per_breach_bp: int = 0
    per_hour_late_bp: int = 0
    cap_bp: int = 0

    def __post_init__(self) -> None:
        if self.total_price_fen < 0:
            raise InvalidInput("the total price cannot be negative")
        for name in ("per_breach_bp", "per_hour_late_bp", "cap_bp"):
            if not 0 <= getattr(self, name) <= BASIS_POINTS:
                raise InvalidInput(f"{name.removesuffix('_bp')}: expected 0 to 100 %")

    @property
    def cap_fen(self) -> int:
        return share(self.total_price_fen, self.cap_bp)


@dataclass(frozen=True)
class Breach:
    ticket_id: int
    target: str  # response | fix
    due_at: datetime
    late: timedelta  # working time past the target, when met or so far


@dataclass(frozen=True)
class Charge:
    breach: Breach
    hours: int  # hours late charged (a started hour counts)
    per_breach_fen: int
    per_hour_fen: int

    @property
    def fen(self) -> int:
        return self.per_breach_fen + self.per_hour_fen


@dataclass(frozen=True)
class MonthStatement:
    month: Month
    charges: tuple[Charge, ...]
    charged_fen: int  # before the cap
    owed_fen: int  # after the cap, given what the earlier months already owe

    @property
    def capped_fen(self) -> int:
        return self.charged_fen - self.owed_fen


def share(total_fen: int, basis_points: int, times: int = 1) -> int:
    """`times` shares of `basis_points` of `total_fen`, in fen rounded half up."""
    return (total_fen * basis_points * times + BASIS_POINTS // 2) // BASIS_POINTS


def hours_charged(late: timedelta) -> int:
    if late <= ZERO:
        return 0
    return math.ceil(late / HOUR)


def lateness(clock: TargetClock) -> timedelta:
    """How far past its target a target's clock ran: zero unless it broke the promise."""
    if clock.state not in (TargetState.BREACHED, TargetState.MET_LATE):
        return ZERO
    return max(clock.used - clock.target, ZERO)


def charge(terms: PenaltyTerms, breach: Breach) -> Charge:
    hours = hours_charged(breach.late)
    return Charge(
        breach,
        hours,
        share(terms.total_price_fen, terms.per_breach_bp),
        share(terms.total_price_fen, terms.per_hour_late_bp, hours),
    )


def month_of(instant: datetime, zone: ZoneInfo) -> Month:
    local = instant.astimezone(zone)
    return local.year, local.month


def statements(
    terms: PenaltyTerms, breaches: Iterable[Breach], zone: ZoneInfo
) -> list[MonthStatement]:
    """One statement per month with breaches, oldest first; the cap is shared by all
    months of the contract, so a month after the cap was reached owes nothing."""
    by_month: dict[Month, list[Charge]] = {}
    for breach in sorted(breaches, key=lambda b: (b.due_at, b.ticket_id, b.target)):
        by_month.setdefault(month_of(breach.due_at, zone), []).append(charge(terms, breach))
    found, owed_so_far = [], 0
    for month in sorted(by_month):
        charges = tuple(by_month[month])
        charged = sum(c.fen for c in charges)
        owed = max(min(charged, terms.cap_fen - owed_so_far), 0)
        owed_so_far += owed
        found.append(MonthStatement(month, charges, charged, owed))
    return found
