"""Servers and rented cloud resources of customers (技术维保服务): registering them, and
the renewal warnings (云续费预警) through the one alert mechanism."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from helpdesk_tui.domain import limits
from helpdesk_tui.domain.alert_rules import Moment, Schedule
from helpdesk_tui.domain.errors import InvalidInput, NotFound
from helpdesk_tui.domain.renewal import EXPIRED, WARN_DAYS, renewal_moments, target_for
from helpdesk_tui.domain.roster import DutyRole
from helpdesk_tui.services.alert_source import About, set_timers
from helpdesk_tui.services.audit import record
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer
from helpdesk_tui.services.roster import duty_now
from helpdesk_tui.store.models import CloudResource, Customer, Server

TARGETS = (*(target_for(days) for days in WARN_DAYS), EXPIRED)


def add_server(desk: Desk, customer: str, name: str, **fields: object) -> Server:
    name = limits.required_text(name, "server name", limits.NAME_MAX)
    for key in ("cpu_critical", "memory_critical", "disk_critical"):
        value = fields.get(key)
        if value is not None and not (isinstance(value, int) and 1 <= value <= 100):
            raise InvalidInput(f"{key.replace('_', ' ')}: expected a percentage from 1 to 100")
    given = {key: value for key, value in fields.items() if value is not None}
    with desk.store.write() as session:
        owner = find_customer(session, customer)
        if _server_named(session, owner.id, name) is not None:
            raise InvalidInput(f"{owner.name} has a server named {name!r} already")
        server = Server(customer_id=owner.id, name=name, **given)
        session.add(server)
        session.flush()
        record(session, desk, "server", server.id, "create", {"name": name, **given})
        return server


def remove_server(desk: Desk, server_id: int) -> Server:
    """Forget a server; its cloud resources stay, no longer tied to it."""
    with desk.store.write() as session:
        server = session.get(Server, server_id)
        if server is None:
            raise NotFound(f"no server {server_id}")
        session.execute(
            update(CloudResource).where(CloudResource.server_id == server_id).values(server_id=None)
        )
        session.delete(server)
        record(session, desk, "server", server_id, "delete", {"name": server.name})
        return server


def servers(session: Session, customer_id: int | None = None) -> list[tuple[Server, str]]:
    query = select(Server, Customer.name).join(Customer, Customer.id == Server.customer_id)
    if customer_id is not None:
        query = query.where(Server.customer_id == customer_id)
    return [(s, c) for s, c in session.execute(query.order_by(Customer.name, Server.name))]


def add_resource(
    desk: Desk, customer: str, kind: str, name: str, expires_on: date, **fields: object
) -> CloudResource:
    kind = limits.required_text(kind, "kind", 40)
    name = limits.required_text(name, "resource name", limits.NAME_MAX)
    with desk.store.write() as session:
        owner = find_customer(session, customer)
        resource = CloudResource(customer_id=owner.id, kind=kind, name=name,
                                 expires_on=expires_on, **fields)  # fmt: skip
        session.add(resource)
        session.flush()
        record(session, desk, "cloud_resource", resource.id, "create",
               {"name": name, "expires_on": expires_on.isoformat()})  # fmt: skip
        _sync(session, desk, resource)
        return resource


def renew(desk: Desk, resource_id: int, expires_on: date) -> CloudResource:
    with desk.store.write() as session:
        resource = session.get(CloudResource, resource_id)
        if resource is None:
            raise NotFound(f"no cloud resource {resource_id}")
        if expires_on <= resource.expires_on:
            raise InvalidInput(
                f"a renewal moves the expiry later than {resource.expires_on.isoformat()}"
            )
        before, resource.expires_on = resource.expires_on, expires_on
        record(session, desk, "cloud_resource", resource.id, "renew",
               {"from": before.isoformat(), "to": expires_on.isoformat()})  # fmt: skip
        _sync(session, desk, resource)
        return resource


def resources(session: Session, customer_id: int | None = None) -> list[CloudResource]:
    query = select(CloudResource)
    if customer_id is not None:
        query = query.where(CloudResource.customer_id == customer_id)
    return list(session.scalars(query.order_by(CloudResource.expires_on, CloudResource.id)))


def _sync(session: Session, desk: Desk, resource: CloudResource) -> None:
    set_timers(session, f"renewal:{resource.id}", renewal_schedules(resource, desk))


def renewal_schedules(resource: CloudResource, desk: Desk) -> dict[str, Schedule | None]:
    if resource.auto_renew:
        return dict.fromkeys(TARGETS)
    moments = renewal_moments(resource.expires_on, desk.zone)
    return {
        target: Schedule(target, (), at, None, "critical" if target == EXPIRED else "warning")
        for target, at in moments.items()
    }


def _server_named(session: Session, customer_id: int, name: str) -> Server | None:
    query = select(Server).where(Server.customer_id == customer_id, Server.name == name)
    return session.scalars(query).first()


class RenewalAlerts:
    """The alert source for cloud renewals (see services.alert_source): to the customer's
    account manager and the duty manager."""

    def schedule(
        self, session: Session, desk: Desk, subject_id: int, target: str
    ) -> Schedule | None:
        resource = session.get(CloudResource, subject_id)
        if resource is None:
            return None
        return renewal_schedules(resource, desk).get(target)

    def about(
        self, session: Session, desk: Desk, subject_id: int, moment: Moment, now: datetime
    ) -> About:
        resource = session.get(CloudResource, subject_id)
        assert resource is not None
        customer = session.get(Customer, resource.customer_id)
        people = [customer.account_manager] if customer and customer.account_manager else []
        people += duty_now(session, now)[DutyRole.MANAGER]
        summary = (f"续费 {customer.name if customer else '?'}: {resource.kind} {resource.name}"
                   f" {resource.expires_on.isoformat()}")  # fmt: skip
        return About(summary[:300], None, list(dict.fromkeys(people)))
