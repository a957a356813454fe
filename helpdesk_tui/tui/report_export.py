"""Exporting the report the reports screen shows (`x`): the SLA or the quality report of
its period as Markdown, CSV or JSON, worded by the command line's output modules (so a
file from the console and one from `helpdesk report` are the same), into a file.

The file is new: an existing one is never overwritten (a refusal names it). The write is
I/O, not a database change, so the screen does it in a worker of its own."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.i18n import Texts
from helpdesk_tui.tui.report_period import Period
from helpdesk_tui.tui.report_reads import ReportData

EXPORT_FORMATS = ("markdown", "csv", "json")
EXTENSIONS = {"markdown": "md", "csv": "csv", "json": "json"}
KINDS = ("sla", "quality")


@dataclass(frozen=True)
class Export:
    kind: str  # sla | quality
    data: ReportData
    output_format: str  # one of EXPORT_FORMATS
    path: Path

    @classmethod
    def asked(cls, t: Texts, kind: str, data: ReportData, output_format: str,
              path: str) -> Export:  # fmt: skip
        """What the export form asked for, checked: a known format, a folder that exists;
        a blank path is the default file name in the current directory."""
        chosen = output_format.strip().lower()
        if chosen not in EXPORT_FORMATS:
            raise InvalidInput(t("reports.bad_format", text=output_format.strip()))
        target = Path(path.strip()).expanduser() if path.strip() else None
        target = target or Path(default_file(kind, data.period, chosen))
        if not target.parent.is_dir():
            raise InvalidInput(t("reports.no_folder", folder=str(target.parent)))
        if target.exists():
            raise InvalidInput(t("reports.file_exists", path=str(target)))
        return cls(kind, data, chosen, target)


def default_file(kind: str, period: Period, output_format: str) -> str:
    """`sla-2026-11.md`, `quality-2026-q4.csv`, `sla-2026.json`."""
    return f"{kind}-{period.label.lower()}.{EXTENSIONS[output_format]}"


def export_text(export: Export, lang: str) -> str:
    if export.kind == "sla":
        from helpdesk_tui.cli.sla_output import sla_csv, sla_json, sla_markdown

        report = export.data.sla
        writers = {"markdown": lambda: sla_markdown(report, lang), "csv": lambda: sla_csv(report),
                   "json": lambda: _json(sla_json(report))}  # fmt: skip
    else:
        from helpdesk_tui.cli.quality_output import quality_csv, quality_json, quality_markdown

        quality = export.data.quality
        writers = {"markdown": lambda: quality_markdown(quality, lang),
                   "csv": lambda: quality_csv(quality),
                   "json": lambda: _json(quality_json(quality))}  # fmt: skip
    return writers[export.output_format]()


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_export(t: Texts, export: Export) -> Path:
    """Writes the new file; returns where it went. Refuses to overwrite one made since
    the form was filled in."""
    text = export_text(export, t.lang)
    try:
        with export.path.open("x", encoding="utf-8", newline="") as out:
            out.write(text)
    except FileExistsError:
        raise InvalidInput(t("reports.file_exists", path=str(export.path))) from None
    return export.path.resolve()
