"""Who pays for a ticket (保修 / 维保 / 有偿 / 免费), and when the vendor's promises hold.

A ticket reported while the contract's warranty runs is covered by the warranty; after
it, while the contract runs, by the contract; with no contract in force it is billable.
The seed lets the vendor decline the work when the damage is the customer's doing, force
majeure, missing configuration, or a configuration the customer changed without telling
the vendor (甲方人为因素或不可抗力等因素导致设备损坏、配置缺少、未通知乙方更改配置): such an
exclusion makes the ticket billable (有偿), or goodwill (免费) when the vendor chooses so.
Only warranty and contract tickets carry the SLA promise, so only they can cost penalties.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from helpdesk_tui.domain.errors import InvalidInput


class Coverage(StrEnum):
    WARRANTY = "warranty"  # 保修期内
    CONTRACT = "contract"  # 维保合同
    BILLABLE = "billable"  # 有偿服务
    GOODWILL = "goodwill"  # 免费服务 (outside what is owed)

    @property
    def promised(self) -> bool:
        """Whether the contract's response and fix promises (and penalties) apply."""
        return self in (Coverage.WARRANTY, Coverage.CONTRACT)


class Exclusion(StrEnum):
    CUSTOMER_DAMAGE = "customer_damage"  # 甲方人为因素
    FORCE_MAJEURE = "force_majeure"  # 不可抗力
    MISSING_CONFIGURATION = "missing_configuration"  # 配置缺少
    UNNOTIFIED_CHANGE = "unnotified_change"  # 未通知乙方更改配置


def parse_coverage(text: str) -> Coverage:
    try:
        return Coverage(text.strip().lower())
    except ValueError:
        allowed = ", ".join(c.value for c in Coverage)
        raise InvalidInput(f"unknown coverage {text!r}: expected one of {allowed}") from None


def parse_exclusion(text: str) -> Exclusion:
    try:
        return Exclusion(text.strip().lower().replace("-", "_"))
    except ValueError:
        allowed = ", ".join(e.value for e in Exclusion)
        raise InvalidInput(f"unknown exclusion {text!r}: expected one of {allowed}") from None


def coverage_on(
    day: date,
    *,
    starts_on: date | None,
    ends_on: date | None,
    warranty_ends_on: date | None,
) -> Coverage:
    """The coverage of a ticket reported on `day` under a contract (None: no contract)."""
    if starts_on is None or ends_on is None:
        return Coverage.BILLABLE
    if warranty_ends_on is not None and day <= warranty_ends_on:
        return Coverage.WARRANTY
    if starts_on <= day <= ends_on:
        return Coverage.CONTRACT
    return Coverage.BILLABLE


def excluded_coverage(*, goodwill: bool) -> Coverage:
    """What an excluded ticket becomes: billable, or goodwill if the vendor waives it."""
    return Coverage.GOODWILL if goodwill else Coverage.BILLABLE
