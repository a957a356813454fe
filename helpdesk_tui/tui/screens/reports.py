"""Reports (key 9, issue 7): the service manager's figures for a month, quarter or year.

The SLA tab: per customer, severity, engineer or channel (`b` cycles), the tickets, the
response and fix compliance (coloured against 95 % and 80 %), the breaches, MTTA and
MTTR in working and wall time, and the channels; under it the charts: compliance per
group, tickets by channel and the twelve months' compliance trend. The quality tab: per
customer CSAT, complaints, return visits done against due and the penalties owed.

`[` / `]` move the period, `m` switches month / quarter / year, `t` the tab, `x` exports
what the tab shows (Markdown, CSV or JSON). Data is read in a worker, again whenever
something changes and every few minutes; the figures shown stay until the new ones come.
"""

from __future__ import annotations

from time import monotonic
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from helpdesk_tui.domain.errors import HelpdeskError
from helpdesk_tui.services.sla_report import Dimension
from helpdesk_tui.tui import report_text as cells
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.report_export import EXPORT_FORMATS, Export, default_file, write_export
from helpdesk_tui.tui.report_period import Period, period_containing
from helpdesk_tui.tui.report_reads import ReportData, read_reports
from helpdesk_tui.tui.widgets.key_bar import KeyBar
from helpdesk_tui.tui.widgets.report_charts import (
    ChannelChart,
    ChannelCounts,
    Compliance,
    ComplianceChart,
    TrendChart,
    legend,
)
from helpdesk_tui.tui.widgets.report_table import ReportTable

REFRESH_EVERY = 300.0  # seconds: open promises turn into breaches as the clock runs
# A busy desk changes every second and a report over a big database takes seconds: after
# a read, changes wait this long and are then read together.
CHANGES_GAP = 30.0
TABS = ("sla", "quality")
DIMENSIONS = list(Dimension)


class ReportsScreen(Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012
    DEFAULT_CSS = """
    #reports-header { height: 1; background: $panel; text-wrap: nowrap; text-overflow: ellipsis; }
    #reports-tabs { height: 1fr; }
    #reports-tabs TabPane { padding: 0; }
    .report-charts { height: 1fr; min-height: 8; }
    ReportsScreen.-narrow #chart-channels { display: none; }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("left_square_bracket", "shift_period(-1)", "Previous period",
                id="reports.previous_period"),
        Binding("right_square_bracket", "shift_period(1)", "Next period",
                id="reports.next_period"),
        Binding("m", "widen", "Month/quarter/year", id="reports.span"),
        Binding("b", "next_dimension", "Group by", id="reports.group_by"),
        Binding("t", "next_tab", "SLA/quality", id="reports.switch_report"),
        Binding("x", "export", "Export", id="reports.export"),
        Binding("escape", "back", "Back", id="reports.back"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.period: Period | None = None  # set on mount: this month in the desk's zone
        self.by = Dimension.TOTAL
        self.data: ReportData | None = None
        self.fetching = False  # a read is under way
        self._again = False  # something changed during it: read once more after it
        self._last_ask = float("-inf")  # monotonic time of the last read asked for
        self._changes_timer: Timer | None = None

    @property
    def loaded(self) -> bool:
        """The figures shown are those of the period and grouping asked for."""
        data = self.data
        return (not self.fetching and data is not None and data.period == self.period
                and data.by == self.by)  # fmt: skip

    def compose(self) -> ComposeResult:
        t = self.app.texts
        yield Static(id="reports-header")
        with TabbedContent(id="reports-tabs"):
            with TabPane(t("reports.tab_sla"), id="tab-sla"):
                yield ReportTable(t, cells.SLA_COLUMNS, id="table-sla")
                with Horizontal(classes="report-charts"):
                    yield ComplianceChart(id="chart-compliance")
                    yield ChannelChart(id="chart-channels")
                    yield TrendChart(id="chart-trend")
            with TabPane(t("reports.tab_quality"), id="tab-quality"):
                yield ReportTable(t, cells.QUALITY_COLUMNS, id="table-quality")
                with Horizontal(classes="report-charts"):
                    yield ComplianceChart(id="chart-quality")
        yield KeyBar()

    def on_mount(self) -> None:
        self.period = period_containing(self._today())
        self._ask()
        self.set_interval(REFRESH_EVERY, self.reload)

    def _today(self):
        desk = self.app.desk
        return desk.now().astimezone(desk.zone).date()

    # -- data ---------------------------------------------------------------

    def reload(self) -> None:
        """Read again what is shown. While a read is under way, one more follows it: a
        busy desk changes every second, and each read takes a moment on a big database."""
        if self.period is None:  # not mounted yet: on_mount reads
            return
        if self.fetching:
            self._again = True
            return
        self._ask()

    def data_changed(self) -> None:
        """The first change after a quiet spell is read at once, later ones together."""
        if self._changes_timer is not None:
            return
        wait = self._last_ask + CHANGES_GAP - monotonic()
        if wait <= 0:
            self.reload()
        else:
            self._changes_timer = self.set_timer(wait, self._read_changes)

    def _read_changes(self) -> None:
        self._changes_timer = None
        self.reload()

    def _ask(self) -> None:
        """Read the period and grouping now asked for, whatever is under way."""
        assert self.period is not None
        self.fetching, self._again = True, False
        self._last_ask = monotonic()
        self._paint_header()
        self._load(self.period, self.by)

    @work(thread=True, exclusive=True, group="reports", exit_on_error=False)
    def _load(self, period: Period, by: Dimension) -> None:
        app = self.app
        try:
            data = read_reports(app.desk, period, by)
        except Exception as error:  # keep showing what we had; say why it is not fresh
            app.call_from_thread(app.report_fault, error)
            app.call_from_thread(self._failed, period, by)
            return
        if not get_current_worker().is_cancelled:
            app.call_from_thread(self._show, data)

    def _failed(self, period: Period, by: Dimension) -> None:
        if self.is_attached and (period, by) == (self.period, self.by):
            self.fetching = False
            self._paint_header()

    def _show(self, data: ReportData) -> None:
        if not self.is_attached or (data.period, data.by) != (self.period, self.by):
            return  # an older question's answer
        self.data, self.fetching = data, False
        self._paint_header()
        self._paint_sla(data)
        self._paint_quality(data)
        if self._again:
            self._ask()

    # -- painting -----------------------------------------------------------

    def _paint_header(self) -> None:
        t = self.app.texts
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append(f" {t('reports.title')} ", style="bold reverse")
        if self.period is not None:
            gap(header, "  ")
            header.append(self.period.label, style="bold")
            header.append(f" ({t(f'reports.span_{self.period.span}')})", style="dim")
            header.append(f"  {self.period.first.isoformat()} – {self.period.last.isoformat()}",
                          style="dim")  # fmt: skip
        if not self.is_mounted or self.active_tab == "sla":  # quality is per customer
            gap(header, "   ")
            header.append(t("reports.grouped"), style="dim")
            header.append(f" {t(f'reports.by_{self.by}')}", style="bold")
        if self.fetching:
            gap(header, "   ")
            header.append(t("workspace.loading"), style="dim")
        self.query_one("#reports-header", Static).update(header)

    def _paint_sla(self, data: ReportData) -> None:
        t, by = self.app.texts, data.by
        rows = [cells.sla_cells(t, by, 0, data.sla.total, total=True)]
        rows += [cells.sla_cells(t, by, n, row) for n, row in enumerate(data.sla.rows, start=1)]
        table = self.query_one("#table-sla", ReportTable)
        table.show(rows, {"group": t(f"reports.col_group_{by}")})
        charted = list(enumerate(data.sla.rows, start=1)) or [(0, data.sla.total)]
        if by in (Dimension.CUSTOMER, Dimension.ENGINEER):  # the busiest, if not all fit
            charted.sort(key=lambda item: -item[1].tickets)
        labels = [self._chart_label(by, row.group, n) for n, row in charted]
        compliance = Compliance(labels, [row.response_percent for _, row in charted],
                                [row.fix_percent for _, row in charted])  # fmt: skip
        title = f"{t('reports.chart_compliance')} {legend(t('reports.response'), t('reports.fix'))}"
        self.query_one("#chart-compliance", ComplianceChart).show(compliance, title)
        counts = sorted(data.sla.total.by_channel.items(), key=lambda item: (-item[1], item[0]))
        self.query_one("#chart-channels", ChannelChart).show(
            ChannelCounts(counts), t("reports.chart_channels"))  # fmt: skip
        trend = Compliance([month for month, _ in data.trend],
                           [row.response_percent for _, row in data.trend],
                           [row.fix_percent for _, row in data.trend])  # fmt: skip
        title = f"{t('reports.chart_trend')} {legend(t('reports.response'), t('reports.fix'))}"
        self.query_one("#chart-trend", TrendChart).show(trend, title)

    def _paint_quality(self, data: ReportData) -> None:
        t = self.app.texts
        numbered = list(enumerate(data.quality.rows, start=1))
        rows = [cells.quality_cells(t, 0, data.quality.total, total=True)]
        rows += [cells.quality_cells(t, n, row) for n, row in numbered]
        self.query_one("#table-quality", ReportTable).show(rows)
        busiest = sorted(numbered, key=lambda item: -item[1].tickets)
        chart = Compliance([cells.chart_label("customer", row.customer, n) for n, row in busiest],
                           [row.csat_percent for _, row in busiest],
                           [row.visit_coverage_percent for _, row in busiest])  # fmt: skip
        title = (f"{t('reports.chart_quality')} "
                 f"{legend(t('reports.satisfied'), t('reports.coverage'))}")  # fmt: skip
        self.query_one("#chart-quality", ComplianceChart).show(chart, title)

    @staticmethod
    def _chart_label(by: Dimension, group: str, number: int) -> str:
        return "all" if by is Dimension.TOTAL else cells.chart_label(by, group, number)

    # -- keys ---------------------------------------------------------------

    def action_shift_period(self, step: int) -> None:
        if self.period is not None:
            self.period = self.period.shifted(step)
            self._ask()

    def action_widen(self) -> None:
        if self.period is not None:
            self.period = self.period.widened(self._today())
            self._ask()

    def action_next_dimension(self) -> None:
        self.by = DIMENSIONS[(DIMENSIONS.index(self.by) + 1) % len(DIMENSIONS)]
        self._ask()

    @property
    def active_tab(self) -> str:
        active = self.query_one(TabbedContent).active
        return active.removeprefix("tab-") if active else TABS[0]

    def action_next_tab(self) -> None:
        following = TABS[(TABS.index(self.active_tab) + 1) % len(TABS)]
        self.query_one(TabbedContent).active = f"tab-{following}"

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.query_one(f"#table-{self.active_tab}", ReportTable).focus()
        self.refresh_bindings()
        self._paint_header()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_dimension" and self.is_mounted:
            return self.active_tab == "sla"  # the quality report is per customer only
        return True

    def action_back(self) -> None:
        self.app.action_switch("queue")

    # -- export -------------------------------------------------------------

    def action_export(self) -> None:
        from helpdesk_tui.tui.screens.forms import Field, FormScreen

        t = self.app.texts
        if self.data is None or not self.loaded:
            self.app.notify(t("reports.not_loaded"), severity="warning")
            return
        kind, data = self.active_tab, self.data
        fields = [
            Field("format", t("reports.field_format"), required=True, default=EXPORT_FORMATS[0]),
            Field("path", t("reports.field_path",
                            example=default_file(kind, data.period, EXPORT_FORMATS[0]))),
        ]  # fmt: skip

        def submitted(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            try:
                export = Export.asked(t, kind, data, values["format"], values["path"])
            except HelpdeskError as error:
                self.app.notify(str(error), severity="error", timeout=6)
                return
            self._write(export)

        form = FormScreen(t("reports.export_title", period=data.period.label), fields,
                          t("form.submit_hint"))  # fmt: skip
        self.app.push_screen(form, submitted)

    @work(thread=True, group="reports-export", exit_on_error=False)
    def _write(self, export: Export) -> None:
        """A file, not the database: written here, off the UI loop."""
        app = self.app
        try:
            path = write_export(app.texts, export)
        except HelpdeskError as error:
            app.call_from_thread(app.notify, str(error), severity="error", timeout=8)
            return
        except OSError as error:  # a full disk, no permission: say so, never fatal
            app.call_from_thread(app.notify, f"{export.path}: {error.strerror or error}",
                                 severity="error", timeout=8)  # fmt: skip
            return
        done = app.texts("reports.export_done", path=str(path))
        app.call_from_thread(app.notify, done, timeout=6)
