"""Demo technical maintenance (技术维保服务, seed 1.3) for customers whose servers the
vendor operates: disaster-recovery plans (one drill overdue, one due soon), patches and
pending updates, a data-migration and a defect-fix work order, and fault analyses on
some resolved tickets. Made through the use cases, at the demo's `now`."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from helpdesk_tui.domain.lifecycle import Status
from helpdesk_tui.domain.ticket_kind import TicketKind
from helpdesk_tui.services import patches, recovery_plans, tickets
from helpdesk_tui.services.cloud import add_server
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Contact, Contract, Customer, Server, Ticket, WorkLogEntry

HOTLINE = "值班台 400-800-1234 7x24 服务热线"
ANALYSED = 6
RECENT = 200  # tickets drawn from are among the latest this many: fast on a million

# system, RTO min, RPO min, drill every (days), last drill (days ago), steps
PLANS = [
    ("HIS 数据库", 120, 15, 180, 200, [
        "确认主库故障范围，通知信息科与值班经理",
        "将应用连接切换到同城备库（只读转读写）",
        "核对备库最后一次同步位点，评估数据损失",
        "恢复业务并观察 30 分钟，记录恢复用时",
    ]),
    ("核心业务系统", 240, 60, 180, 170, [
        "启动应急预案，值班经理通知客户项目负责人",
        "从最近一次全量备份加 binlog 恢复到备用服务器",
        "切换负载均衡到备用服务器，验证登录与核心交易",
        "原服务器修复后回切，提交恢复报告",
    ]),
    ("门户网站", 480, 1440, 365, 30, [
        "切换 DNS 到静态维护页",
        "由镜像重建云服务器并恢复网站目录与数据库",
        "验证页面与表单提交后恢复 DNS",
    ]),
]  # fmt: skip
SERVERS = [("db-primary", "数据库服务器"), ("web-01", "应用服务器")]
PATCHES = [
    ("openssl 3.0.15", "修复 OpenSSL 安全漏洞", True, False),
    ("linux-image-5.15.0-125", "内核安全更新", True, True),
    ("nginx 1.24.0", "升级以修复 HTTP/2 拒绝服务漏洞", True, False),
    ("mysql-server 8.0.40", "数据库小版本升级", False, True),
    ("tzdata 2024b", "时区数据更新", False, False),
]
WORK_ORDERS = {
    TicketKind.MIGRATION: (
        "历史数据迁移至新数据库服务器",
        "将 2015 年以来的业务数据迁移至新采购的数据库服务器，迁移后核对记录数与校验和。",
        "已完成数据迁移，记录数与校验和核对一致，客户确认业务正常",
    ),
    TicketKind.DEFECT: (
        "月末结算报表金额合计错误",
        "月末结算报表在跨月冲正时合计金额重复计算，属我方开发代码缺陷。",
        "已修复报表合计逻辑并发布补丁，重新生成的报表经客户核对无误",
    ),
}
DEFECT_ANALYSIS = ("冲正记录在合计时未排除原始记录，导致重复计算", "修正合计查询条件并补充单元测试")
# By the demo's maintenance summaries (data/demo/catalogue.toml): a cause that fits each.
ANALYSES = {
    "已修复缺陷并发布补丁，客户确认业务恢复正常": (
        "新版本中一处空值判断遗漏，特定数据触发异常",
        "发布补丁增加空值判断，并补充回归测试",
    ),
    "调整服务器配置后性能恢复，已持续观察 24 小时": (
        "数据库连接池上限过低，高峰期请求排队超时",
        "连接池上限由 50 调整为 200，增加慢查询监控",
    ),
    "更正数据并补跑批处理，数据完整性已核对": (
        "夜间批处理因磁盘空间不足中断，部分数据未生成",
        "清理过期日志释放空间，补跑批处理并增加磁盘告警",
    ),
    "指导客户管理员修改配置，问题已解决": (
        "客户侧配置参数与新版本不兼容",
        "指导管理员按新版本说明修改配置",
    ),
}


def add_demo_maintenance(desk: Desk, seed: int, now: datetime) -> None:
    rng = random.Random(f"maintenance:{seed}")
    at_now = Desk(desk.store, desk.actor, desk.policy, desk.calendars, desk.zone, lambda: now)
    customers = _vendor_operated_customers(desk, len(PLANS))
    for customer, plan in zip(customers, PLANS, strict=False):
        _recovery_plan(at_now, customer, plan)
    for customer in customers[:2]:
        _servers_and_patches(at_now, customer, rng)
    _work_orders(desk, rng)
    _fault_analyses(at_now, rng)


def _vendor_operated_customers(desk: Desk, count: int) -> list[Customer]:
    with desk.store.read() as session:
        query = (
            select(Customer)
            .join(Contract, Contract.customer_id == Customer.id)
            .where(Contract.vendor_operated.is_(True))
            .order_by(Customer.id)
            .limit(count)
        )
        return list(session.scalars(query).unique())


def _recovery_plan(desk: Desk, customer: Customer, plan: tuple) -> None:
    system, rto, rpo, every, drilled_days_ago, steps = plan
    with desk.store.read() as session:
        if any(p.system == system for p, _ in recovery_plans.plans(session, customer.id)):
            return  # a second `helpdesk demo` on the same database
        contact = session.scalars(
            select(Contact).where(Contact.customer_id == customer.id).order_by(Contact.id)
        ).first()
    people = [HOTLINE]
    if contact is not None and contact.phone:
        people.insert(0, f"{contact.name} {contact.phone} {contact.role}")
    made = recovery_plans.add_plan(desk, str(customer.id), system, rto_minutes=rto,
                                   rpo_minutes=rpo, steps=steps, contacts=people,
                                   drill_interval_days=every)  # fmt: skip
    drilled_on = _today(desk) - timedelta(days=drilled_days_ago)
    recovery_plans.record_drill(desk, made.id or 0, drilled_on, "演练完成，恢复用时在 RTO 之内")


def _servers_and_patches(desk: Desk, customer: Customer, rng: random.Random) -> None:
    with desk.store.read() as session:
        names = _server_names(session, customer.id or 0)
    if not names:
        for name, role in SERVERS:
            add_server(desk, str(customer.id), name, role=role, vendor_operated=True)
        names = [name for name, _ in SERVERS]
    for package, description, security, reboot in rng.sample(PATCHES, 3):
        day = _today(desk) - timedelta(days=rng.randint(3, 60))
        at = datetime.combine(day, time(22, 0), desk.zone)  # the maintenance window
        patches.record_patch(desk, rng.choice(names), package, customer=str(customer.id),
                             description=description, security=security,
                             reboot_required=reboot, at=at)  # fmt: skip
    patches.set_pending(desk, names[0], rng.randint(4, 20), rng.randint(1, 3),
                        customer=str(customer.id))  # fmt: skip


def _server_names(session: Session, customer_id: int) -> list[str]:
    query = select(Server.name).where(Server.customer_id == customer_id).order_by(Server.id)
    return list(session.scalars(query))


def _work_orders(desk: Desk, rng: random.Random) -> None:
    """Two accepted demo tickets become the work orders they could have been: a data
    migration and a defect fix (the ticket count and the queue stay as they were)."""
    with desk.store.write() as session:
        accepted = session.scalars(
            select(Ticket.id)
            .where(Ticket.status == Status.ACCEPTED.value)
            .order_by(Ticket.id.desc())
            .limit(RECENT)
        ).all()
        if len(accepted) < 2:
            return
        for ticket_id, kind in zip(rng.sample(accepted, 2), WORK_ORDERS, strict=True):
            title, description, summary = WORK_ORDERS[kind]
            cause, fix = DEFECT_ANALYSIS if kind is TicketKind.DEFECT else ("", "")
            session.execute(
                update(Ticket).where(Ticket.id == ticket_id).values(
                    kind=kind.value, title=title, description=description,
                    resolution_summary=summary, root_cause=cause, fix_applied=fix,
                )
            )  # fmt: skip
            session.execute(
                update(WorkLogEntry)
                .where(WorkLogEntry.ticket_id == ticket_id, WorkLogEntry.kind == "summary")
                .values(text=summary)
            )


def _fault_analyses(desk: Desk, rng: random.Random) -> None:
    with desk.store.read() as session:
        resolved = session.execute(
            select(Ticket.id, Ticket.resolution_summary)
            .where(
                Ticket.kind == TicketKind.FAULT.value,
                Ticket.status.in_((Status.RESOLVED.value, Status.ACCEPTED.value)),
            )
            .order_by(Ticket.id.desc())
            .limit(RECENT)
        ).all()
    for ticket_id, summary in rng.sample(resolved, min(ANALYSED, len(resolved))):
        cause, fix = ANALYSES.get(summary, ("故障原因已查明", "已按维护总结处理"))
        tickets.analyse(desk, str(ticket_id), cause, fix)


def _today(desk: Desk) -> date:
    return desk.now().astimezone(desk.zone).date()
