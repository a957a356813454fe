"""The words a remote notification carries: a ticket's clock names its key and clock;
any other kind (a server, a backup, a drill) names what it is about."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from helpdesk_tui.alerts.routing import TITLE_MAX, alert_body, alert_title
from helpdesk_tui.i18n import Texts
from helpdesk_tui.services.alerts import AlertMessage

DUE = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _message(target: str, summary: str, threshold: int = 100, repeat: int = 0) -> AlertMessage:
    return AlertMessage(alert_id=1, ticket_id=None, target=target, threshold=threshold,
                        repeat=repeat, level="critical", due_at=DUE, late=False,
                        summary=summary, addressees=())  # fmt: skip


@pytest.mark.parametrize(
    ("target", "threshold", "repeat", "title"),
    [("response", 75, 0, "T-000042 响应时限已用 75%"),
     ("fix", 100, 0, "T-000042 修复时限已超"),
     ("fix", 100, 2, "T-000042 修复时限已超，第 2 次提醒")],
)  # fmt: skip
def test_a_ticket_clock_names_the_ticket_and_the_clock(target, threshold, repeat, title):
    message = _message(target, "T-000042 数据库宕机", threshold, repeat)
    assert alert_title(message, Texts("zh")) == title


def test_a_server_alert_is_titled_by_what_happened_not_by_a_clock():
    message = _message("health", "监控 db-01@杭州人民医院: not reachable")
    title = alert_title(message, Texts("zh"))
    assert title == "监控 db-01@杭州人民医院: not reachable"
    assert "时限" not in title


def test_a_long_or_multi_line_summary_makes_a_one_line_title_of_bounded_length():
    message = _message("backup_overdue", "备份 " + "很长的系统名\n" * 40)
    title = alert_title(message, Texts("en"))
    assert "\n" not in title and len(title) == TITLE_MAX and title.endswith("…")


def test_the_body_of_another_kind_explains_the_kind_and_gives_the_local_due_time():
    body = alert_body(_message("drill", "演练 HIS"), Texts("zh"), SHANGHAI).splitlines()
    assert body[0] == "演练 HIS"
    assert body[1] == Texts("zh")("alert_kind.drill")
    assert "09:00" in body[2]
