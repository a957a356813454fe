"""The tables. Mutable rows carry a version column for optimistic locking (DESIGN.md §4)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from helpdesk_tui.domain.limits import NAME_MAX, TITLE_MAX
from helpdesk_tui.store.types import UTCDateTime

# Stable constraint names, so that Alembic batch migrations on SQLite can find them.
SQLModel.metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _version() -> Column[int]:
    return Column("version", Integer, nullable=False)


def _instant(*, nullable: bool = True, index: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable, index=index)


def _text(length: int | None = None, *, nullable: bool = True) -> Column[str]:
    return Column(String(length) if length else Text(), nullable=nullable)


_customer_version = _version()


class Customer(SQLModel, table=True):
    __tablename__ = "customers"
    __mapper_args__ = {"version_id_col": _customer_version}

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(NAME_MAX), nullable=False, unique=True))
    email_domains: str = Field(default="", max_length=500)  # comma-separated, for e-mail intake
    phone: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=300)
    notes: str = Field(default="", sa_column=_text())
    account_manager: str = Field(default="", max_length=64)  # an engineer's login
    visit_every_months: int = 3  # scheduled return visits (回访); 0: none
    version: int | None = Field(default=None, sa_column=_customer_version)


_contact_version = _version()


class Contact(SQLModel, table=True):
    __tablename__ = "contacts"
    __mapper_args__ = {"version_id_col": _contact_version}

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    name: str = Field(max_length=NAME_MAX)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200, index=True)
    role: str = Field(default="", max_length=80)
    version: int | None = Field(default=None, sa_column=_contact_version)


_contract_version = _version()


class Contract(SQLModel, table=True):
    """A maintenance contract (维保合同); money in fen (分), ratios in basis points."""

    __tablename__ = "contracts"
    __mapper_args__ = {"version_id_col": _contract_version}

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_column=Column(String(60), nullable=False, unique=True))
    customer_id: int = Field(foreign_key="customers.id", index=True)
    title: str = Field(default="", max_length=TITLE_MAX)
    starts_on: date
    ends_on: date
    warranty_ends_on: date | None = None
    renewal_on: date | None = None
    total_price_fen: int = 0
    currency: str = Field(default="CNY", max_length=3)
    penalty_per_breach_bp: int = 0  # share of the total price owed per broken promise
    penalty_per_hour_late_bp: int = 0
    penalty_cap_bp: int = 0  # 0 means no penalty is owed at all
    calendar: str = Field(default="24x7", max_length=300)  # a calendar name or a file path
    sla_policy: str = Field(default="", sa_column=_text())  # TOML override of data/sla_policy.toml
    vendor_operated: bool = False  # 乙方运维: the vendor runs the customer's cloud servers
    renewal_warn_days: int = 60  # warn this many days before `renewal_on` (or `ends_on`)
    notes: str = Field(default="", sa_column=_text())
    version: int | None = Field(default=None, sa_column=_contract_version)


_engineer_version = _version()


class Engineer(SQLModel, table=True):
    __tablename__ = "engineers"
    __mapper_args__ = {"version_id_col": _engineer_version}

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(max_length=NAME_MAX)
    role: str = Field(default="engineer", max_length=16)  # engineer | manager | viewer
    email: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    active: bool = True
    # Which remote channels reach this engineer: "email" and/or webhook names from the
    # config file's [[notifiers.webhooks]], comma-separated.
    notify_via: str = Field(default="email", max_length=200)
    version: int | None = Field(default=None, sa_column=_engineer_version)


_ticket_version = _version()


class Ticket(SQLModel, table=True):
    """A service request; its deadlines are stored so views and sweeps never recompute them."""

    __tablename__ = "tickets"
    __mapper_args__ = {"version_id_col": _ticket_version}
    __table_args__ = (Index("ix_tickets_queue", "is_open", "next_due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", sa_column=_text())
    customer_id: int = Field(foreign_key="customers.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contacts.id")
    contract_id: int | None = Field(default=None, foreign_key="contracts.id")
    severity: str = Field(max_length=16)
    status: str = Field(default="new", max_length=16)
    channel: str = Field(max_length=16)
    assignee_id: int | None = Field(default=None, foreign_key="engineers.id", index=True)
    created_by: str = Field(max_length=64)
    reported_at: datetime = Field(sa_column=_instant(nullable=False, index=True))
    created_at: datetime = Field(sa_column=_instant(nullable=False))
    updated_at: datetime = Field(sa_column=_instant(nullable=False))
    first_response_at: datetime | None = Field(default=None, sa_column=_instant())
    resolved_at: datetime | None = Field(default=None, sa_column=_instant())
    accepted_at: datetime | None = Field(default=None, sa_column=_instant())
    cancelled_at: datetime | None = Field(default=None, sa_column=_instant())
    response_due_at: datetime = Field(sa_column=_instant(nullable=False))
    resolve_due_at: datetime | None = Field(default=None, sa_column=_instant())
    fix_remaining_seconds: float | None = None  # kept while the fix clock is paused
    paused_seconds: float = 0.0  # wall time of finished pauses
    next_due_at: datetime | None = Field(default=None, sa_column=_instant())
    is_open: bool = True
    resolution_summary: str = Field(default="", sa_column=_text())  # 维护总结
    rating: int | None = None  # the customer's 1-5 on acceptance
    acceptance_comment: str = Field(default="", sa_column=_text())
    kind: str = Field(default="fault", max_length=16)  # fault | migration | defect
    root_cause: str = Field(default="", sa_column=_text())  # 故障分析: why it happened
    fix_applied: str = Field(default="", sa_column=_text())  # 故障分析: what fixed it
    # Who pays (domain.coverage): warranty | contract | billable | goodwill, and the
    # seed's exclusion that made it billable or goodwill, if one was recorded.
    coverage: str = Field(default="contract", max_length=16)
    exclusion: str = Field(default="", max_length=24)
    exclusion_note: str = Field(default="", sa_column=_text())
    # The return visit that found this need (no foreign key: visits refer to tickets).
    visit_id: int | None = Field(default=None, index=True)
    # Time to respond and to fix, as working time on the contract's calendar (fix clock
    # pauses excluded) and as wall time; set when the ticket is answered / resolved, so
    # reports aggregate them in SQL without recomputing calendars.
    response_work_seconds: float | None = None
    response_wall_seconds: float | None = None
    fix_work_seconds: float | None = None
    fix_wall_seconds: float | None = None
    version: int | None = Field(default=None, sa_column=_ticket_version)

    @property
    def key(self) -> str:
        return ticket_key(self.id or 0)


def ticket_key(ticket_id: int) -> str:
    return f"T-{ticket_id:06d}"


class ClockPause(SQLModel, table=True):
    """An interval during which the fix clock stood still (waiting, resolved)."""

    __tablename__ = "clock_pauses"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    status: str = Field(max_length=16)
    started_at: datetime = Field(sa_column=_instant(nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=_instant())


class WorkLogEntry(SQLModel, table=True):
    """One line of the 支持维护记录: who did what, when, for how long."""

    __tablename__ = "work_log"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    at: datetime = Field(sa_column=_instant(nullable=False))
    author: str = Field(max_length=64)
    kind: str = Field(default="work", max_length=16)  # work | response | summary | note
    minutes: int = 0
    text: str = Field(sa_column=_text(nullable=False))


class AuditEntry(SQLModel, table=True):
    """The append-only trail of every change: who, when, what, before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject", "entity", "entity_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_instant(nullable=False))
    actor: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    entity_id: int
    action: str = Field(max_length=32)
    detail: str = Field(default="{}", sa_column=_text(nullable=False))  # JSON


class AlertClaim(SQLModel, table=True):
    """An alert that fell due, claimed by exactly one process through the unique key."""

    __tablename__ = "alert_claims"
    __table_args__ = (
        UniqueConstraint("subject", "target", "threshold", "due_at"),
        Index("ix_alert_claims_open", "acked_at", "due_at"),
        Index("ix_alert_claims_undelivered", "delivered_at", "lease_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=64)  # "ticket:42", later "training:7", "backup:3" ...
    ticket_id: int | None = Field(default=None, foreign_key="tickets.id", index=True)
    target: str = Field(max_length=32)  # response | fix | another kind's name
    threshold: int  # percent of the target; 100 is the breach
    due_at: datetime = Field(sa_column=_instant(nullable=False))
    fired_at: datetime = Field(sa_column=_instant(nullable=False))
    late: bool = False
    claimed_by: str = Field(default="", max_length=128)
    lease_until: datetime | None = Field(default=None, sa_column=_instant())
    delivered_by: str = Field(default="", max_length=128)
    delivered_at: datetime | None = Field(default=None, sa_column=_instant())
    acked_by: str = Field(default="", max_length=64)
    acked_at: datetime | None = Field(default=None, sa_column=_instant())
    repeat: int = 0  # 0, then 1, 2 ... for the reminders after a breach
    level: str = Field(default="warning", max_length=16)  # info | warning | critical
    recipients: str = Field(default="", max_length=400)  # logins, comma-separated
    summary: str = Field(default="", max_length=300)  # what it is about, as stored then
    snoozed_until: datetime | None = Field(default=None, sa_column=_instant())


class AlertTimer(SQLModel, table=True):
    """The next alert moment of one subject's target, so a sweep reads only what is due.

    Kept by the use cases whenever a subject changes (a ticket's deadlines move) and
    advanced by the sweep after each claim.
    """

    __tablename__ = "alert_timers"
    __table_args__ = (UniqueConstraint("subject", "target"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=64)
    target: str = Field(max_length=32)
    ticket_id: int | None = Field(default=None, foreign_key="tickets.id", index=True)
    next_at: datetime | None = Field(default=None, sa_column=_instant(index=True))
    fired_upto: datetime | None = Field(default=None, sa_column=_instant())
    acked_due_at: datetime | None = Field(default=None, sa_column=_instant())


_shift_version = _version()


class Shift(SQLModel, table=True):
    """One engineer on duty (值班) from `starts_at` to `ends_at`, in one role."""

    __tablename__ = "shifts"
    __mapper_args__ = {"version_id_col": _shift_version}
    __table_args__ = (Index("ix_shifts_period", "starts_at", "ends_at"),)

    id: int | None = Field(default=None, primary_key=True)
    engineer_id: int = Field(foreign_key="engineers.id", index=True)
    role: str = Field(max_length=16)  # primary | backup | manager
    starts_at: datetime = Field(sa_column=_instant(nullable=False))
    ends_at: datetime = Field(sa_column=_instant(nullable=False))
    handover: str = Field(default="", sa_column=_text())
    created_by: str = Field(default="", max_length=64)
    version: int | None = Field(default=None, sa_column=_shift_version)


_plan_version = _version()


class TrainingPlan(SQLModel, table=True):
    """A customer's training programme (项目培训计划), usually under a contract."""

    __tablename__ = "training_plans"
    __mapper_args__ = {"version_id_col": _plan_version}

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    contract_id: int | None = Field(default=None, foreign_key="contracts.id")
    title: str = Field(max_length=TITLE_MAX)
    notes: str = Field(default="", sa_column=_text())
    version: int | None = Field(default=None, sa_column=_plan_version)


_session_version = _version()


class TrainingSession(SQLModel, table=True):
    __tablename__ = "training_sessions"
    __mapper_args__ = {"version_id_col": _session_version}
    __table_args__ = (Index("ix_training_sessions_period", "start_at", "end_at"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="training_plans.id", index=True)
    title: str = Field(max_length=TITLE_MAX)
    category: str = Field(max_length=16)  # domain.training.Category
    audience: str = Field(max_length=16)  # domain.training.Audience
    trainee_count: int = 0
    trainees: str = Field(default="", sa_column=_text())  # names, one per line
    trainers: str = Field(max_length=300)  # engineer logins, comma-separated
    mode: str = Field(default="classroom", max_length=16)
    place: str = Field(default="", max_length=300)  # a room, or a link for remote sessions
    start_at: datetime = Field(sa_column=_instant(nullable=False))
    end_at: datetime = Field(sa_column=_instant(nullable=False))
    status: str = Field(default="proposed", max_length=16)
    language: str = Field(default="zh", max_length=8)
    attended: int | None = None
    feedback: float | None = None  # average score 1-5
    feedback_notes: str = Field(default="", sa_column=_text())
    uid: str = Field(sa_column=Column(String(255), nullable=False, unique=True))  # iCalendar
    version: int | None = Field(default=None, sa_column=_session_version)


_material_version = _version()


class TrainingMaterial(SQLModel, table=True):
    """Course material (培训资料), on paper or electronic, due 3 days before the session."""

    __tablename__ = "training_materials"
    __mapper_args__ = {"version_id_col": _material_version}

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="training_sessions.id", index=True)
    title: str = Field(max_length=TITLE_MAX)
    medium: str = Field(max_length=16)  # paper | electronic
    ready: bool = False
    ready_at: datetime | None = Field(default=None, sa_column=_instant())
    version: int | None = Field(default=None, sa_column=_material_version)


_server_version = _version()


class Server(SQLModel, table=True):
    """A customer's server the desk watches (技术维保服务); vendor-operated ones (乙方运维)
    get the full monitoring service."""

    __tablename__ = "servers"
    __mapper_args__ = {"version_id_col": _server_version}
    __table_args__ = (UniqueConstraint("customer_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    contract_id: int | None = Field(default=None, foreign_key="contracts.id")
    name: str = Field(max_length=NAME_MAX)
    address: str = Field(default="", max_length=200)
    role: str = Field(default="", max_length=80)  # e.g. 数据库主库, 应用服务器
    vendor_operated: bool = False
    prometheus_instance: str = Field(default="", max_length=200)  # the `instance` label
    exporter_url: str = Field(default="", max_length=300)  # direct node_exporter scraping
    cpu_critical: int = 95  # percent
    memory_critical: int = 95
    disk_critical: int = 95
    capacity_warn_days: int = 30  # flag a disk whose trend says full sooner than this
    updates_pending: int | None = None  # entered by hand where no apt collector reports
    security_updates_pending: int | None = None
    active: bool = True
    version: int | None = Field(default=None, sa_column=_server_version)


_cloud_version = _version()


class CloudResource(SQLModel, table=True):
    """Something the customer rents that must be renewed in time (云续费): a cloud server,
    a database, bandwidth, a domain, a certificate."""

    __tablename__ = "cloud_resources"
    __mapper_args__ = {"version_id_col": _cloud_version}

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    server_id: int | None = Field(default=None, foreign_key="servers.id")
    kind: str = Field(max_length=40)
    name: str = Field(max_length=NAME_MAX)
    provider: str = Field(default="", max_length=80)
    expires_on: date
    auto_renew: bool = False
    notes: str = Field(default="", sa_column=_text())
    version: int | None = Field(default=None, sa_column=_cloud_version)


_backup_plan_version = _version()


class BackupPlan(SQLModel, table=True):
    """A customer system's backup plan (备份方案): what, where, how often, how long kept,
    and when it last worked and was last proved by a restore."""

    __tablename__ = "backup_plans"
    __mapper_args__ = {"version_id_col": _backup_plan_version}

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    system: str = Field(max_length=NAME_MAX)  # e.g. HIS 数据库
    what: str = Field(default="", max_length=300)  # e.g. 全量 + binlog
    location: str = Field(default="", max_length=300)  # e.g. OSS 杭州 bucket his-backup
    interval_hours: int = 24
    retention_days: int = 30
    created_at: datetime = Field(sa_column=_instant(nullable=False))
    last_success_at: datetime | None = Field(default=None, sa_column=_instant())
    last_verified_at: datetime | None = Field(default=None, sa_column=_instant())
    version: int | None = Field(default=None, sa_column=_backup_plan_version)


class HealthSample(SQLModel, table=True):
    """One collection round's look at one server: the history behind sparklines, peaks
    and the capacity trend. Written by the collector only; old rows are pruned."""

    __tablename__ = "health_samples"
    __table_args__ = (Index("ix_health_samples_server_at", "server_id", "collected_at"),)

    id: int | None = Field(default=None, primary_key=True)
    server_id: int = Field(foreign_key="servers.id")
    collected_at: datetime = Field(sa_column=_instant(nullable=False, index=True))
    source: str = Field(max_length=16)  # prometheus | scrape | local
    up: bool | None = None
    cpu_percent: float | None = None
    memory_percent: float | None = None
    load1: float | None = None
    uptime_seconds: float | None = None
    net_in_bps: float | None = None
    net_out_bps: float | None = None
    net_in_peak_1h: float | None = None
    net_out_peak_1h: float | None = None
    net_in_peak_24h: float | None = None
    net_out_peak_24h: float | None = None
    disk_max_percent: float | None = None  # the fullest disk, for the trend at a glance
    apt_upgrades_pending: int | None = None
    apt_security_pending: int | None = None
    disks: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    services: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    findings: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    problems: str = Field(default="", sa_column=_text())


class HealthIncident(SQLModel, table=True):
    """A finding that persists across rounds (kind + subject on one server), from the
    round it was first seen until the round it cleared: the alert's subject and, once
    sustained and critical, the one monitoring ticket it opens."""

    __tablename__ = "health_incidents"
    __table_args__ = (Index("ix_health_incidents_open", "server_id", "cleared_at"),)

    id: int | None = Field(default=None, primary_key=True)
    server_id: int = Field(foreign_key="servers.id")
    kind: str = Field(max_length=16)  # down | cpu | memory | disk | service
    subject: str = Field(max_length=200)  # the instance, a mount point or a unit
    level: str = Field(max_length=16)  # warning | critical (the worst seen)
    detail: str = Field(default="", max_length=300)
    first_seen_at: datetime = Field(sa_column=_instant(nullable=False))
    last_seen_at: datetime = Field(sa_column=_instant(nullable=False))
    # The round it was first critical (None: a warning so far): when it alerts.
    critical_since: datetime | None = Field(default=None, sa_column=_instant())
    rounds: int = 1  # consecutive rounds it was found in
    cleared_at: datetime | None = Field(default=None, sa_column=_instant())
    ticket_id: int | None = Field(default=None, foreign_key="tickets.id")


class JobLease(SQLModel, table=True):
    """Who runs a periodic job that must run in one process at a time (health
    collection): held until `expires_at`, renewed by its holder each round, taken over
    by another process once it has lapsed."""

    __tablename__ = "job_leases"

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=128)
    expires_at: datetime = Field(sa_column=_instant(nullable=False))


_recovery_plan_version = _version()


class RecoveryPlan(SQLModel, table=True):
    """A customer system's disaster-recovery plan (灾难恢复预案): the steps, the objectives
    (RTO/RPO), who to call, and when it was last rehearsed."""

    __tablename__ = "recovery_plans"
    __mapper_args__ = {"version_id_col": _recovery_plan_version}
    __table_args__ = (UniqueConstraint("customer_id", "system"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    system: str = Field(max_length=NAME_MAX)
    rto_minutes: int  # recovery time objective
    rpo_minutes: int  # recovery point objective
    steps: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    contacts: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    drill_interval_days: int = 180
    created_at: datetime = Field(sa_column=_instant(nullable=False))
    last_drill_on: date | None = None
    last_drill_notes: str = Field(default="", sa_column=_text())
    version: int | None = Field(default=None, sa_column=_recovery_plan_version)


class PatchRecord(SQLModel, table=True):
    """A patch or upgrade applied to a server (补丁记录, 定期服务)."""

    __tablename__ = "patch_records"

    id: int | None = Field(default=None, primary_key=True)
    server_id: int = Field(foreign_key="servers.id", index=True)
    applied_at: datetime = Field(sa_column=_instant(nullable=False))
    applied_by: str = Field(max_length=64)
    packages: str = Field(default="", sa_column=_text())
    description: str = Field(default="", sa_column=_text())
    security: bool = False
    reboot_required: bool = False
    ticket_id: int | None = Field(default=None, foreign_key="tickets.id")


_visit_version = _version()


class ReturnVisit(SQLModel, table=True):
    """A return visit (回访) to a customer: scheduled every few months, or after a closed
    urgent or serious ticket; done with a satisfaction score, notes, and the needs found."""

    __tablename__ = "return_visits"
    __mapper_args__ = {"version_id_col": _visit_version}
    __table_args__ = (Index("ix_return_visits_due", "status", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    ticket_id: int | None = Field(default=None, foreign_key="tickets.id")  # what prompted it
    reason: str = Field(max_length=16)  # scheduled | after_ticket | ad_hoc
    # What the scheduler planned this visit for, so it is never planned twice.
    schedule_key: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    due_on: date
    status: str = Field(default="planned", max_length=16)  # planned | done | cancelled
    visitor: str = Field(default="", max_length=64)  # an engineer's login
    method: str = Field(default="phone", max_length=16)  # phone | onsite | email
    done_at: datetime | None = Field(default=None, sa_column=_instant())
    satisfaction: int | None = None  # 1-5
    notes: str = Field(default="", sa_column=_text())
    created_at: datetime = Field(sa_column=_instant(nullable=False))
    version: int | None = Field(default=None, sa_column=_visit_version)
