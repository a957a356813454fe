"""Fault analysis (故障分析) and work orders (数据迁移, 缺陷修复) from the command line."""

from __future__ import annotations

import json

import pytest
import time_machine

from tests.integration.conftest import DEMO_NOW

CAUSE = "数据库连接池上限过低，高峰期请求排队超时"
FIX = "连接池上限由 50 调整为 200"


def shown(cli, key: str) -> dict:
    code, out, err = cli("ticket", "show", key, "--json")
    assert code == 0, err
    return json.loads(out)


def test_analyse_records_cause_and_fix_and_bumps_the_version(scenario, cli):
    before = shown(cli, scenario.resolved)
    assert (before["kind"], before["root_cause"], before["fix_applied"]) == ("fault", "", "")
    code, out, err = cli("ticket", "analyse", scenario.resolved, "--cause", CAUSE, "--fix", FIX,
                         "--expect-version", str(before["version"]), "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["version"] == before["version"] + 1
    after = shown(cli, scenario.resolved)
    assert (after["root_cause"], after["fix_applied"]) == (CAUSE, FIX)
    assert after["status"] == before["status"] == "resolved"  # the analysis moves no clock
    assert after["audit"][-1]["action"] == "analyse"
    assert after["audit"][-1]["detail"] == {"root_cause": CAUSE, "fix_applied": FIX}
    code, out, _ = cli("ticket", "show", scenario.resolved)
    assert "fault analysis" in out and CAUSE in out and FIX in out


def test_text_from_outside_is_shown_literally(scenario, cli):
    cause = "[bold]x[/] \x1b[31mred"
    assert cli("ticket", "analyse", scenario.responded, "--cause", cause).code == 0
    assert shown(cli, scenario.responded)["root_cause"] == cause
    out = cli("ticket", "show", scenario.responded).stdout
    assert "[bold]x[/] \\x1b[31mred" in out and "\x1b" not in out


@pytest.mark.parametrize(
    "args",
    [
        ("ticket", "analyse", "{resolved}", "--cause", "  "),
        ("ticket", "analyse", "{resolved}", "--cause", "x" * 4001),
        ("ticket", "analyse", "{resolved}", "--cause", "ok", "--fix", "y" * 4001),
        ("ticket", "analyse", "T-999999", "--cause", "ok"),
        ("ticket", "analyse", "{resolved}"),
        ("ticket", "new", "--customer", "{customer}", "--title", "t", "--severity", "minor",
         "--channel", "phone", "--kind", "repair"),
        ("ticket", "list", "--kind", "故障分析"),
    ],
    ids=["empty-cause", "long-cause", "long-fix", "unknown-ticket", "no-cause", "bad-kind",
         "bad-list-kind"],
)  # fmt: skip
def test_bad_input_is_exit_2_and_writes_nothing(scenario, cli, digest, args):
    before = digest(scenario.db)
    result = cli(*scenario.fill(args))
    assert result.code == 2 and len(result.stderr.strip().splitlines()) == 1, result
    assert digest(scenario.db) == before


def test_a_cancelled_ticket_has_nothing_to_analyse(scenario, cli, digest):
    assert cli("ticket", "cancel", scenario.new, "--reason", "重复报障").code == 0
    before = digest(scenario.db)
    result = cli("ticket", "analyse", scenario.new, "--cause", "重复")
    assert result.code == 2 and "cancelled" in result.stderr
    assert digest(scenario.db) == before


def test_a_stale_version_is_a_conflict(scenario, cli, digest):
    version = shown(cli, scenario.waiting)["version"]
    before = digest(scenario.db)
    result = cli("ticket", "analyse", scenario.waiting, "--cause", CAUSE,
                 "--expect-version", str(version - 1))  # fmt: skip
    assert result.code == 3 and "reload" in result.stderr and scenario.waiting in result.stderr
    assert digest(scenario.db) == before


def test_work_orders_have_a_kind_and_resolve_without_an_analysis(scenario, cli):
    code, out, err = cli("ticket", "new", "--customer", scenario.customer, "--title",
                         "历史数据迁移至新服务器", "--severity", "medium", "--channel", "phone",
                         "--kind", "数据迁移", "--json")  # fmt: skip
    assert code == 0, err
    key = json.loads(out)["key"]
    assert cli("ticket", "respond", key).code == 0
    assert cli("ticket", "resolve", key, "--summary", "迁移完成，数据核对一致").code == 0
    assert shown(cli, key)["kind"] == "migration"
    code, out, _ = cli("ticket", "list", "--kind", "migration", "--json")
    listed = json.loads(out)
    assert key in [t["key"] for t in listed] and {t["kind"] for t in listed} == {"migration"}
    code, out, _ = cli("ticket", "show", key)
    assert "migration 数据迁移" in out


def test_the_demo_has_work_orders_and_analysed_faults(demo_db, cli):
    with time_machine.travel(DEMO_NOW, tick=False):
        tickets = json.loads(cli("ticket", "list", "--json").stdout)
    kinds = sorted(t["kind"] for t in tickets if t["kind"] != "fault")
    assert kinds == ["defect", "migration"]
    analysed = [t for t in tickets if t["root_cause"]]
    assert len(analysed) >= 5 and all(t["fix_applied"] for t in analysed)
