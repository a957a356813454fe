"""`helpdesk ticket show` as plain text."""

from __future__ import annotations

from typing import Any

from helpdesk_tui.domain.ticket_kind import KIND_ZH
from helpdesk_tui.safe_text import one_line, printable


def print_detail(data: dict[str, Any]) -> None:
    print(f"{data['key']}  {one_line(data['title'])}")
    fields = [
        ("customer", data["customer"]),
        ("contact", data["contact"]),
        ("contract", data["contract"]),
        ("severity", data["severity"]),
        ("status", data["status"]),
        ("channel", data["channel"]),
        ("kind", f"{data['kind']} {KIND_ZH.get(data['kind'], '')}".strip()),
        (
            "coverage",
            " · ".join(filter(None, [data["coverage"], data["exclusion"], data["exclusion_note"]])),
        ),
        ("assignee", data["assignee"]),
        ("reported", data["reported_at"]),
        ("response", f"{data['response_state']}, due {data['response_due_at']}"),
        ("fix", f"{data['resolve_state']}, due {data['resolve_due_at'] or 'paused'}"),
        ("rating", data["rating"]),
    ]
    for name, value in fields:
        if value not in (None, ""):
            print(f"  {name:<9} {one_line(str(value))}")
    if data["description"]:
        print("\n" + printable(data["description"]))
    if data["resolution_summary"]:
        print("\nsummary: " + printable(data["resolution_summary"]))
    if data["root_cause"] or data["fix_applied"]:
        print("\nfault analysis (故障分析):")
        print("  cause: " + printable(data["root_cause"]).replace("\n", "\n    "))
        print("  fix:   " + printable(data["fix_applied"] or "-").replace("\n", "\n    "))
    if data["work_log"]:
        print("\nwork log:")
        for entry in data["work_log"]:
            spent = f" ({entry['minutes']} min)" if entry["minutes"] else ""
            print(f"  {entry['at']} {one_line(entry['author'])} [{entry['kind']}]{spent}")
            print("    " + printable(entry["text"]).replace("\n", "\n    "))
    print("\naudit trail:")
    for entry in data["audit"]:
        print(f"  {entry['at']} {one_line(entry['actor'])} {entry['action']}")
