"""A ticket's paperwork for the customer (seed 1.1.5): the support maintenance record
(支持维护记录: who did what, when, for how long) and the maintenance summary (维护总结:
what was wrong, what fixed it, the customer's acceptance and rating). Built from the
ticket's detail as plain data, then written as Markdown or printable HTML; Chinese by
default. Every value is text from the database, escaped by the writers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from helpdesk_tui.store.queries import TicketDetail

WORDS = {
    "zh": {
        "record": "支持维护记录", "summary": "维护总结", "ticket": "工单", "customer": "客户",
        "contact": "联系人", "contract": "合同", "severity": "故障等级", "kind": "工单类型",
        "reported": "报告时间", "responded": "响应时间", "resolved": "解决时间",
        "engineer": "负责工程师", "title": "故障现象", "description": "故障描述",
        "at": "时间", "who": "人员", "minutes": "用时（分钟）", "action": "处理过程",
        "cause": "故障原因", "fix": "解决方案", "solution": "维护总结",
        "accepted": "客户验收", "rating": "满意度评分", "comment": "客户意见",
        "not_yet": "尚未", "total": "合计用时", "signature": "客户签字：　　　　　　日期：",
    },
    "en": {
        "record": "Support maintenance record", "summary": "Maintenance summary",
        "ticket": "Ticket", "customer": "Customer", "contact": "Contact",
        "contract": "Contract", "severity": "Severity", "kind": "Kind",
        "reported": "Reported", "responded": "Responded", "resolved": "Resolved",
        "engineer": "Engineer", "title": "Fault", "description": "Description", "at": "Time",
        "who": "By", "minutes": "Minutes", "action": "Action", "cause": "Root cause",
        "fix": "Fix", "solution": "Summary", "accepted": "Accepted by the customer",
        "rating": "Rating", "comment": "Customer's comment", "not_yet": "not yet",
        "total": "Time spent", "signature": "Customer's signature:            Date:",
    },
}  # fmt: skip


@dataclass(frozen=True)
class Paper:
    title: str
    fields: list[tuple[str, str]]  # (label, value)
    log_header: tuple[str, str, str, str]
    log: list[tuple[str, str, str, str]]  # time, who, minutes, text
    sections: list[tuple[str, str]]  # (heading, text)
    closing: str  # a last line (the signature line), or ""


def record_paper(detail: TicketDetail, zone: ZoneInfo, lang: str, names: dict) -> Paper:
    """支持维护记录: the facts of the ticket and every line of its work log."""
    say = WORDS.get(lang, WORDS["en"])
    entries = detail.work_log
    total = sum(entry.minutes for entry in entries)
    return Paper(
        title=f"{say['record']} · {detail.row.ticket.key}",
        fields=[*_facts(detail, zone, say, names), (say["total"], f"{total}")],
        log_header=(say["at"], say["who"], say["minutes"], say["action"]),
        log=[(_when(e.at, zone), e.author, str(e.minutes or ""), e.text) for e in entries],
        sections=[],
        closing="",
    )


def summary_paper(detail: TicketDetail, zone: ZoneInfo, lang: str, names: dict) -> Paper:
    """维护总结: the outcome, the fault analysis and the customer's acceptance."""
    say = WORDS.get(lang, WORDS["en"])
    ticket = detail.row.ticket
    accepted = _when(ticket.accepted_at, zone) if ticket.accepted_at else say["not_yet"]
    rating = f"{ticket.rating} / 5" if ticket.rating else say["not_yet"]
    outcome = [(say["accepted"], accepted), (say["rating"], rating)]
    sections = [
        (say["description"], ticket.description),
        (say["cause"], ticket.root_cause or ""),
        (say["fix"], ticket.fix_applied or ""),
        (say["solution"], ticket.resolution_summary),
        (say["comment"], ticket.acceptance_comment),
    ]
    return Paper(
        title=f"{say['summary']} · {ticket.key}",
        fields=[*_facts(detail, zone, say, names), *outcome],
        log_header=("", "", "", ""),
        log=[],
        sections=sections,
        closing=say["signature"],
    )


def _facts(detail: TicketDetail, zone: ZoneInfo, say: dict, names: dict) -> list[tuple[str, str]]:
    ticket = detail.row.ticket
    return [
        (say["ticket"], ticket.key),
        (say["title"], ticket.title),
        (say["customer"], detail.row.customer),
        (say["contact"], detail.contact.name if detail.contact else "—"),
        (say["contract"], detail.contract.number if detail.contract else "—"),
        (say["severity"], names["severity"](ticket.severity)),
        (say["kind"], names["kind"](ticket.kind)),
        (say["engineer"], detail.row.assignee or "—"),
        (say["reported"], _when(ticket.reported_at, zone)),
        (say["responded"], _when(ticket.first_response_at, zone)),
        (say["resolved"], _when(ticket.resolved_at, zone)),
    ]


def _when(instant: datetime | None, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M") if instant else "—"
