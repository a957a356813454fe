"""Ticket kinds: fault handling and the work orders of seed 1.3 (数据迁移, 缺陷修复)."""

from __future__ import annotations

import pytest

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.ticket_kind import KIND_ZH, TicketKind, parse_ticket_kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("fault", TicketKind.FAULT),
        ("migration", TicketKind.MIGRATION),
        ("defect", TicketKind.DEFECT),
        (" Migration ", TicketKind.MIGRATION),
        ("故障处理", TicketKind.FAULT),
        ("数据迁移", TicketKind.MIGRATION),
        ("缺陷修复", TicketKind.DEFECT),
        ("故障", TicketKind.FAULT),
        ("迁移", TicketKind.MIGRATION),
        ("缺陷", TicketKind.DEFECT),
        ("BUG", TicketKind.DEFECT),
    ],
)
def test_english_and_chinese_names_are_accepted(text, kind):
    assert parse_ticket_kind(text) is kind


@pytest.mark.parametrize("text", ["", "repair", "数据", "fault!"])
def test_an_unknown_kind_names_the_choices(text):
    with pytest.raises(InvalidInput, match=r"fault\|migration\|defect"):
        parse_ticket_kind(text)


def test_every_kind_has_a_chinese_name_that_parses_back():
    assert set(KIND_ZH) == set(TicketKind)
    assert all(parse_ticket_kind(zh) is kind for kind, zh in KIND_ZH.items())
