"""Amounts as people type and read them: money in 元 with at most two decimals
(`120000.00`, `120,000`, `¥1,500.5`) stored in fen, and ratios in percent with at most two
decimals (`0.5%`, `0.5`, `12%`) stored in basis points (1 bp = 0.01 %)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

from helpdesk_tui.domain.errors import InvalidInput


def _number(text: str, what: str, example: str) -> Decimal:
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    raw = raw.removeprefix("¥").removeprefix("￥").replace(",", "").replace("_", "").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput(f"{what} {text!r}: expected a number such as {example}") from None
    if not value.is_finite():
        raise InvalidInput(f"{what} {text!r}: expected a number such as {example}")
    return value


def parse_yuan(text: str, what: str = "amount") -> int:
    """元 to fen; at most two decimals, never negative."""
    value = _number(text, what, "120000.00")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise InvalidInput(f"{what} {text!r}: at most two decimals (fen)")
    if fen < 0:
        raise InvalidInput(f"{what} {text!r}: cannot be negative")
    return int(fen)


def parse_percent(text: str, what: str = "ratio") -> int:
    """Percent (a trailing % is optional) to basis points, from 0 to 100 %."""
    raw = unicodedata.normalize("NFKC", str(text)).strip().removesuffix("%")
    value = _number(raw, what, "0.5%")
    bp = value * 100
    if bp != bp.to_integral_value():
        raise InvalidInput(f"{what} {text!r}: at most two decimals (0.01 % steps)")
    if not 0 <= bp <= 10_000:
        raise InvalidInput(f"{what} {text!r}: expected 0 to 100 %")
    return int(bp)


def yuan_text(fen: int) -> str:
    """`120,000.00`"""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def percent_text(bp: int) -> str:
    """`0.5%`, `12%`, `0.05%`"""
    whole, rest = divmod(bp, 100)
    return f"{whole}.{rest:02d}".rstrip("0").rstrip(".") + "%"
