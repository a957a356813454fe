"""What the reports screen reads (issue 7): the SLA figures of a period grouped one way,
the twelve months' trend up to it, and the quality figures per customer. One read-only
transaction through the services' report functions; call it in a worker thread."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.quality_report import QualityReport, quality_report
from helpdesk_tui.services.sla_report import Dimension, SlaFigures, SlaReport, monthly_totals
from helpdesk_tui.services.sla_report import sla_report as read_sla_report
from helpdesk_tui.tui.report_period import Period

TREND_MONTHS = 12


@dataclass(frozen=True)
class ReportData:
    period: Period
    by: Dimension
    sla: SlaReport
    trend: list[tuple[str, SlaFigures]]  # ("2026-11", figures), oldest first
    quality: QualityReport


def read_reports(desk: Desk, period: Period, by: Dimension) -> ReportData:
    """The trend ends with the period's last month, or this month if the period goes on."""
    today = desk.now().astimezone(desk.zone).date()
    with desk.store.read() as session:
        sla = read_sla_report(session, desk, period.first, period.last, by)
        trend = monthly_totals(session, desk, TREND_MONTHS, min(period.last, today))
        quality = quality_report(session, desk, period.first, period.last)
    return ReportData(period, by, sla, trend, quality)
