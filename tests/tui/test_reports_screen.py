"""Reports (key 9): on a desk with a handful of tickets made through the use cases at
known instants, the screen shows the figures worked out here by hand; `[` / `]` and `m`
move and widen the period, `b` changes the grouping, `t` the tab; `x` writes a file that
parses; a change made elsewhere shows; both languages, at 120x36 and at 80x24."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input

from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import tickets
from helpdesk_tui.services.desk import Desk, open_desk
from helpdesk_tui.services.directory import add_customer, add_engineer
from helpdesk_tui.store import schema
from helpdesk_tui.tui import report_text as cells
from helpdesk_tui.tui.app import HelpdeskApp
from helpdesk_tui.tui.report_period import Period, Span, period_containing
from helpdesk_tui.tui.screens.forms import FormScreen
from helpdesk_tui.tui.screens.help import HelpScreen
from helpdesk_tui.tui.screens.reports import ReportsScreen
from helpdesk_tui.tui.widgets.report_charts import ChannelChart, ComplianceChart, TrendChart
from helpdesk_tui.tui.widgets.report_table import ReportTable
from tests.tui.conftest import NOW, ZONE
from tests.tui.settle import until

HOSPITAL, SCHOOL = "杭州人民医院", "Ningbo School"
# customer, severity, channel, reported (Shanghai), hours to respond, hours to resolve.
# Targets: urgent respond 1 h / fix 24 h; medium 8 h / 48 h; minor 8 h / 72 h (24x7).
TICKETS = [
    (HOSPITAL, Severity.URGENT, Channel.PHONE, datetime(2026, 11, 2, 9, tzinfo=ZONE), 0.5, 10),
    (HOSPITAL, Severity.URGENT, Channel.EMAIL, datetime(2026, 11, 3, 9, tzinfo=ZONE), 2, 5),
    (SCHOOL, Severity.MEDIUM, Channel.PHONE, datetime(2026, 11, 5, 9, tzinfo=ZONE), 1, 60),
    (SCHOOL, Severity.MINOR, Channel.PHONE, datetime(2026, 10, 10, 9, tzinfo=ZONE), 1, 10),
]
# November by hand: 3 tickets; response kept 2 of 3 (the second answered late), fix kept
# 2 of 3 (the third took 60 h of 48); MTTA (0.5 + 2 + 1) / 3 h = 1:10, MTTR 75 / 3 = 25:00.
NOVEMBER_TOTAL = {"tickets": "3", "response": "66.7%", "fix": "66.7%", "breaches": "2",
                  "mtta_work": "1:10", "mttr_work": "25:00"}  # fmt: skip


def open_small_desk(path: Path) -> Desk:
    return open_desk(load_settings(db=str(path), user="lina", tz="Asia/Shanghai"),
                     clock=lambda: NOW)  # fmt: skip


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    path = tmp_path / "reports.db"
    desk = open_small_desk(path)
    schema.upgrade(desk.store.engine)
    add_customer(desk, HOSPITAL)
    add_customer(desk, SCHOOL)
    add_engineer(desk, "lina", "李娜")
    for customer, severity, channel, reported, respond, resolve in TICKETS:
        add_ticket(desk, customer, severity, channel, reported, respond, resolve)
    desk.store.dispose()
    return path


def add_ticket(desk: Desk, customer: str, severity: Severity, channel: Channel,
               reported: datetime, respond: float, resolve: float) -> None:  # fmt: skip
    request = tickets.NewTicket(customer=customer, title="故障", severity=severity,
                                channel=channel, reported_at=reported)  # fmt: skip
    key = tickets.new_ticket(desk, request).key
    tickets.respond(desk, key, at=reported + timedelta(hours=respond))
    tickets.resolve(desk, key, "修复", at=reported + timedelta(hours=resolve))


@pytest.fixture
def make_reports_app(small_db: Path):
    def make(lang: str = "en") -> HelpdeskApp:
        return HelpdeskApp(open_small_desk(small_db), lang)

    return make


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def open_reports(pilot) -> ReportsScreen:
    await pilot.press("9")
    await until(pilot, lambda: isinstance(pilot.app.screen, ReportsScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.loaded)
    return screen


async def press_and_load(pilot, screen: ReportsScreen, *keys: str) -> None:
    await pilot.press(*keys)
    await until(pilot, lambda: screen.loaded)


def table(screen: ReportsScreen, name: str = "sla") -> ReportTable:
    return screen.query_one(f"#table-{name}", ReportTable)


def total_row(screen: ReportsScreen, name: str = "sla") -> dict[str, str]:
    return {column: text for column, (text, _style) in table(screen, name).rows_shown[0].items()}


def groups(screen: ReportsScreen) -> list[str]:
    return [row["group"][0] for row in table(screen).rows_shown[1:]]


async def test_the_month_total_is_the_one_worked_out_by_hand(make_reports_app):
    app = make_reports_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_reports(pilot)
        assert screen.period == Period(Span.MONTH, NOW.date().replace(day=1))
        total = total_row(screen)
        assert {name: total[name] for name in NOVEMBER_TOTAL} == NOVEMBER_TOTAL
        assert total["group"] == "Total" and total["channels"] == "Phone 2 · E-mail 1"
        text = screen_text(app)
        assert "2026-11" in text and "66.7%" in text and "25:00" in text
        compliance = screen.query_one("#chart-compliance", ComplianceChart)
        assert compliance.figures.labels == ["all"]
        assert compliance.figures.response == [pytest.approx(200 / 3)]
        channels = screen.query_one("#chart-channels", ChannelChart)
        assert channels.figures.counts == [("phone", 2), ("email", 1)]
        trend = screen.query_one("#chart-trend", TrendChart).figures
        assert len(trend.labels) == 12 and trend.labels[-2:] == ["2026-10", "2026-11"]
        assert trend.response[-2:] == [100.0, pytest.approx(200 / 3)]
        assert "Compliance" in text and "12 months" in text  # the charts are drawn


async def test_brackets_move_the_period_and_m_widens_it(make_reports_app):
    app = make_reports_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_reports(pilot)
        await press_and_load(pilot, screen, "left_square_bracket")
        assert screen.period.label == "2026-10"
        assert total_row(screen)["tickets"] == "1"
        assert total_row(screen)["response"] == "100.0%"
        assert "2026-10-01 – 2026-10-31" in screen_text(app)
        await press_and_load(pilot, screen, "right_square_bracket", "right_square_bracket")
        assert screen.period.label == "2026-12"
        assert total_row(screen)["tickets"] == "0" and total_row(screen)["response"] == "—"
        await press_and_load(pilot, screen, "left_square_bracket", "m")
        assert screen.period.label == "2026-Q4"
        assert total_row(screen)["tickets"] == "4"
        await press_and_load(pilot, screen, "m")
        assert screen.period == Period(Span.YEAR, NOW.date().replace(month=1, day=1))
        await press_and_load(pilot, screen, "m")
        assert screen.period.label == "2026-11"  # back to a month: this one


async def test_b_cycles_the_grouping(make_reports_app):
    app = make_reports_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_reports(pilot)
        assert groups(screen) == []
        await press_and_load(pilot, screen, "b")
        assert screen.by == "customer"
        assert groups(screen) == [SCHOOL, HOSPITAL]  # by name
        school, hospital = table(screen).rows_shown[1:]
        assert (hospital["tickets"][0], hospital["response"][0]) == ("2", "50.0%")
        assert (school["tickets"][0], school["fix"][0]) == ("1", "0.0%")
        assert total_row(screen)["tickets"] == "3"
        labels = screen.query_one("#chart-compliance", ComplianceChart).figures.labels
        numbers = {row["group"][0]: row["number"][0] for row in table(screen).rows_shown[1:]}
        assert labels[0] == f"#{numbers[HOSPITAL]}"  # the busiest first; CJK by number
        await press_and_load(pilot, screen, "b")
        assert groups(screen) == ["Urgent", "Medium"]
        await press_and_load(pilot, screen, "b")
        assert groups(screen) == ["(unassigned)"]
        await press_and_load(pilot, screen, "b")
        assert groups(screen) == ["Phone", "E-mail"]
        assert "by channel" in screen_text(app)
        await press_and_load(pilot, screen, "b")
        assert screen.by == "total"


async def test_the_quality_tab(make_reports_app):
    app = make_reports_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("t")
        assert screen.active_tab == "quality"
        assert not screen.check_action("next_dimension", ())  # per customer only
        names = [row["customer"][0] for row in table(screen, "quality").rows_shown[1:]]
        assert sorted(names) == sorted([HOSPITAL, SCHOOL])
        assert total_row(screen, "quality")["tickets"] == "3"
        assert total_row(screen, "quality")["csat"] == "—"  # nobody rated yet
        await pilot.press("t")
        assert screen.active_tab == "sla"


async def test_export_writes_files_that_parse(make_reports_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_reports_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_reports(pilot)
        await export(pilot, "json", str(tmp_path / "november.json"))
        await until(pilot, lambda: (tmp_path / "november.json").exists())
        written = json.loads((tmp_path / "november.json").read_text(encoding="utf-8"))
        assert written["first"] == "2026-11-01" and written["total"]["tickets"] == 3
        assert written["total"]["breaches"] == 2

        await export(pilot, "markdown", "")  # blank: the default name, here
        await until(pilot, lambda: (tmp_path / "sla-2026-11.md").exists())
        markdown = (tmp_path / "sla-2026-11.md").read_text(encoding="utf-8")
        assert markdown.startswith("# SLA report") and "| 3 | 2 | 1 | 66.7 |" in markdown

        await pilot.press("t")
        await export(pilot, "csv", "")
        await until(pilot, lambda: (tmp_path / "quality-2026-11.csv").exists())
        with (tmp_path / "quality-2026-11.csv").open(encoding="utf-8", newline="") as data:
            rows = list(csv.DictReader(data))
        assert {HOSPITAL, SCHOOL} <= {row["customer"] for row in rows}

        before = (tmp_path / "sla-2026-11.md").read_bytes()
        await pilot.press("t")
        await export(pilot, "markdown", "")  # exists: refused, left alone
        assert any("exists already" in n.message for n in app._notifications)
        assert (tmp_path / "sla-2026-11.md").read_bytes() == before
        await export(pilot, "xml", "")
        assert any("expected markdown, csv or json" in n.message for n in app._notifications)
        assert screen.is_attached


async def export(pilot, output_format: str, path: str) -> None:
    await pilot.press("x")
    await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    form = pilot.app.screen
    form.query_one("#field-format", Input).value = output_format
    form.query_one("#field-path", Input).value = path
    await pilot.press("ctrl+s")
    await until(pilot, lambda: not isinstance(pilot.app.screen, FormScreen))


async def test_a_ticket_added_elsewhere_shows(make_reports_app, small_db):
    """Changes right after a read wait out the gap between reads, then show."""
    app = make_reports_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_reports(pilot)
        other = open_small_desk(small_db)
        add_ticket(other, SCHOOL, Severity.URGENT, Channel.FAX,
                   datetime(2026, 11, 10, 9, tzinfo=ZONE), 0.25, 2)  # fmt: skip
        await until(pilot, lambda: screen._changes_timer is not None)
        assert total_row(screen)["tickets"] == "3"  # not yet: within the gap
        screen._changes_timer.stop()
        screen._read_changes()  # what the timer does when the gap is over
        await until(pilot, lambda: screen.loaded and total_row(screen)["tickets"] == "4")
        assert total_row(screen)["response"] == "75.0%"
        other.store.dispose()


async def test_chinese_at_80x24(make_reports_app):
    app = make_reports_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        await press_and_load(pilot, screen, "b", "b")
        assert groups(screen) == ["紧急", "中等"]
        text = screen_text(app)
        for words in ("报表", "2026-11 (月)", "故障等级", "合计", "66.7%", "达标率"):
            assert words in text
        assert not screen.query_one("#chart-channels").display  # too narrow for three
        assert screen.query_one("#chart-trend").display
        shown = [column.label.plain for column in table(screen).columns.values()]
        assert not any("自然" in label for label in shown)  # wall-time columns left out
        assert max(len(line) for line in text.splitlines()) <= 80


async def test_help_lists_the_report_keys(make_reports_app):
    app = make_reports_app("zh")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_reports(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        for label in ("上一期", "下一期", "月/季/年", "分组", "SLA/质量", "导出"):
            assert label in text


def test_periods_step_through_months_quarters_and_years():
    november = period_containing(NOW.date())
    assert (november.first.isoformat(), november.last.isoformat()) == ("2026-11-01", "2026-11-30")
    assert november.shifted(2).label == "2027-01" and november.shifted(-11).label == "2025-12"
    quarter = november.widened(NOW.date())
    assert quarter.label == "2026-Q4" and quarter.last.isoformat() == "2026-12-31"
    assert quarter.shifted(-1).label == "2026-Q3" and quarter.shifted(-1).first.month == 7
    year = quarter.widened(NOW.date())
    assert year.label == "2026" and year.shifted(1).last.isoformat() == "2027-12-31"
    assert year.shifted(-1).widened(NOW.date()).label == "2025-01"  # not this year: January
    assert Period(Span.MONTH, november.first.replace(month=2)).last.day == 28


def test_cells_word_times_money_and_compliance():
    assert [cells.hours_text(s) for s in (None, 0, 59 * 60 + 31, 100 * 3600)] == [
        "—", "0:00", "1:00", "100:00"]  # fmt: skip
    assert cells.yuan_text(1_234_567) == "12,345.67" and cells.yuan_text(5) == "0.05"
    assert cells.percent_cell(95.0) == ("95.0%", cells.GOOD_STYLE)
    assert cells.percent_cell(94.9)[1] == cells.FAIR_STYLE
    assert cells.percent_cell(79.9)[1] == cells.POOR_STYLE
    assert cells.percent_cell(None) == ("—", cells.NONE_STYLE)
    assert cells.chart_label("severity", "urgent", 1) == "urgent"
    assert cells.chart_label("customer", HOSPITAL, 3) == "#3"
    assert cells.chart_label("engineer", "lina", 2) == "lina"
    assert cells.chart_label("customer", "A very long company name", 4) == "#4"


async def test_report_keys_have_ids_and_can_be_remapped(small_db):
    for owner in (ReportsScreen, ReportTable):
        assert all(binding.id for binding in owner.BINDINGS), owner
    app = HelpdeskApp(open_small_desk(small_db), "en", keymap={"reports.next_period": "n"})
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_reports(pilot)
        await press_and_load(pilot, screen, "right_square_bracket")
        assert screen.period.label == "2026-11"  # no longer bound
        await press_and_load(pilot, screen, "n")
        assert screen.period.label == "2026-12"


async def test_the_trend_stops_at_this_month(make_reports_app):
    app = make_reports_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_reports(pilot)
        await press_and_load(pilot, screen, "m")  # 2026-Q4 runs on into December
        trend = screen.query_one("#chart-trend", TrendChart).figures
        assert trend.labels[0] == "2025-12" and trend.labels[-1] == "2026-11"
