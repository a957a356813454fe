"""Checking the registered servers now: each through Prometheus (its `instance` label,
when a Prometheus is configured) or by scraping its node_exporter, then judged against
its own critical thresholds. Network I/O, so callers run it off any UI loop."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import select

from helpdesk_tui.domain.health import Finding, ServerHealth, Thresholds, evaluate
from helpdesk_tui.domain.monitoring_policy import SEED_MONITORING, MonitoringPolicy
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Customer, Server

if TYPE_CHECKING:
    from helpdesk_tui.monitoring.node_exporter import ScrapeSource

TIMEOUT = 5.0


@dataclass(frozen=True)
class ServerCheck:
    server_id: int
    name: str
    customer: str
    health: ServerHealth | None  # None: neither a Prometheus instance nor an exporter URL
    findings: tuple[Finding, ...]


def check_servers(
    desk: Desk,
    prometheus_url: str = "",
    customer_id: int | None = None,
    scraper: ScrapeSource | None = None,
    policy: MonitoringPolicy = SEED_MONITORING,
) -> list[ServerCheck]:
    """`scraper`: a source kept from round to round, whose remembered counters give the
    scraped servers their CPU and network rates; without one, a scraped server's rates
    are unknown (one scrape has nothing to compare with). `policy`: the warning levels."""
    listed = _active_servers(desk, customer_id)
    now = desk.now()
    healths = _through_prometheus(prometheus_url, listed, now) | _by_scraping(listed, now, scraper)
    return [_check(server, customer, healths.get(server.id or 0), policy)
            for server, customer in listed]  # fmt: skip


def _check(
    server: Server, customer: str, health: ServerHealth | None, policy: MonitoringPolicy
) -> ServerCheck:
    findings = tuple(evaluate(health, _thresholds(server, policy))) if health else ()
    return ServerCheck(server.id or 0, server.name, customer, health, findings)


def _active_servers(desk: Desk, customer_id: int | None) -> list[tuple[Server, str]]:
    query = (
        select(Server, Customer.name)
        .join(Customer, Customer.id == Server.customer_id)
        .where(Server.active.is_(True))
        .order_by(Customer.name, Server.name)
    )
    if customer_id is not None:
        query = query.where(Server.customer_id == customer_id)
    with desk.store.read() as session:
        return [(server, name) for server, name in session.execute(query)]


def _through_prometheus(url: str, listed, now) -> dict[int, ServerHealth]:
    chosen = {s.id: s.prometheus_instance for s, _ in listed if url and s.prometheus_instance}
    if not chosen:
        return {}
    from helpdesk_tui.monitoring.prometheus import PrometheusSource

    with PrometheusSource(url, timeout=TIMEOUT) as source:
        found = source.collect(list(chosen.values()), now)
    return {server_id: found[instance] for server_id, instance in chosen.items()}


def _by_scraping(listed, now, scraper: ScrapeSource | None) -> dict[int, ServerHealth]:
    # The key names the URL too: counters remembered for one page never meet another's.
    chosen = {
        f"server-{s.id}@{s.exporter_url}": (s.id, s.exporter_url)
        for s, _ in listed
        if s.exporter_url and not s.prometheus_instance
    }
    if not chosen:
        return {}
    urls = {key: url for key, (_, url) in chosen.items()}
    if scraper is not None:
        scraper.set_urls(urls)
        found = scraper.collect(list(chosen), now)
    else:
        from helpdesk_tui.monitoring.node_exporter import ScrapeSource

        with ScrapeSource(timeout=TIMEOUT, urls=urls) as source:
            found = source.collect(list(chosen), now)
    return {server_id: _named(found[key], f"server-{server_id}")
            for key, (server_id, _) in chosen.items()}  # fmt: skip


def _named(health: ServerHealth, instance: str) -> ServerHealth:
    return replace(health, instance=instance)


def _thresholds(server: Server, policy: MonitoringPolicy) -> Thresholds:
    """The policy's warning levels under the server's own critical ones."""
    return Thresholds(
        cpu_warn=min(policy.cpu_warn, server.cpu_critical - 1),
        cpu_crit=server.cpu_critical,
        memory_warn=min(policy.memory_warn, server.memory_critical - 1),
        memory_crit=server.memory_critical,
        disk_warn=min(policy.disk_warn, server.disk_critical - 1),
        disk_crit=server.disk_critical,
    )
