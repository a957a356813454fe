"""The maintenance tabs' rows as the console words and colours them: backup plans, cloud
renewals and disaster-recovery plans. Pure: a row, `now` and the zone in, cells out.

A cell is `(text, style)`; names and notes come from outside and go through `one_line`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.patches import PatchRow, Pending
from helpdesk_tui.tui.maintenance_reads import BackupRow, RecoveryRow, RenewalRow

Cell = tuple[str, str]
OVERDUE_STYLE = "bold #ffffff on #af0000"
DUE_STYLE = "bold #ff5f5f"
SOON_STYLE = "bold #ffaf00"
OK_STYLE = "#5faf5f"
MARK = "!"
SHORT_TIME = "%m-%d %H:%M"


@dataclass(frozen=True)
class Column:
    name: str
    width: int  # 0: whatever is left (at least MIN_REST)
    optional: bool = False  # left out on a narrow terminal


MIN_REST = 12
NARROW = 100  # below this many columns the optional columns are left out

BACKUP_COLUMNS = [
    Column("mark", 1), Column("customer", 16), Column("system", 16),
    Column("interval", 8, optional=True), Column("last_success", 11),
    Column("backup_state", 12), Column("last_verified", 10, optional=True),
    Column("check_state", 10), Column("where", 0, optional=True),
]  # fmt: skip
RENEWAL_COLUMNS = [
    Column("mark", 1), Column("days_left", 12), Column("expires", 10), Column("customer", 16),
    Column("kind", 10), Column("name", 22), Column("provider", 10, optional=True),
    Column("auto", 0, optional=True),
]  # fmt: skip
RECOVERY_COLUMNS = [
    Column("mark", 1), Column("customer", 16), Column("system", 16), Column("rto", 7),
    Column("rpo", 7), Column("last_drill", 10, optional=True), Column("next_drill", 10),
    Column("drill_state", 10), Column("contact", 0, optional=True),
]  # fmt: skip

PENDING_COLUMNS = [
    Column("mark", 1), Column("customer", 16), Column("server", 18), Column("updates", 8),
    Column("security", 8), Column("source", 0),
]  # fmt: skip
PATCH_COLUMNS = [
    Column("applied", 11), Column("customer", 14), Column("server", 14), Column("patch_kind", 6),
    Column("reboot", 6, optional=True), Column("ticket", 9), Column("by", 8, optional=True),
    Column("packages", 0),
]  # fmt: skip


def _when(instant: datetime | None, zone: ZoneInfo, t: Texts) -> str:
    return instant.astimezone(zone).strftime(SHORT_TIME) if instant else t("maintenance.never")


def _date_of(instant: datetime | None, zone: ZoneInfo, t: Texts) -> str:
    return instant.astimezone(zone).date().isoformat() if instant else t("maintenance.never")


def _day(day: date | None, t: Texts) -> str:
    return day.isoformat() if day is not None else t("maintenance.never")


def minutes_text(t: Texts, minutes: int) -> str:
    """RTO/RPO: `30 min`, `4 h`, `1 h 30 min`, `2 d`."""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(t("maintenance.days", days=days))
    if hours:
        parts.append(t("maintenance.hours", hours=hours))
    if mins or not parts:
        parts.append(t("maintenance.minutes", minutes=mins))
    return " ".join(parts)


# -- backups ------------------------------------------------------------------------------


def backup_attention(row: BackupRow, now: datetime) -> bool:
    return row.overdue(now) or row.check_due(now)


def backup_cells(t: Texts, row: BackupRow, now: datetime, zone: ZoneInfo) -> dict[str, Cell]:
    plan = row.plan
    overdue, check_due = row.overdue(now), row.check_due(now)
    where = " · ".join(one_line(part) for part in (plan.what, plan.location) if part)
    return {
        "mark": (MARK if overdue or check_due else "", DUE_STYLE),
        "customer": (one_line(row.customer), ""),
        "system": (one_line(plan.system), "bold"),
        "interval": (t("maintenance.hours", hours=plan.interval_hours), ""),
        "last_success": (_when(plan.last_success_at, zone, t),
                         "" if plan.last_success_at else "dim"),
        "backup_state": (t("maintenance.overdue") if overdue else t("maintenance.ok"),
                         OVERDUE_STYLE if overdue else OK_STYLE),
        "last_verified": (_date_of(plan.last_verified_at, zone, t),
                          "" if plan.last_verified_at else "dim"),
        "check_state": (t("maintenance.check_due") if check_due else t("maintenance.ok"),
                        SOON_STYLE if check_due else OK_STYLE),
        "where": (where, "dim"),
    }  # fmt: skip


# -- cloud renewals ---------------------------------------------------------------------


def renewal_style(days_left: int, auto_renew: bool) -> str:
    """Highlighted from 30 days on, louder at 14, 7 and 1; an auto-renewing one stays calm."""
    if auto_renew:
        return "dim"
    if days_left <= 1:
        return OVERDUE_STYLE
    if days_left <= 7:
        return DUE_STYLE
    if days_left <= 14:
        return SOON_STYLE
    return "#d7d75f" if days_left <= 30 else ""


def days_left_text(t: Texts, days_left: int) -> str:
    if days_left < 0:
        return t("maintenance.expired_ago", days=-days_left)
    if days_left == 0:
        return t("maintenance.expires_today")
    return t("maintenance.days_left", days=days_left)


def renewal_attention(row: RenewalRow) -> bool:
    return not row.resource.auto_renew and row.days_left <= 30


def renewal_cells(t: Texts, row: RenewalRow) -> dict[str, Cell]:
    resource = row.resource
    style = renewal_style(row.days_left, resource.auto_renew)
    return {
        "mark": (MARK if renewal_attention(row) else "", DUE_STYLE),
        "days_left": (days_left_text(t, row.days_left), style),
        "expires": (resource.expires_on.isoformat(), style if style != OVERDUE_STYLE else ""),
        "customer": (one_line(row.customer), ""),
        "kind": (one_line(resource.kind), ""),
        "name": (one_line(resource.name), "bold"),
        "provider": (one_line(resource.provider), "dim"),
        "auto": (t("maintenance.auto_renew") if resource.auto_renew else "", "dim"),
    }


# -- disaster recovery ------------------------------------------------------------------

DRILL_STYLE = {"overdue": OVERDUE_STYLE, "due": DUE_STYLE, "due_soon": SOON_STYLE, "ok": OK_STYLE}


def recovery_attention(row: RecoveryRow) -> bool:
    return row.drill_state != "ok" or row.rpo_warning is not None


def first_contact(plan_contacts: list) -> str:
    if not plan_contacts:
        return ""
    contact = plan_contacts[0]
    if not isinstance(contact, dict):
        return one_line(str(contact))
    parts = [contact.get("name", ""), contact.get("phone", ""), contact.get("role", "")]
    return " ".join(one_line(str(part)) for part in parts if part)


def recovery_cells(t: Texts, row: RecoveryRow) -> dict[str, Cell]:
    plan = row.plan
    return {
        "mark": (MARK if recovery_attention(row) else "", DUE_STYLE),
        "customer": (one_line(row.customer), ""),
        "system": (one_line(plan.system), "bold"),
        "rto": (minutes_text(t, plan.rto_minutes), ""),
        "rpo": (minutes_text(t, plan.rpo_minutes), SOON_STYLE if row.rpo_warning else ""),
        "last_drill": (_day(plan.last_drill_on, t), "" if plan.last_drill_on else "dim"),
        "next_drill": (row.next_drill_on.isoformat(), DRILL_STYLE.get(row.drill_state, "")),
        "drill_state": (t(f"maintenance.drill_{row.drill_state}"),
                        DRILL_STYLE.get(row.drill_state, "")),
        "contact": (first_contact(plan.contacts), "dim"),
    }  # fmt: skip


# -- patches and pending updates --------------------------------------------------------


def pending_attention(row: Pending) -> bool:
    return bool(row.security)


def pending_cells(t: Texts, row: Pending, zone: ZoneInfo) -> dict[str, Cell]:
    source = t(f"maintenance.source_{row.source}")
    if row.collector:
        source += f" {one_line(row.collector)}"
    if row.as_of is not None:
        source += f" · {_when(row.as_of, zone, t)}"
    return {
        "mark": (MARK if pending_attention(row) else "", DUE_STYLE),
        "customer": (one_line(row.customer), ""),
        "server": (one_line(row.server), "bold"),
        "updates": ("—" if row.updates is None else str(row.updates), "" if row.updates else "dim"),
        "security": ("—" if row.security is None else str(row.security),
                     DUE_STYLE if row.security else "dim"),
        "source": (source, "dim"),
    }  # fmt: skip


def patch_cells(t: Texts, row: PatchRow, zone: ZoneInfo) -> dict[str, Cell]:
    patch = row.patch
    what = " · ".join(one_line(part) for part in (patch.packages, patch.description) if part)
    return {
        "applied": (_when(patch.applied_at, zone, t), ""),
        "customer": (one_line(row.customer), ""),
        "server": (one_line(row.server), "bold"),
        "patch_kind": (t("maintenance.security") if patch.security else "", DUE_STYLE),
        "reboot": (t("maintenance.reboot") if patch.reboot_required else "", SOON_STYLE),
        "ticket": (row.ticket or "", "bold"),
        "by": (one_line(patch.applied_by), "dim"),
        "packages": (what, ""),
    }
