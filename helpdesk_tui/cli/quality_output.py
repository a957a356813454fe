"""The quality report as Markdown for people, CSV for spreadsheets and JSON for scripts:
one row per customer and the total. Percents and means have one decimal (CSAT and
visit scores two); money is 元 with two decimals in Markdown and fen in CSV and JSON.
CSV ends with the total row (`row` = "total"): means cannot be summed by a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from helpdesk_tui.cli.penalty_output import yuan
from helpdesk_tui.cli.sla_output import cell, percent_text
from helpdesk_tui.services.quality_report import QualityFigures, QualityReport

WORDS = {
    "zh": {"title": "服务质量报告", "period": "期间", "customer": "客户", "total": "合计",
           "tickets": "工单", "rated": "已评价", "csat_average": "平均满意度",
           "csat_percent": "满意率 %", "complaints": "投诉", "visits_due": "应回访",
           "visits_done": "已回访", "visit_coverage_percent": "回访率 %",
           "visit_satisfaction": "回访满意度", "penalties_owed": "违约金(元)",
           "none": "所选期间没有工单、回访或违约金。",
           "legend": "满意率为评分 4–5 的工单占已评价工单之比；违约金按期间所涉整月计。"},
    "en": {"title": "Quality report", "period": "Period", "customer": "Customer",
           "total": "Total", "tickets": "Tickets", "rated": "Rated",
           "csat_average": "CSAT (1-5)", "csat_percent": "Satisfied %",
           "complaints": "Complaints", "visits_due": "Visits due", "visits_done": "Visits done",
           "visit_coverage_percent": "Visit coverage %", "visit_satisfaction": "Visit score",
           "penalties_owed": "Penalties owed (CNY)",
           "none": "No tickets, visits or penalties in the period.",
           "legend": "Satisfied: ratings of 4 or 5 among the rated tickets; penalties are for "
                     "the whole months the period touches."},
}  # fmt: skip
COLUMNS = ("tickets", "rated", "csat_average", "csat_percent", "complaints", "visits_due",
           "visits_done", "visit_coverage_percent", "visit_satisfaction")  # fmt: skip


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _values(row: QualityFigures) -> list[str]:
    cells = []
    for name in COLUMNS:
        value = getattr(row, name)
        if name.endswith("percent"):
            cells.append(percent_text(value))
        elif name in ("csat_average", "visit_satisfaction"):
            cells.append(_score(value))
        else:
            cells.append(str(value))
    return cells


def csv_columns() -> list[str]:
    return ["row", "customer", *COLUMNS, "satisfied", "penalties_owed_fen"]


def quality_csv(report: QualityReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_columns())
    labelled = [("customer", row) for row in report.rows] + [("total", report.total)]
    for label, row in labelled:
        writer.writerow([label, row.customer, *_values(row), row.satisfied,
                         row.penalties_owed_fen])  # fmt: skip
    return out.getvalue()


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def figures_json(row: QualityFigures) -> dict[str, Any]:
    return {
        "customer": row.customer,
        "tickets": row.tickets,
        "rated": row.rated,
        "csat_average": _rounded(row.csat_average, 2),
        "satisfied": row.satisfied,
        "csat_percent": _rounded(row.csat_percent, 1),
        "complaints": row.complaints,
        "visits_due": row.visits_due,
        "visits_done": row.visits_done,
        "visit_coverage_percent": _rounded(row.visit_coverage_percent, 1),
        "visit_satisfaction": _rounded(row.visit_satisfaction, 2),
        "penalties_owed_fen": row.penalties_owed_fen,
    }


def quality_json(report: QualityReport) -> dict[str, Any]:
    return {
        "first": report.first.isoformat(),
        "last": report.last.isoformat(),
        "rows": [figures_json(row) for row in report.rows],
        "total": figures_json(report.total),
    }


def quality_markdown(report: QualityReport, lang: str) -> str:
    say = WORDS.get(lang, WORDS["en"])
    title = f"# {say['title']}\n\n{say['period']}: {report.first} – {report.last}\n"
    if not report.rows:
        return f"{title}\n{say['none']}\n"
    header = [say["customer"], *(say[name] for name in COLUMNS), say["penalties_owed"]]
    lines = [title, _row(header), "|---" + "|---:" * (len(header) - 1) + "|"]
    for row in report.rows:
        lines.append(_row([cell(row.customer), *_values(row), yuan(row.penalties_owed_fen)]))
    total = report.total
    lines.append(_row([f"**{say['total']}**", *_values(total), yuan(total.penalties_owed_fen)]))
    return "\n".join([*lines, "", say["legend"]]) + "\n"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(text or "—" for text in cells) + " |"
