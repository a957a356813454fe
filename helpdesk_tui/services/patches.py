"""Patches applied to customers' servers (漏洞补丁, 定期服务) and the updates still pending.

Pending counts come from two places. The apt collector reports them in the health
samples; where no collector reports, an engineer enters them on the server by hand.
The collector's latest numbers win whenever there are any: they are measured, not typed.

A patch recorded with `clears_pending=True` says it applied everything that was pending:
the hand-entered counts go to 0. Any other patch leaves them as they were, security or
not: the desk cannot know which pending updates a list of packages covers. A collector's
numbers are never touched here; its next round tells.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from helpdesk_tui.domain import limits
from helpdesk_tui.domain.errors import Conflict, InvalidInput, NotFound
from helpdesk_tui.services.audit import record
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer
from helpdesk_tui.services.tickets import load_ticket
from helpdesk_tui.store.models import (
    AuditEntry,
    Customer,
    HealthSample,
    PatchRecord,
    Server,
    ticket_key,
)

PACKAGES_MAX = 2000
DESCRIPTION_MAX = 4000
PENDING_MAX = 100_000


@dataclass(frozen=True)
class PatchRow:
    patch: PatchRecord
    server: str
    customer: str
    ticket: str | None  # its key, T-000123


@dataclass(frozen=True)
class Pending:
    """A server's pending updates and where the numbers come from."""

    server_id: int
    server: str
    customer: str
    updates: int | None
    security: int | None
    source: str  # collector | entered | unknown
    collector: str | None  # the sample's source (prometheus, scrape, local) when collected
    as_of: datetime | None  # when collected, or when last entered
    version: int | None = None  # the server's, for set_pending(expected_version=...)


def find_server(session: Session, server: str, customer: str | None = None) -> Server:
    """By name within the customer, or by a name only one customer's server has."""
    name = limits.required_text(server, "server", limits.NAME_MAX)
    query = select(Server).where(Server.name == name)
    if customer:
        query = query.where(Server.customer_id == find_customer(session, customer).id)
    found = list(session.scalars(query.limit(2)))
    if not found:
        raise NotFound(f"no server named {name!r}" + (f" for {customer!r}" if customer else ""))
    if len(found) > 1:
        raise InvalidInput(f"several customers have a server named {name!r}: give --customer")
    return found[0]


def record_patch(
    desk: Desk, server: str, packages: str, *, customer: str | None = None,
    description: str = "", security: bool = False, reboot_required: bool = False,
    at: datetime | None = None, ticket: str | None = None, clears_pending: bool = False,
) -> PatchRecord:  # fmt: skip
    packages = limits.required_text(packages, "packages", PACKAGES_MAX)
    description = limits.bounded_text(description, "description", DESCRIPTION_MAX)
    when = _applied_at(desk, at)
    with desk.store.write() as session:
        target = find_server(session, server, customer)
        ticket_id = _ticket_of(session, ticket, target) if ticket else None
        patch = PatchRecord(server_id=target.id, applied_at=when, applied_by=desk.actor,
                            packages=packages, description=description, security=security,
                            reboot_required=reboot_required, ticket_id=ticket_id)  # fmt: skip
        session.add(patch)
        session.flush()
        record(session, desk, "patch", patch.id, "create",
               {"server_id": target.id, "packages": packages, "security": security,
                "at": when.isoformat(), "clears_pending": clears_pending})  # fmt: skip
        if clears_pending:
            _enter_pending(session, desk, target, 0, 0, f"patch {patch.id}")
        return patch


def list_patches(
    session: Session, *, server_id: int | None = None, customer_id: int | None = None,
    since: datetime | None = None,
) -> list[PatchRow]:  # fmt: skip
    """Newest first."""
    query = _patch_rows()
    if server_id is not None:
        query = query.where(PatchRecord.server_id == server_id)
    if customer_id is not None:
        query = query.where(Server.customer_id == customer_id)
    if since is not None:
        query = query.where(PatchRecord.applied_at >= since)
    order = (PatchRecord.applied_at.desc(), PatchRecord.id.desc())
    return [_as_row(*row) for row in session.execute(query.order_by(*order))]


def get_patch(session: Session, patch_id: int) -> PatchRow:
    found = session.execute(_patch_rows().where(PatchRecord.id == patch_id)).first()
    if found is None:
        raise NotFound(f"no patch {patch_id}")
    return _as_row(*found)


def _patch_rows() -> Select:
    return (
        select(PatchRecord, Server.name, Customer.name)
        .join(Server, Server.id == PatchRecord.server_id)
        .join(Customer, Customer.id == Server.customer_id)
    )


def _as_row(patch: PatchRecord, server: str, customer: str) -> PatchRow:
    return PatchRow(
        patch, server, customer, ticket_key(patch.ticket_id) if patch.ticket_id else None
    )


def set_pending(
    desk: Desk, server: str, updates: int | None, security: int | None, *,
    customer: str | None = None, expected_version: int | None = None,
) -> Server:  # fmt: skip
    """Enter the pending counts by hand (both None: forget them)."""
    _check_pending(updates, security)
    try:
        with desk.store.write() as session:
            target = find_server(session, server, customer)
            if expected_version is not None and target.version != expected_version:
                raise Conflict(f"server {target.name} was changed meanwhile "
                               f"(now version {target.version}): reload and try again")  # fmt: skip
            _enter_pending(session, desk, target, updates, security, "entered")
            return target
    except StaleDataError:
        raise Conflict(f"server {server} was changed meanwhile: reload") from None


def pending_updates(session: Session, customer_id: int | None = None) -> list[Pending]:
    """Every active server's pending updates: the collector's latest numbers when there
    are any, else the numbers entered by hand, else unknown."""
    query = select(Server, Customer.name).join(Customer, Customer.id == Server.customer_id)
    query = query.where(Server.active.is_(True))
    if customer_id is not None:
        query = query.where(Server.customer_id == customer_id)
    servers = list(session.execute(query.order_by(Customer.name, Server.name)))
    samples = _latest_apt_samples(session)
    entered_at = _last_entered(session)
    return [
        _pending_of(server, customer, samples.get(server.id or 0), entered_at.get(server.id or 0))
        for server, customer in servers
    ]


def _pending_of(
    server: Server, customer: str, sample: HealthSample | None, entered_at: datetime | None
) -> Pending:
    base = {"server_id": server.id or 0, "server": server.name, "customer": customer,
            "version": server.version}  # fmt: skip
    if sample is not None:
        return Pending(**base, updates=sample.apt_upgrades_pending,
                       security=sample.apt_security_pending, source="collector",
                       collector=sample.source, as_of=sample.collected_at)  # fmt: skip
    if server.updates_pending is not None or server.security_updates_pending is not None:
        return Pending(**base, updates=server.updates_pending,
                       security=server.security_updates_pending, source="entered",
                       collector=None, as_of=entered_at)  # fmt: skip
    return Pending(**base, updates=None, security=None, source="unknown", collector=None,
                   as_of=None)  # fmt: skip


def _latest_apt_samples(session: Session) -> dict[int, HealthSample]:
    reported = HealthSample.apt_upgrades_pending.is_not(None)
    latest = (
        select(HealthSample.server_id, func.max(HealthSample.collected_at).label("at"))
        .where(reported)
        .group_by(HealthSample.server_id)
        .subquery()
    )
    query = select(HealthSample).join(
        latest,
        and_(
            HealthSample.server_id == latest.c.server_id, HealthSample.collected_at == latest.c.at
        ),
    )
    return {sample.server_id: sample for sample in session.scalars(query.where(reported))}


def _last_entered(session: Session) -> dict[int, datetime]:
    query = (
        select(AuditEntry.entity_id, func.max(AuditEntry.at))
        .where(AuditEntry.entity == "server", AuditEntry.action == "pending")
        .group_by(AuditEntry.entity_id)
    )
    return {server_id: at for server_id, at in session.execute(query)}


def _enter_pending(
    session: Session, desk: Desk, server: Server, updates: int | None, security: int | None,
    why: str,
) -> None:  # fmt: skip
    before = {"updates": server.updates_pending, "security": server.security_updates_pending}
    server.updates_pending, server.security_updates_pending = updates, security
    after = {"updates": updates, "security": security}
    record(session, desk, "server", server.id, "pending", {"from": before, "to": after, "by": why})


def _check_pending(updates: int | None, security: int | None) -> None:
    if (updates is None) != (security is None):
        raise InvalidInput("give both counts (updates and security), or neither to forget them")
    if updates is None or security is None:
        return
    if not (0 <= updates <= PENDING_MAX and 0 <= security <= PENDING_MAX):
        raise InvalidInput(f"pending counts: expected 0 to {PENDING_MAX}")
    if security > updates:
        raise InvalidInput("security updates are some of the updates: at most as many")


def _applied_at(desk: Desk, at: datetime | None) -> datetime:
    when = at or desk.now()
    if when.tzinfo is None:
        raise InvalidInput("--at needs a time zone")
    if when > desk.now():
        raise InvalidInput(f"{when.isoformat()} is in the future")
    return when


def _ticket_of(session: Session, ref: str, server: Server) -> int:
    ticket = load_ticket(session, ref)
    if ticket.customer_id != server.customer_id:
        raise InvalidInput(f"{ticket.key} is another customer's ticket")
    assert ticket.id is not None
    return ticket.id
