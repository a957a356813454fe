"""The penalties report (违约金) as Markdown for people, CSV for spreadsheets and JSON
for scripts: one row per contract and month with breaches; JSON also lists each charge.
Money is printed in 元 with two decimals and kept in fen in CSV and JSON."""

from __future__ import annotations

import csv
import io
from typing import Any
from zoneinfo import ZoneInfo

from helpdesk_tui.cli.output import iso
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.penalties import ContractPenalties, month_label
from helpdesk_tui.store.models import ticket_key

COLUMNS = ("contract", "customer", "month", "breaches", "charged_fen", "capped_fen", "owed_fen")
WORDS = {
    "zh": {"title": "违约金", "contract": "合同", "customer": "客户", "month": "月份",
           "breaches": "违约次数", "charged": "按条款计", "capped": "超出上限", "owed": "应付",
           "total": "合计", "none": "所选期间没有违约。"},
    "en": {"title": "Penalties", "contract": "Contract", "customer": "Customer",
           "month": "Month", "breaches": "Breaches", "charged": "Charged", "capped": "Over cap",
           "owed": "Owed", "total": "Total", "none": "No breaches in the period."},
}  # fmt: skip


def yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def _rows(report: list[ContractPenalties]):
    for entry in report:
        for month in entry.months:
            yield entry, month


def penalties_csv(report: list[ContractPenalties]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for entry, month in _rows(report):
        writer.writerow([entry.contract.number, entry.customer, month_label(month.month),
                         len(month.charges), month.charged_fen, month.capped_fen,
                         month.owed_fen])  # fmt: skip
    return out.getvalue()


def penalties_markdown(report: list[ContractPenalties], lang: str) -> str:
    say = WORDS.get(lang, WORDS["en"])
    rows = list(_rows(report))
    if not rows:
        return f"# {say['title']}\n\n{say['none']}\n"
    header = [say[k] for k in ("contract", "customer", "month", "breaches", "charged",
                               "capped", "owed")]  # fmt: skip
    lines = [f"# {say['title']}", "", "| " + " | ".join(header) + " |",
             "|---|---|---|---:|---:|---:|---:|"]  # fmt: skip
    for entry, month in rows:
        cells = [_cell(entry.contract.number), _cell(entry.customer), month_label(month.month),
                 str(len(month.charges)), yuan(month.charged_fen), yuan(month.capped_fen),
                 yuan(month.owed_fen)]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    owed = sum(month.owed_fen for _, month in rows)
    lines.append(f"| **{say['total']}** | | | {sum(len(m.charges) for _, m in rows)} | | | "
                 f"**{yuan(owed)}** |")  # fmt: skip
    return "\n".join(lines) + "\n"


def penalties_json(report: list[ContractPenalties], zone: ZoneInfo) -> list[dict[str, Any]]:
    return [
        {"contract": entry.contract.number, "customer": entry.customer,
         "month": month_label(month.month), "charged_fen": month.charged_fen,
         "capped_fen": month.capped_fen, "owed_fen": month.owed_fen,
         "charges": [{"ticket_key": ticket_key(c.breach.ticket_id), "target": c.breach.target,
                      "due_at": iso(c.breach.due_at, zone), "hours_late": c.hours,
                      "fen": c.fen} for c in month.charges]}
        for entry, month in _rows(report)
    ]  # fmt: skip


def _cell(text: str) -> str:
    """Literal in a Markdown table: one line, pipes escaped."""
    return one_line(text, 60).replace("|", "\\|")
