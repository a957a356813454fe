"""Coverage rules (保修 / 维保 / 有偿 / 免费), contract renewal states and alert moments, and
amounts as people type them: table-driven, pure."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from helpdesk_tui.domain.contract_amounts import parse_percent, parse_yuan, percent_text, yuan_text
from helpdesk_tui.domain.contract_renewal import (
    TARGET_DUE,
    TARGET_EXPIRED,
    TARGET_RENEWAL,
    TARGET_URGENT,
    TARGET_WARRANTY,
    RenewalState,
    RenewalTerms,
    alert_moments,
    days_to_renewal,
    in_warranty,
    renewal_state,
)
from helpdesk_tui.domain.coverage import (
    Coverage,
    Exclusion,
    coverage_on,
    excluded_coverage,
    parse_coverage,
    parse_exclusion,
)
from helpdesk_tui.domain.errors import InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")
START, WARRANTY_END, END = date(2026, 1, 1), date(2026, 6, 30), date(2027, 12, 31)


@pytest.mark.parametrize(
    ("day", "warranty_end", "expected"),
    [
        (date(2026, 1, 1), WARRANTY_END, Coverage.WARRANTY),
        (date(2026, 6, 30), WARRANTY_END, Coverage.WARRANTY),  # its last day included
        (date(2026, 7, 1), WARRANTY_END, Coverage.CONTRACT),
        (date(2027, 12, 31), WARRANTY_END, Coverage.CONTRACT),
        (date(2028, 1, 1), WARRANTY_END, Coverage.BILLABLE),  # after the contract
        (date(2025, 12, 31), None, Coverage.BILLABLE),  # before it, no warranty
        (date(2026, 3, 1), None, Coverage.CONTRACT),
    ],
)
def test_coverage_by_the_day_the_ticket_was_reported(day, warranty_end, expected):
    found = coverage_on(day, starts_on=START, ends_on=END, warranty_ends_on=warranty_end)
    assert found is expected


def test_no_contract_is_billable_and_only_warranty_and_contract_are_promised():
    assert coverage_on(START, starts_on=None, ends_on=None, warranty_ends_on=None) is (
        Coverage.BILLABLE
    )
    assert [c for c in Coverage if c.promised] == [Coverage.WARRANTY, Coverage.CONTRACT]


@pytest.mark.parametrize(("goodwill", "expected"), [(False, "billable"), (True, "goodwill")])
def test_an_exclusion_makes_the_ticket_billable_or_goodwill(goodwill, expected):
    assert excluded_coverage(goodwill=goodwill).value == expected
    assert not excluded_coverage(goodwill=goodwill).promised


@pytest.mark.parametrize(
    ("text", "expected"),
    [("customer_damage", Exclusion.CUSTOMER_DAMAGE), ("Force-Majeure", Exclusion.FORCE_MAJEURE),
     (" unnotified_change ", Exclusion.UNNOTIFIED_CHANGE)],
)  # fmt: skip
def test_exclusions_read_as_typed(text, expected):
    assert parse_exclusion(text) is expected


@pytest.mark.parametrize("bad", ["", "damage", "free"])
def test_unknown_exclusions_and_coverages_are_refused(bad):
    with pytest.raises(InvalidInput, match="expected one of"):
        parse_exclusion(bad)
    with pytest.raises(InvalidInput, match="expected one of"):
        parse_coverage(bad)


# -- renewal ---------------------------------------------------------------------------

TERMS = RenewalTerms(START, END, date(2027, 11, 30), 60, WARRANTY_END)


@pytest.mark.parametrize(
    ("today", "terms", "state", "days"),
    [
        (date(2027, 9, 30), TERMS, RenewalState.OK, 61),
        (date(2027, 10, 1), TERMS, RenewalState.WARNING, 60),
        (date(2027, 11, 16), TERMS, RenewalState.URGENT, 14),
        (date(2027, 11, 30), TERMS, RenewalState.URGENT, 0),
        (date(2027, 12, 1), TERMS, RenewalState.OVERDUE, -1),
        (date(2028, 1, 1), TERMS, RenewalState.EXPIRED, -32),
        (date(2028, 1, 1), RenewalTerms(START, END, None, 60, renewed=True),
         RenewalState.RENEWED, -1),
        (date(2027, 12, 20), RenewalTerms(START, END, None, 0), RenewalState.OK, 11),  # no warning
        (date(2027, 12, 25), RenewalTerms(START, END, None, 10), RenewalState.URGENT, 6),
    ],
)  # fmt: skip
def test_renewal_states_and_days_left(today, terms, state, days):
    assert renewal_state(terms, today) is state
    assert days_to_renewal(terms, today) == days


def test_in_warranty_until_its_last_day():
    assert in_warranty(TERMS, WARRANTY_END) and not in_warranty(TERMS, date(2026, 7, 1))
    assert not in_warranty(RenewalTerms(START, END, None, 60), START)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (TERMS, {TARGET_RENEWAL: _at("2027-10-01T09:00"), TARGET_URGENT: _at("2027-11-16T09:00"),
                 TARGET_DUE: _at("2027-11-30T09:00"), TARGET_EXPIRED: _at("2028-01-01T00:00"),
                 TARGET_WARRANTY: _at("2026-05-31T09:00")}),
        # warned 10 days before: only the urgent step; no warranty: no warranty notice
        (RenewalTerms(START, END, None, 10),
         {TARGET_RENEWAL: None, TARGET_URGENT: _at("2027-12-21T09:00"),
          TARGET_DUE: _at("2027-12-31T09:00"), TARGET_EXPIRED: _at("2028-01-01T00:00"),
          TARGET_WARRANTY: None}),
        # a warranty as long as the contract: nothing changes when it ends
        (RenewalTerms(START, END, None, 0, END),
         {TARGET_RENEWAL: None, TARGET_URGENT: None, TARGET_DUE: _at("2027-12-31T09:00"),
          TARGET_EXPIRED: _at("2028-01-01T00:00"), TARGET_WARRANTY: None}),
        (RenewalTerms(START, END, None, 60, WARRANTY_END, renewed=True),
         dict.fromkeys((TARGET_RENEWAL, TARGET_URGENT, TARGET_DUE, TARGET_EXPIRED,
                        TARGET_WARRANTY))),
    ],
)  # fmt: skip
def test_alert_moments(terms, expected):
    assert alert_moments(terms, SHANGHAI) == expected


# -- amounts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fen"),
    [("120000.00", 12_000_000), ("120,000", 12_000_000), ("¥1,500.5", 150_050), ("0", 0),
     ("１２０", 12_000)],
)  # fmt: skip
def test_yuan_to_fen(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(("text", "problem"), [("12.345", "two decimals"), ("-1", "negative"),
                                               ("abc", "number"), ("nan", "number")])  # fmt: skip
def test_bad_amounts(text, problem):
    with pytest.raises(InvalidInput, match=problem):
        parse_yuan(text)


@pytest.mark.parametrize(
    ("text", "bp"), [("0.5%", 50), ("0.5", 50), ("12%", 1200), ("100", 10_000), ("0.05 %", 5)]
)
def test_percent_to_basis_points(text, bp):
    assert parse_percent(text) == bp


@pytest.mark.parametrize(("text", "problem"), [("101%", "0 to 100"), ("0.001", "two decimals"),
                                               ("-1", "0 to 100"), ("x%", "number")])  # fmt: skip
def test_bad_percents(text, problem):
    with pytest.raises(InvalidInput, match=problem):
        parse_percent(text)


@pytest.mark.parametrize(("bp", "text"), [(50, "0.5%"), (1200, "12%"), (5, "0.05%"), (0, "0%")])
def test_percent_text_reads_back(bp, text):
    assert percent_text(bp) == text and parse_percent(text) == bp


def test_yuan_text():
    assert yuan_text(12_000_000) == "120,000.00" and yuan_text(5) == "0.05"
