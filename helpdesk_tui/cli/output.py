"""How tickets look on standard output: JSON objects and plain aligned text."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from helpdesk_tui.domain.sla import TargetState, stored_states
from helpdesk_tui.safe_text import fit, one_line
from helpdesk_tui.store.models import AuditEntry, Ticket, WorkLogEntry
from helpdesk_tui.store.queries import TicketDetail, TicketRow


def iso(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat() if value else None


def _late(state: TargetState) -> bool:
    return state in (TargetState.BREACHED, TargetState.MET_LATE)


def ticket_json(row: TicketRow, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    t = row.ticket
    response, fix = stored_states(t, now)
    return {
        "id": t.id,
        "key": t.key,
        "title": t.title,
        "customer": row.customer,
        "severity": t.severity,
        "status": t.status,
        "channel": t.channel,
        "kind": t.kind,
        "coverage": t.coverage,
        "exclusion": t.exclusion or None,
        "assignee": row.assignee,
        "reported_at": iso(t.reported_at, zone),
        "created_at": iso(t.created_at, zone),
        "updated_at": iso(t.updated_at, zone),
        "first_response_at": iso(t.first_response_at, zone),
        "resolved_at": iso(t.resolved_at, zone),
        "accepted_at": iso(t.accepted_at, zone),
        "cancelled_at": iso(t.cancelled_at, zone),
        "response_due_at": iso(t.response_due_at, zone),
        "resolve_due_at": iso(t.resolve_due_at, zone),
        "response_state": response.value,
        "resolve_state": fix.value,
        "response_breached": _late(response),
        "resolve_breached": _late(fix),
        "fix_remaining_seconds": t.fix_remaining_seconds,
        "paused_seconds": t.paused_seconds,
        "rating": t.rating,
        "root_cause": t.root_cause,
        "fix_applied": t.fix_applied,
        "version": t.version,
    }


def detail_json(detail: TicketDetail, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    t = detail.row.ticket
    return {
        **ticket_json(detail.row, now, zone),
        "description": t.description,
        "contact": detail.contact.name if detail.contact else None,
        "contract": detail.contract.number if detail.contract else None,
        "exclusion_note": t.exclusion_note,
        "resolution_summary": t.resolution_summary,
        "acceptance_comment": t.acceptance_comment,
        "pauses": [
            {"status": p.status, "start": iso(p.started_at, zone), "end": iso(p.ended_at, zone)}
            for p in detail.pauses
        ],
        "work_log": [_log_json(entry, zone) for entry in detail.work_log],
        "audit": [_audit_json(entry, zone) for entry in detail.audit],
    }


def _log_json(entry: WorkLogEntry, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "at": iso(entry.at, zone),
        "author": entry.author,
        "kind": entry.kind,
        "minutes": entry.minutes,
        "text": entry.text,
    }


def _audit_json(entry: AuditEntry, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "at": iso(entry.at, zone),
        "actor": entry.actor,
        "action": entry.action,
        "detail": json.loads(entry.detail),
    }


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def stream_json_list(items: Iterable[dict[str, Any]]) -> int:
    """Print a JSON list one object per line, so a reader gets the first rows at once."""
    count = 0
    out = sys.stdout
    out.write("[")
    for item in items:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(item, ensure_ascii=False))
        count += 1
        if count % 100 == 0:
            out.flush()
    out.write("\n]\n" if count else "]\n")
    return count


def countdown(due: datetime | None, now: datetime) -> str:
    """`2h05m` left, or `-1d03h` overdue."""
    if due is None:
        return "paused"
    seconds = int((due - now).total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return f"{sign}{days}d{hours:02d}h"
    return f"{sign}{hours}h{minutes:02d}m"


LIST_COLUMNS = (
    ("KEY", 8),
    ("SEV", 7),
    ("STATUS", 11),
    ("CUSTOMER", 18),
    ("ASSIGNEE", 10),
    ("RESPONSE", 9),
    ("FIX", 9),
    ("TITLE", 40),
)


def list_header() -> str:
    return " ".join(fit(name, width) for name, width in LIST_COLUMNS).rstrip()


def list_line(row: TicketRow, now: datetime) -> str:
    t = row.ticket
    response, fix = stored_states(t, now)
    response_cell = (
        countdown(t.response_due_at, now)
        if response is TargetState.RUNNING or response is TargetState.BREACHED
        else response.value
    )
    fix_cell = (
        countdown(t.resolve_due_at, now)
        if fix in (TargetState.RUNNING, TargetState.BREACHED) and t.resolve_due_at
        else fix.value
    )
    cells = (
        t.key,
        t.severity,
        t.status,
        one_line(row.customer),
        one_line(row.assignee or "-"),
        response_cell,
        fix_cell,
        one_line(t.title),
    )
    return " ".join(
        fit(cell, width) for cell, (_, width) in zip(cells, LIST_COLUMNS, strict=True)
    ).rstrip()


def summary_line(ticket: Ticket, now: datetime, zone: ZoneInfo) -> str:
    response, fix = stored_states(ticket, now)
    fix_due = iso(ticket.resolve_due_at, zone) or "paused"
    return (
        f"{ticket.key} {ticket.status} · response {response.value} "
        f"(due {iso(ticket.response_due_at, zone)}) · fix {fix.value} (due {fix_due})"
    )
