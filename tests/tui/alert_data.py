"""Alerts made the way production makes them: tickets whose thresholds have passed, a
duty roster, then the real sweep and delivery, all on the desk's fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import alerts
from helpdesk_tui.services import tickets as use
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.reads import DeskReader
from helpdesk_tui.services.roster import add_shift

OWNER = "console@test:1"
M = timedelta(minutes=1)
H = timedelta(hours=1)

# (title, severity, reported this long before now, assignee)
ALERTING = [
    ("核心接口全部返回 502，收费窗口停摆", Severity.SERIOUS, 3 * H, "lina"),  # a breach, reminded
    ("报表导出中文乱码", Severity.MEDIUM, 7 * H, "wangfang"),  # 75 %, caught up late
    ("数据库主库宕机，全院挂号中断", Severity.URGENT, 30 * M, "lina"),  # 50 %, on time
]


def customer_name(desk: Desk) -> str:
    return DeskReader(desk).customer_hits("集团")[0].name


def open_ticket(desk: Desk, title: str, severity: Severity, age: timedelta, assignee: str) -> int:
    request = use.NewTicket(
        customer_name(desk), title, severity, Channel.PHONE,
        assignee=assignee, reported_at=desk.now() - age,
    )  # fmt: skip
    return use.new_ticket(desk, request).id


def sweep(desk: Desk) -> list[int]:
    """What a console's scheduler does: claim what fell due, deliver it."""
    claimed = alerts.sweep(desk, OWNER)
    alerts.deliver(desk, OWNER, claimed, lambda message: "1/1 channel(s)")
    return claimed


def staff_the_roster(desk: Desk, now: datetime) -> None:
    day = (now - 2 * H, now + 10 * H)
    add_shift(desk, "lina", DutyRole.PRIMARY, *day)
    add_shift(desk, "wangfang", DutyRole.BACKUP, *day)
    add_shift(desk, "zhangwei", DutyRole.MANAGER, *day)


def raise_alerts(desk: Desk, extra_titles: tuple[str, ...] = ()) -> dict[str, int]:
    """The ALERTING tickets (and one urgent ticket per extra title, 50 % used now), swept
    and delivered; returns each title's ticket id."""
    staff_the_roster(desk, desk.now())
    ids = {}
    for title, severity, age, assignee in ALERTING:
        ids[title] = open_ticket(desk, title, severity, age, assignee)
    for title in extra_titles:
        ids[title] = open_ticket(desk, title, Severity.URGENT, 30 * M, "lina")
    sweep(desk)
    return ids
