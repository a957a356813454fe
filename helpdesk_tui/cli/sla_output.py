"""The SLA report as Markdown for people, CSV for spreadsheets and JSON for scripts.

Durations are hours with one decimal in Markdown and CSV, seconds in JSON; percents
have one decimal everywhere. CSV and JSON keep stable English names whatever the
language; CSV has one column per channel and ends with the total row (`row` = "total"),
since means cannot be summed by a spreadsheet. Markdown speaks the user's language.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from helpdesk_tui.domain.channel import CHANNEL_ZH, Channel
from helpdesk_tui.domain.severity import SEVERITY_ZH, Severity
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.sla_report import Dimension, SlaFigures, SlaReport

HOUR = 3600.0
TIMES = ("mtta_work", "mtta_wall", "mttr_work", "mttr_wall")
WORDS = {
    "zh": {"title": "SLA 报告", "period": "期间", "sum": "合计", "tickets": "工单",
           "response_met": "响应达标", "response_missed": "响应超时",
           "response_percent": "响应达标率",
           "fix_met": "修复达标", "fix_missed": "修复超时", "fix_percent": "修复达标率",
           "breaches": "违约", "mtta_work": "平均响应(工时,h)", "mtta_wall": "平均响应(自然,h)",
           "mttr_work": "平均修复(工时,h)", "mttr_wall": "平均修复(自然,h)",
           "by_channel": "各渠道工单", "none": "所选期间没有工单。",
           Dimension.TOTAL: "", Dimension.CUSTOMER: "客户", Dimension.SEVERITY: "等级",
           Dimension.ENGINEER: "工程师", Dimension.CHANNEL: "渠道"},
    "en": {"title": "SLA report", "period": "Period", "sum": "Total", "tickets": "Tickets",
           "response_met": "Response met", "response_missed": "Response missed",
           "response_percent": "Response %", "fix_met": "Fix met", "fix_missed": "Fix missed",
           "fix_percent": "Fix %", "breaches": "Breaches", "mtta_work": "MTTA work (h)",
           "mtta_wall": "MTTA wall (h)", "mttr_work": "MTTR work (h)",
           "mttr_wall": "MTTR wall (h)", "by_channel": "Tickets by channel",
           "none": "No tickets in the period.",
           Dimension.TOTAL: "", Dimension.CUSTOMER: "Customer", Dimension.SEVERITY: "Severity",
           Dimension.ENGINEER: "Engineer", Dimension.CHANNEL: "Channel"},
}  # fmt: skip
FIGURES = ("tickets", "response_met", "response_missed", "response_percent", "fix_met",
           "fix_missed", "fix_percent", "breaches")  # fmt: skip


def hours(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / HOUR:.1f}"


def percent_text(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _values(row: SlaFigures) -> list[str]:
    """The figures of FIGURES then TIMES as text, blank when there is nothing to show."""
    cells = []
    for name in FIGURES:
        value = getattr(row, name)
        cells.append(percent_text(value) if name.endswith("percent") else str(value))
    return cells + [hours(getattr(row, f"{name}_seconds")) for name in TIMES]


def csv_columns() -> list[str]:
    return ["row", "group", *FIGURES, *(f"{name}_hours" for name in TIMES),
            *(f"channel_{c.value}" for c in Channel)]  # fmt: skip


def sla_csv(report: SlaReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_columns())
    labelled = [(report.by.value, row) for row in report.rows] + [("total", report.total)]
    for label, row in labelled:
        channels = [row.by_channel.get(c.value, 0) for c in Channel]
        writer.writerow([label, row.group, *_values(row), *channels])
    return out.getvalue()


def figures_json(row: SlaFigures) -> dict[str, Any]:
    return {
        "group": row.group,
        "tickets": row.tickets,
        "by_channel": row.by_channel,
        "response_met": row.response_met,
        "response_missed": row.response_missed,
        "response_percent": _one_decimal(row.response_percent),
        "fix_met": row.fix_met,
        "fix_missed": row.fix_missed,
        "fix_percent": _one_decimal(row.fix_percent),
        "breaches": row.breaches,
        **{f"{name}_seconds": _one_decimal(getattr(row, f"{name}_seconds")) for name in TIMES},
    }


def sla_json(report: SlaReport) -> dict[str, Any]:
    return {
        "first": report.first.isoformat(),
        "last": report.last.isoformat(),
        "by": report.by.value,
        "rows": [figures_json(row) for row in report.rows],
        "total": figures_json(report.total),
    }


_SEVERITIES = {s.value for s in Severity}
_CHANNELS = {c.value for c in Channel}


def group_label(group: str, by: Dimension, lang: str) -> str:
    """A group as people read it: severities and channels in Chinese under zh."""
    if lang == "zh" and by is Dimension.SEVERITY and group in _SEVERITIES:
        return SEVERITY_ZH[Severity(group)]
    if lang == "zh" and by is Dimension.CHANNEL and group in _CHANNELS:
        return CHANNEL_ZH[Channel(group)]
    return cell(group)


def sla_markdown(report: SlaReport, lang: str) -> str:
    say = WORDS.get(lang, WORDS["en"])
    title = f"# {say['title']}\n\n{say['period']}: {report.first} – {report.last}\n"
    if not report.total.tickets:
        return f"{title}\n{say['none']}\n"
    first_column = say[report.by] or say["period"]
    header = [first_column, *(say[name] for name in FIGURES), *(say[name] for name in TIMES)]
    lines = [title, _row(header), "|---" + "|---:" * (len(header) - 1) + "|"]
    for row in report.rows:
        lines.append(_row([group_label(row.group, report.by, lang), *_values(row)]))
    total = say["sum"] if report.rows else f"{report.first} – {report.last}"
    lines.append(_row([f"**{total}**", *_values(report.total)]))
    return "\n".join([*lines, "", _channel_table(report, lang, say)]) + "\n"


def _channel_table(report: SlaReport, lang: str, say: dict) -> str:
    """Tickets by channel, one line per group and the total; only channels with tickets."""
    channels = [c for c in Channel if report.total.by_channel.get(c.value)]
    names = [CHANNEL_ZH[c] if lang == "zh" else c.value for c in channels]
    first_column = say[report.by] or say["period"]
    lines = [f"## {say['by_channel']}", "", _row([first_column, *names]),
             "|---" + "|---:" * len(channels) + "|"]  # fmt: skip
    rows = [(group_label(r.group, report.by, lang), r) for r in report.rows]
    rows.append((f"**{say['sum']}**", report.total))
    for label, row in rows:
        lines.append(_row([label, *(str(row.by_channel.get(c.value, 0)) for c in channels)]))
    return "\n".join(lines)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell or "—" for cell in cells) + " |"


def cell(text: str) -> str:
    """Literal in a Markdown table: one line, pipes escaped."""
    return one_line(text, 60).replace("|", "\\|")
