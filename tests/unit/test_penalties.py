"""Penalty maths (违约承诺), table-driven: shares per breach and per started hour late,
rounding, the cap shared by the contract's months, and lateness from the SLA clocks
themselves (a paused fix clock is not late; a reopened ticket can break its promise
twice)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk_tui.domain.calendar import always_on
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.penalties import (
    Breach,
    PenaltyTerms,
    charge,
    hours_charged,
    lateness,
    share,
    statements,
)
from helpdesk_tui.domain.sla import ClockFacts, Pause, fix_clock, response_clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
H = timedelta(hours=1)
M = timedelta(minutes=1)
PRICE = 1_000_000_00  # 1 000 000 元 in fen


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def breach(due: str, late: timedelta, ticket: int = 1, target: str = "fix") -> Breach:
    return Breach(ticket, target, at(due), late)


@pytest.mark.parametrize(
    ("late", "hours"),
    [(timedelta(0), 0), (-H, 0), (M, 1), (H, 1), (H + timedelta(seconds=1), 2),
     (25 * H, 25)],
)  # fmt: skip
def test_a_started_hour_counts_as_a_whole_one(late, hours):
    assert hours_charged(late) == hours


@pytest.mark.parametrize(
    ("total", "bp", "times", "fen"),
    [(PRICE, 50, 1, 500_000), (PRICE, 1, 3, 30_000), (333, 1, 1, 0), (5_000, 1, 1, 1),
     (4_999, 1, 1, 0), (15_000, 1, 1, 2)],  # half a fen and more rounds up
)  # fmt: skip
def test_shares_in_fen_rounded_half_up(total, bp, times, fen):
    assert share(total, bp, times) == fen


@pytest.mark.parametrize(
    ("terms", "late", "per_breach", "per_hour"),
    [(PenaltyTerms(PRICE, 50, 0, 1000), 3 * H, 500_000, 0),  # 0.5 % a breach
     (PenaltyTerms(PRICE, 0, 2, 1000), 3 * H + M, 0, 4 * 20_000),  # 0.02 % an hour
     (PenaltyTerms(PRICE, 50, 2, 1000), timedelta(0), 500_000, 0)],
)  # fmt: skip
def test_a_charge_is_the_share_per_breach_plus_per_hour(terms, late, per_breach, per_hour):
    found = charge(terms, breach("2026-11-02 10:00", late))
    assert (found.per_breach_fen, found.per_hour_fen) == (per_breach, per_hour)
    assert found.fen == per_breach + per_hour


def test_the_cap_is_shared_by_the_months_of_the_contract():
    terms = PenaltyTerms(PRICE, per_breach_bp=100, cap_bp=250)  # 1 % a breach, cap 2.5 %
    months = statements(terms, [
        breach("2026-10-05 09:00", H, ticket=1),
        breach("2026-10-20 23:30", H, ticket=2),
        breach("2026-11-01 00:10", H, ticket=3),  # 10-31 16:10 UTC: November in Shanghai
        breach("2026-12-03 09:00", H, ticket=4),
    ], SHANGHAI)  # fmt: skip
    assert [s.month for s in months] == [(2026, 10), (2026, 11), (2026, 12)]
    assert [s.charged_fen for s in months] == [2_000_000, 1_000_000, 1_000_000]
    assert [s.owed_fen for s in months] == [2_000_000, 500_000, 0]
    assert [s.capped_fen for s in months] == [0, 500_000, 1_000_000]
    assert sum(s.owed_fen for s in months) == terms.cap_fen


def test_a_cap_of_zero_owes_nothing_whatever_was_broken():
    [month] = statements(PenaltyTerms(PRICE, 100, 10, 0), [breach("2026-11-02 10:00", 9 * H)],
                         SHANGHAI)  # fmt: skip
    assert month.charged_fen > 0 and month.owed_fen == 0


@pytest.mark.parametrize(
    "terms",
    [{"total_price_fen": -1}, {"total_price_fen": 1, "per_breach_bp": 10_001},
     {"total_price_fen": 1, "cap_bp": -5}],
)  # fmt: skip
def test_impossible_terms_are_refused(terms):
    with pytest.raises(InvalidInput):
        PenaltyTerms(**terms)


# -- lateness from the clocks ---------------------------------------------------------------

CLOCK = always_on(SHANGHAI)
REPORTED = at("2026-11-02 08:00")


def test_a_response_late_by_90_minutes_is_charged_two_hours():
    facts = ClockFacts(REPORTED, first_response_at=REPORTED + 2 * H + 30 * M)
    clock = response_clock(facts, CLOCK, 1 * H, REPORTED + 5 * H)
    assert lateness(clock) == 90 * M and hours_charged(lateness(clock)) == 2


def test_time_waiting_for_the_customer_is_not_late():
    # 24 h fix target; 10 h waiting for the customer; resolved 30 h after the report
    facts = ClockFacts(REPORTED, first_response_at=REPORTED + 30 * M,
                       resolved_at=REPORTED + 30 * H,
                       pauses=(Pause(REPORTED + 4 * H, REPORTED + 14 * H),
                               Pause(REPORTED + 30 * H, None)))  # fmt: skip
    clock = fix_clock(facts, CLOCK, 24 * H, REPORTED + 31 * H)
    assert clock.used == 20 * H and lateness(clock) == timedelta(0)


def test_a_ticket_still_open_is_late_so_far():
    facts = ClockFacts(REPORTED, first_response_at=REPORTED + 30 * M)
    clock = fix_clock(facts, CLOCK, 24 * H, REPORTED + 27 * H + 5 * M)
    assert lateness(clock) == 3 * H + 5 * M and hours_charged(lateness(clock)) == 4


def test_a_reopened_ticket_can_break_its_fix_promise_twice():
    terms = PenaltyTerms(PRICE, per_breach_bp=10, per_hour_late_bp=1, cap_bp=1000)
    first = breach("2026-11-03 08:00", 2 * H, ticket=7)  # resolved 2 h late
    again = breach("2026-11-09 12:00", 30 * M, ticket=7)  # reopened, its new deadline missed
    [month] = statements(terms, [again, first], SHANGHAI)
    assert [c.breach for c in month.charges] == [first, again]  # by deadline
    assert month.charged_fen == 2 * share(PRICE, 10) + share(PRICE, 1, 2) + share(PRICE, 1, 1)
