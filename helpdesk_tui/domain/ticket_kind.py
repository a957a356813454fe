"""What a ticket is for: handling a fault, a work order for a data migration or a defect
fix in code we wrote (seed 1.3 灾难恢复), or a customer's complaint (投诉, seed 1.1.7),
which the duty manager hears of at once. All run on the same SLA clocks."""

from __future__ import annotations

from enum import StrEnum

from helpdesk_tui.domain.errors import InvalidInput


class TicketKind(StrEnum):
    FAULT = "fault"
    MIGRATION = "migration"
    DEFECT = "defect"
    COMPLAINT = "complaint"


KIND_ZH = {
    TicketKind.FAULT: "故障处理",
    TicketKind.MIGRATION: "数据迁移",
    TicketKind.DEFECT: "缺陷修复",
    TicketKind.COMPLAINT: "客户投诉",
}

_ALIASES = {
    **{k.value: k for k in TicketKind},
    **{zh: k for k, zh in KIND_ZH.items()},
    "故障": TicketKind.FAULT,
    "迁移": TicketKind.MIGRATION,
    "缺陷": TicketKind.DEFECT,
    "bug": TicketKind.DEFECT,
    "投诉": TicketKind.COMPLAINT,
}


def parse_ticket_kind(text: str) -> TicketKind:
    """Accept `fault|migration|defect|complaint`, their Chinese names and short forms."""
    found = _ALIASES.get(text.strip().lower())
    if found is None:
        choices = "fault|migration|defect|complaint or 故障处理|数据迁移|缺陷修复|客户投诉"
        raise InvalidInput(f"unknown ticket kind {text!r}: use {choices}")
    return found
