"""A ticket's paperwork (支持维护记录, 维护总结) as Markdown and printable HTML: Chinese
intact, every line of the work log, text from outside escaped, the HTML page kept as a
snapshot so a change to the printed form is seen in review."""

from __future__ import annotations

from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
import time_machine

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import tickets

NOW = datetime.fromisoformat("2026-11-25T18:00:00+08:00")
REPORTED = datetime.fromisoformat("2026-11-25T09:10:00+08:00")
HOSTILE = "清理日志 | [点我](javascript:alert(1)) <script>alert(1)</script> **粗**"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def finished(account_desk):
    """A serious fault reported, answered, worked on, analysed, resolved and accepted."""
    desk = account_desk
    made = tickets.new_ticket(desk, tickets.NewTicket(
        customer="杭州人民医院", title="HIS 系统登录缓慢", severity=Severity.SERIOUS,
        channel=Channel.PHONE, reported_at=REPORTED, contact="王主任 13800000000",
        description="早高峰门诊挂号登录需 30 秒以上",
    ))  # fmt: skip
    key = made.key
    tickets.respond(desk, key, "电话联系信息科确认影响范围", at=REPORTED + timedelta(minutes=40))
    tickets.log_work(desk, key, HOSTILE, 45, at=REPORTED + timedelta(hours=2))
    tickets.analyse(desk, key, "数据库连接池上限过低，高峰期排队", "连接池上限由 50 调整为 200")
    tickets.resolve(desk, key, "调整配置后登录恢复正常，观察 2 小时无异常",
                    at=REPORTED + timedelta(hours=5))  # fmt: skip
    tickets.accept(desk, key, 5, "处理及时，满意", at=REPORTED + timedelta(hours=6))
    return desk, key


def paper(cli, desk, key: str, *options: str) -> str:
    done = cli("--db", desk.store.engine.url.database, "--lang", "zh", "ticket", "paper", key,
               *options)  # fmt: skip
    assert done.code == 0, done.stderr
    return done.stdout


def test_the_record_lists_every_work_log_line_with_its_time_and_minutes(finished, clock, cli):
    desk, key = finished
    text = paper(cli, desk, key)
    assert text.startswith(f"# 支持维护记录 · {key}")
    assert "| 故障等级 | 严重 |" in text and "| 联系人 | 王主任" in text
    assert "| 2026-11-25 09:50 | lina |" in text and "电话联系信息科确认影响范围" in text
    log_line = next(line for line in text.splitlines() if "清理日志" in line)
    assert log_line.startswith("| 2026-11-25 11:10 | lina | 45 |")
    assert log_line.count(" | ") == 3  # the text's own | cannot open another column
    assert "\\[点我\\]" in log_line and "\\<script\\>" in log_line and "\\*\\*粗\\*\\*" in log_line


class _Checker(HTMLParser):
    """Tags opened and closed in order: the page is well formed."""

    VOID = frozenset({"meta"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open.pop() == tag, f"</{tag}> closes {self.open}"


def test_the_summary_page_is_well_formed_escaped_and_as_reviewed(finished, clock, cli, snapshot):
    desk, key = finished
    page = paper(cli, desk, key, "--what", "summary", "--format", "html")
    checker = _Checker()
    checker.feed(page)
    assert checker.open == [] and "script" not in checker.tags
    assert '<html lang="zh-CN">' in page and "<h2>故障原因</h2>" in page
    assert "数据库连接池上限过低，高峰期排队" in page and "5 / 5" in page
    assert page == snapshot


def test_bad_requests_are_refused_with_one_line(finished, cli, tmp_path):
    desk, key = finished
    db = ("--db", desk.store.engine.url.database)
    for bad in (("T-999999",), (key, "--what", "invoice"), (key, "--format", "pdf"),
                (key, "-o", str(tmp_path / "missing" / "x.md"))):  # fmt: skip
        refused = cli(*db, "ticket", "paper", *bad)
        assert refused.code == 2 and len(refused.stderr.strip().splitlines()) == 1, refused
