"""What a ticket is for (seed 1.3 灾难恢复): handling a fault, or a work order for a data
migration or a defect fix in code we wrote. All run on the same SLA clocks."""

from __future__ import annotations

from enum import StrEnum

from helpdesk_tui.domain.errors import InvalidInput


class TicketKind(StrEnum):
    FAULT = "fault"
    MIGRATION = "migration"
    DEFECT = "defect"


KIND_ZH = {
    TicketKind.FAULT: "故障处理",
    TicketKind.MIGRATION: "数据迁移",
    TicketKind.DEFECT: "缺陷修复",
}

_ALIASES = {
    **{k.value: k for k in TicketKind},
    **{zh: k for k, zh in KIND_ZH.items()},
    "故障": TicketKind.FAULT,
    "迁移": TicketKind.MIGRATION,
    "缺陷": TicketKind.DEFECT,
    "bug": TicketKind.DEFECT,
}


def parse_ticket_kind(text: str) -> TicketKind:
    """Accept `fault|migration|defect`, `故障处理|数据迁移|缺陷修复` and `故障|迁移|缺陷`."""
    found = _ALIASES.get(text.strip().lower())
    if found is None:
        choices = "fault|migration|defect or 故障处理|数据迁移|缺陷修复"
        raise InvalidInput(f"unknown ticket kind {text!r}: use {choices}")
    return found
