"""The training report as CSV (for spreadsheets and scripts), Markdown (for people) and JSON.

CSV keeps stable English column names whatever the language, so scripts need no second
parser, and has no total row (a spreadsheet sums; a script would have to drop it). The
Markdown table speaks the user's language and ends with the totals.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

from helpdesk_tui.cli.output import iso
from helpdesk_tui.domain.training import Audience
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.training_report import CustomerTraining, TrainingReport

FIGURES = ("planned", "held", "cancelled")
MARKDOWN = {
    "zh": {"title": "培训报告", "customer": "客户", "planned": "计划场次", "held": "已举办",
           "cancelled": "已取消", "trainees": "学员", "attended": "到场",
           "feedback": "平均评分", "materials_late": "资料迟交场次", "total": "合计",
           "legend": "各类对象一栏为“学员/到场”，只计已举办的场次；平均评分按到场人数加权。"},
    "en": {"title": "Training report", "customer": "Customer", "planned": "Planned",
           "held": "Held", "cancelled": "Cancelled", "trainees": "Trainees",
           "attended": "Attended", "feedback": "Feedback", "materials_late": "Materials late",
           "total": "Total",
           "legend": "Audience columns are trainees/attended of held sessions; feedback is "
                     "weighted by attendance."},
}  # fmt: skip


def csv_columns() -> list[str]:
    per_audience = [f"{kind}_{a.value}" for a in Audience for kind in ("trainees", "attended")]
    return ["customer", *FIGURES, *per_audience, "trainees", "attended", "feedback", "rated",
            "materials_late"]  # fmt: skip


def report_csv(report: TrainingReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_columns())
    for row in report.customers:
        per_audience = [n for a in Audience for n in (row.trainees[a], row.attended[a])]
        writer.writerow([
            row.customer, *(getattr(row, name) for name in FIGURES), *per_audience,
            row.trainees_total, row.attended_total, _score(row.feedback), row.rated,
            row.materials_late,
        ])  # fmt: skip
    return out.getvalue()


def report_markdown(report: TrainingReport, lang: str, zone: ZoneInfo) -> str:
    say = MARKDOWN.get(lang, MARKDOWN["en"])
    audiences = [a.zh if lang == "zh" else a.value for a in Audience]
    header = [say["customer"], *(say[name] for name in FIGURES), *audiences,
              say["trainees"], say["attended"], say["feedback"], say["materials_late"]]  # fmt: skip
    start = report.start.astimezone(zone).isoformat(timespec="minutes")
    end = report.end.astimezone(zone).isoformat(timespec="minutes")
    lines = [
        f"# {say['title']} {start} — {end}",
        "",
        say["legend"],
        "",
        _markdown_row(header),
        _markdown_row(["---", *["---:"] * (len(header) - 1)]),
        *(_markdown_row(_cells(row, _markdown_text(row.customer))) for row in report.customers),
        _markdown_row(_cells(report.total, f"**{say['total']}**")),
    ]
    return "\n".join(lines) + "\n"


def _cells(row: CustomerTraining, name: str) -> list[str]:
    return [
        name, *(str(getattr(row, figure)) for figure in FIGURES),
        *(f"{row.trainees[a]}/{row.attended[a]}" for a in Audience),
        str(row.trainees_total), str(row.attended_total), _score(row.feedback) or "-",
        str(row.materials_late),
    ]  # fmt: skip


def _markdown_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def _markdown_text(text: str) -> str:
    """A customer's name shown literally: no line breaks, no markup, no table breaks."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text))


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def report_json(report: TrainingReport, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "from": iso(report.start, zone),
        "to": iso(report.end, zone),
        "customers": [_row_json(row) for row in report.customers],
        "total": _row_json(report.total),
    }


def _row_json(row: CustomerTraining) -> dict[str, Any]:
    return {
        "customer": row.customer,
        "planned": row.planned,
        "held": row.held,
        "cancelled": row.cancelled,
        "trainees": {a.value: row.trainees[a] for a in Audience},
        "attended": {a.value: row.attended[a] for a in Audience},
        "trainees_total": row.trainees_total,
        "attended_total": row.attended_total,
        "feedback": None if row.feedback is None else round(row.feedback, 2),
        "rated": row.rated,
        "materials_late": row.materials_late,
    }
