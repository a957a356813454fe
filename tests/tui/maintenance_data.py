"""Backup plans and cloud resources made through the use cases, on the desk's fixed
clock: one backup overdue, one fine but never checked by a restore, and renewals at
every warning step (30, 14, 7, 1 days, expired, and one that renews itself)."""

from __future__ import annotations

from datetime import timedelta

from helpdesk_tui.services import backup_plans, cloud
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.reads import DeskReader
from helpdesk_tui.store.models import BackupPlan

# customer part, system, what, where, every (hours), last success (hours ago), last
# restore check (days ago, None: never)
BACKUPS = [
    ("物流集团", "HIS 数据库", "全量 + binlog", "OSS 杭州 his-backup", 24, 40, 10),
    ("教育局", "门户网站", "网站目录与数据库", "NAS /backup/portal", 24, 3, None),
]
REGISTERED = timedelta(days=100)  # the plans were registered this long ago
# customer part, kind, name, provider, days left, auto renew
RESOURCES = [
    ("物流集团", "ECS", "ecs-his-01", "阿里云", 28, False),
    ("物流集团", "RDS", "rds-his-main", "阿里云", 12, False),
    ("教育局", "SSL 证书", "portal.example.cn", "DigiCert", 6, False),
    ("教育局", "域名", "example.cn", "万网", 1, False),
    ("燃气集团", "带宽", "bw-100m", "电信", -2, False),
    ("燃气集团", "ECS", "ecs-gas-app", "腾讯云", 90, True),
]


def customer_named(desk: Desk, part: str) -> str:
    return DeskReader(desk).customer_hits(part)[0].name


def add_maintenance(desk: Desk) -> dict[str, int]:
    """The plans and resources above; returns each backup system's plan id."""
    now = desk.now()
    today = now.astimezone(desk.zone).date()
    plan_ids = {}
    for part, system, what, where, every, hours_ago, checked_days_ago in BACKUPS:
        customer = customer_named(desk, part)
        plan = backup_plans.add_plan(desk, customer, system, what=what, location=where,
                                     interval_hours=every)  # fmt: skip
        plan_ids[system] = plan.id
        registered_back(desk, plan.id)
        backup_plans.record_success(desk, plan.id, now - timedelta(hours=hours_ago))
        if checked_days_ago is not None:
            at = now - timedelta(days=checked_days_ago)
            backup_plans.record_restore_check(desk, plan.id, at)
    for part, kind, name, provider, days, auto in RESOURCES:
        cloud.add_resource(desk, customer_named(desk, part), kind, name,
                           today + timedelta(days=days), provider=provider,
                           auto_renew=auto)  # fmt: skip
    return plan_ids


def registered_back(desk: Desk, plan_id: int) -> None:
    """As if the plan had been registered REGISTERED ago (no use case moves that)."""
    with desk.store.write() as session:
        session.get(BackupPlan, plan_id).created_at = desk.now() - REGISTERED
