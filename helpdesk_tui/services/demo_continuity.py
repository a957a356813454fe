"""Demo backups and renewals (存储备份, 云续费预警; seed 1.3) for customers whose servers
the vendor operates: backup plans with one overdue and one whose restore was never
proved lately, and cloud resources expiring at each warning distance. Made through the
use cases, at the demo's `now`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from helpdesk_tui.services import backup_plans, cloud
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Contract, Customer

# system, what, where, every (hours), kept (days), last success (hours ago), last
# restore check (days ago; None: never)
BACKUPS = [
    ("HIS 数据库", "全量 + binlog", "OSS 杭州 his-backup", 24, 30, 5, 40),
    ("核心业务系统", "全量", "NAS 机房二 /backup/core", 24, 14, 41, 120),
    ("文件服务器", "增量", "OSS 上海 file-backup", 6, 30, 2, None),
    ("门户网站", "网站目录 + 数据库", "OSS 杭州 web-backup", 168, 60, 30, 60),
]
# kind, name, provider, expires in (days), renews itself
RESOURCES = [
    ("云服务器", "ecs-app-01 (4 核 16 GB)", "阿里云", 12, False),
    ("云数据库", "rds-his (MySQL 8.0 高可用版)", "阿里云", 26, False),
    ("域名", "portal.example.cn", "万网", 6, False),
    ("SSL 证书", "*.example.cn", "DigiCert", 1, False),
    ("带宽", "BGP 100 Mbps", "阿里云", 200, False),
    ("对象存储", "oss-backup 资源包 1 TB", "阿里云", 20, True),
]


def add_demo_continuity(desk: Desk, now: datetime) -> None:
    at_now = Desk(desk.store, desk.actor, desk.policy, desk.calendars, desk.zone, lambda: now)
    customers = _vendor_operated_customers(desk)
    if not customers:
        return
    with desk.store.read() as session:
        if backup_plans.plans(session, customers[0].id):
            return  # a second `helpdesk demo` on the same database
    for index, backup in enumerate(BACKUPS):
        _backup_plan(at_now, customers[index % len(customers)], backup, now)
    for index, resource in enumerate(RESOURCES):
        _resource(at_now, customers[index % len(customers)], resource, now)


def _vendor_operated_customers(desk: Desk) -> list[Customer]:
    with desk.store.read() as session:
        query = (
            select(Customer)
            .join(Contract, Contract.customer_id == Customer.id)
            .where(Contract.vendor_operated.is_(True))
            .order_by(Customer.id)
            .limit(3)
        )
        return list(session.scalars(query).unique())


def _backup_plan(desk: Desk, customer: Customer, backup: tuple, now: datetime) -> None:
    system, what, where, every, kept, success_hours_ago, checked_days_ago = backup
    plan = backup_plans.add_plan(desk, str(customer.id), system, what=what, location=where,
                                 interval_hours=every, retention_days=kept)  # fmt: skip
    if checked_days_ago is not None:
        checked = now - timedelta(days=checked_days_ago)
        backup_plans.record_restore_check(desk, plan.id or 0, checked)
    backup_plans.record_success(desk, plan.id or 0, now - timedelta(hours=success_hours_ago))


def _resource(desk: Desk, customer: Customer, resource: tuple, now: datetime) -> None:
    kind, name, provider, days, auto_renew = resource
    expires_on = now.astimezone(desk.zone).date() + timedelta(days=days)
    cloud.add_resource(desk, str(customer.id), kind, name, expires_on, provider=provider,
                       auto_renew=auto_renew)  # fmt: skip
