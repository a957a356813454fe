"""The reports screen's figures as the console words and colours them: SLA compliance per
group, response and fix times, CSAT, visits, penalties. Pure: figures in, cells out.

A cell is `(text, style)`. Compliance is green from GOOD_PERCENT, amber from FAIR_PERCENT,
red below. Customer names and engineer logins come from outside and go through
`one_line`; the charts get ASCII labels (plotext misaligns double-width characters).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.sla_report import UNASSIGNED

if TYPE_CHECKING:
    from helpdesk_tui.services.quality_report import QualityFigures
    from helpdesk_tui.services.sla_report import SlaFigures

Cell = tuple[str, str]
GOOD_PERCENT = 95.0
FAIR_PERCENT = 80.0
GOOD_STYLE = "#5faf5f"
FAIR_STYLE = "bold #ffaf00"
POOR_STYLE = "bold #ff5f5f"
NONE_STYLE = "dim"
TOTAL_STYLE = "bold"
NONE = "—"
CHART_LABEL_MAX = 10  # an ASCII name longer than this is charted by its row number
TRANSLATED_GROUPS = {"severity": "severity", "channel": "channel"}


@dataclass(frozen=True)
class Column:
    name: str  # its header is the locale's `reports.col_<name>`
    width: int  # 0: whatever is left
    optional: bool = False  # left out on a narrow terminal
    left: bool = False  # names read from the left, figures line up on the right


SLA_COLUMNS = [
    Column("number", 3), Column("group", 0, left=True), Column("tickets", 7), Column("response", 7),
    Column("fix", 7), Column("breaches", 6), Column("mtta_work", 7),
    Column("mtta_wall", 7, optional=True), Column("mttr_work", 7),
    Column("mttr_wall", 7, optional=True), Column("channels", 24, optional=True, left=True),
]  # fmt: skip
QUALITY_COLUMNS = [
    Column("number", 3), Column("customer", 0, left=True), Column("tickets", 7),
    Column("rated", 6, optional=True), Column("csat", 6), Column("satisfied", 7),
    Column("complaints", 6), Column("visits", 7), Column("coverage", 7),
    Column("visit_csat", 6, optional=True), Column("penalties", 11),
]  # fmt: skip


def percent_style(value: float | None) -> str:
    if value is None:
        return NONE_STYLE
    if value >= GOOD_PERCENT:
        return GOOD_STYLE
    return FAIR_STYLE if value >= FAIR_PERCENT else POOR_STYLE


def percent_cell(value: float | None) -> Cell:
    return (NONE if value is None else f"{value:.1f}%"), percent_style(value)


def hours_text(seconds: float | None) -> str:
    """`h:mm`, hours not wrapped into days: 100 h reads 100:00."""
    if seconds is None:
        return NONE
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def yuan_text(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def score_text(score: float | None) -> str:
    return NONE if score is None else f"{score:.2f}"


def group_name(t: Texts, by: str, group: str, total: bool = False) -> str:
    """A row's name in the user's language: severities and channels translated, names as
    they are. The total row, and a row with no group (no engineer yet), say so."""
    if total:
        return t("reports.total")
    if not group or (str(by) == "engineer" and group == UNASSIGNED):
        return t("reports.no_group")
    kind = TRANSLATED_GROUPS.get(str(by))
    return t(f"{kind}.{group}") if kind else one_line(group)


def chart_label(by: str, group: str, number: int) -> str:
    """An axis label plotext can align: severities, channels and short ASCII names as they
    are, anything else by its row number in the table (`#3`)."""
    if str(by) in TRANSLATED_GROUPS and group.isascii():
        return group
    if group and group.isascii() and group.isprintable() and len(group) <= CHART_LABEL_MAX:
        return group
    return f"#{number}"


def channels_text(t: Texts, by_channel: dict[str, int]) -> str:
    """Most used first: `电话 12 · 邮件 3`."""
    ordered = sorted(by_channel.items(), key=lambda item: (-item[1], item[0]))
    return " · ".join(f"{t.channel(name)} {count}" for name, count in ordered if count)


def sla_cells(t: Texts, by: str, number: int, row: SlaFigures, total: bool = False) -> dict:
    breaches_style = POOR_STYLE if row.breaches else GOOD_STYLE
    return {
        "number": ("" if total else str(number), NONE_STYLE),
        "group": (group_name(t, by, row.group, total), TOTAL_STYLE if total else ""),
        "tickets": (str(row.tickets), TOTAL_STYLE if total else ""),
        "response": percent_cell(row.response_percent),
        "fix": percent_cell(row.fix_percent),
        "breaches": (str(row.breaches), breaches_style),
        "mtta_work": (hours_text(row.mtta_work_seconds), ""),
        "mtta_wall": (hours_text(row.mtta_wall_seconds), NONE_STYLE),
        "mttr_work": (hours_text(row.mttr_work_seconds), ""),
        "mttr_wall": (hours_text(row.mttr_wall_seconds), NONE_STYLE),
        "channels": (channels_text(t, row.by_channel), NONE_STYLE),
    }


def quality_cells(t: Texts, number: int, row: QualityFigures, total: bool = False) -> dict:
    visits = f"{row.visits_done}/{row.visits_due}" if row.visits_due else str(row.visits_done)
    owed = row.penalties_owed_fen
    return {
        "number": ("" if total else str(number), NONE_STYLE),
        "customer": (t("reports.total") if total else one_line(row.customer),
                     TOTAL_STYLE if total else ""),
        "tickets": (str(row.tickets), TOTAL_STYLE if total else ""),
        "rated": (str(row.rated), ""),
        "csat": (score_text(row.csat_average), ""),
        "satisfied": percent_cell(row.csat_percent),
        "complaints": (str(row.complaints), POOR_STYLE if row.complaints else GOOD_STYLE),
        "visits": (visits, ""),
        "coverage": percent_cell(row.visit_coverage_percent),
        "visit_csat": (score_text(row.visit_satisfaction), ""),
        "penalties": (yuan_text(owed), POOR_STYLE if owed else GOOD_STYLE),
    }  # fmt: skip
