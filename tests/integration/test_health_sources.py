"""The health sources against real servers on 127.0.0.1: a node_exporter, a Prometheus that
scrapes it every second, and a fake server that misbehaves. The exporter runs on this very
machine, so what it reports must agree with psutil here."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import psutil
import pytest

from helpdesk_tui.domain.health import ServerHealth, ServiceState, Thresholds, evaluate
from helpdesk_tui.domain.monitoring_policy import SEED_MONITORING
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.monitoring.local import LocalSource
from helpdesk_tui.monitoring.node_exporter import ScrapeSource
from helpdesk_tui.monitoring.prometheus import PrometheusSource

if TYPE_CHECKING:
    from tests.integration.monitoring_servers import FakeServer, NodeExporter, PrometheusServer

# the fixtures: node_exporter, spare_exporter, prometheus, fake_server

pytestmark = pytest.mark.slow
WINDOW = 5  # seconds: the rate window these tests give PrometheusSource (scrapes every 1 s)


def now() -> datetime:
    return datetime.now(UTC)


def prometheus_source(server: PrometheusServer, **options) -> PrometheusSource:
    return PrometheusSource(server.url, rate_window=f"{WINDOW}s", peak_step="2s", **options)


def wait_for_full_window(server: PrometheusServer, instance: str) -> None:
    """Until Prometheus holds more than a rate window of this target's samples: a rate()
    over a window that is not full yet reads low."""
    count = f'count_over_time(up{{instance="{instance}"}}[{2 * WINDOW}s])'
    server.wait_for(
        lambda: any(float(r["value"][1]) >= WINDOW + 2 for r in server.query(count)),
        f"{WINDOW + 2} s of samples of {instance}",
    )


def root_disk_percent() -> float:
    usage = psutil.disk_usage("/")
    return 100 * usage.used / (usage.used + usage.free)


def assert_agrees_with_this_machine(got: ServerHealth, mine: ServerHealth) -> None:
    """`got` came through the exporter, `mine` from psutil over about the same seconds."""
    assert got.up is True
    assert got.memory_percent == pytest.approx(mine.memory_percent, abs=3)
    (root,) = [d for d in got.disks if d.mount == "/"]
    assert root.percent == pytest.approx(root_disk_percent(), abs=0.5)
    assert root.avail_bytes <= root.free_bytes <= root.size_bytes
    assert got.load1 == pytest.approx(mine.load1, abs=max(1.0, 0.5 * mine.load1))
    assert got.load5 is not None and got.load15 is not None
    assert got.uptime_seconds == pytest.approx(mine.uptime_seconds, abs=5)
    assert 0 <= got.cpu_percent <= 100
    assert got.cpu_percent == pytest.approx(mine.cpu_percent, abs=30)  # busy test machines
    assert got.net_in_bps >= 0 and got.net_out_bps >= 0
    assert got.apt_upgrades_pending == 3 and got.apt_security_pending == 2
    assert got.services == (ServiceState("nginx.service", "failed"),)


def local_over(seconds: float, then: Callable[[], ServerHealth]) -> tuple[ServerHealth, ...]:
    """psutil's view over the next `seconds`, and what `then()` says at their end."""
    local = LocalSource()
    local.collect(now())
    time.sleep(seconds)
    return local.collect(now()), then()


# -- real servers -------------------------------------------------------------------------


def test_prometheus_agrees_with_psutil(prometheus: PrometheusServer, node_exporter):
    wait_for_full_window(prometheus, node_exporter.instance)
    with prometheus_source(prometheus) as source:
        mine, found = local_over(WINDOW, lambda: source.collect([node_exporter.instance], now()))
    got = found[node_exporter.instance]
    assert got.source == "prometheus"
    assert got.problems == ()
    assert_agrees_with_this_machine(got, mine)


def test_prometheus_network_peaks(prometheus: PrometheusServer, node_exporter):
    wait_for_full_window(prometheus, node_exporter.instance)
    with prometheus_source(prometheus) as source:
        prometheus.wait_for(
            lambda: source.collect([node_exporter.instance], now())[
                node_exporter.instance].net_in_peak_1h is not None,
            "a peak step with a full rate window",
        )  # fmt: skip
        got = source.collect([node_exporter.instance], now())[node_exporter.instance]
    assert 0 <= got.net_in_peak_1h <= got.net_in_peak_24h
    assert 0 <= got.net_out_peak_1h <= got.net_out_peak_24h


def test_scraping_agrees_with_psutil(node_exporter: NodeExporter):
    with ScrapeSource(timeout=5) as source:
        first = source.collect([node_exporter.instance], now())[node_exporter.instance]
        mine, found = local_over(2, lambda: source.collect([node_exporter.instance], now()))
    assert first.cpu_percent is None and first.net_in_bps is None
    assert any(p.startswith("first sample") for p in first.problems)
    got = found[node_exporter.instance]
    assert got.source == "scrape"
    assert got.problems == ()
    assert_agrees_with_this_machine(got, mine)
    assert got.net_in_peak_1h == got.net_in_bps  # the only rate seen so far


def test_local_source_reads_this_machine():
    source = LocalSource(instance="console")
    first = source.collect(now())
    time.sleep(0.5)
    got = source.collect(now())
    assert first.cpu_percent is None and "first sample" in first.problems[0]
    assert (got.instance, got.up, got.source, got.problems) == ("console", True, "local", ())
    assert 0 <= got.cpu_percent <= 100
    assert got.uptime_seconds == pytest.approx(time.time() - psutil.boot_time(), abs=5)
    (root,) = [d for d in got.disks if d.mount == "/"]
    assert root.percent == pytest.approx(root_disk_percent(), abs=0.5)
    assert got.net_in_bps >= 0


def test_the_failed_unit_opens_a_serious_ticket(prometheus: PrometheusServer, node_exporter):
    with prometheus_source(prometheus) as source:
        got = source.collect([node_exporter.instance], now())[node_exporter.instance]
    (failed,) = [f for f in evaluate(got, Thresholds()) if f.kind == "service"]
    assert (failed.subject, failed.level) == ("nginx.service", "critical")
    assert SEED_MONITORING.ticket_severity(failed) == Severity.SERIOUS


def test_watched_units_are_reported_in_any_state(prometheus: PrometheusServer, node_exporter):
    with prometheus_source(prometheus, watched_units=r"ssh\.service") as source:
        got = source.collect([node_exporter.instance], now())[node_exporter.instance]
    assert got.services == (
        ServiceState("nginx.service", "failed"),
        ServiceState("ssh.service", "active"),
    )


def test_instance_names_are_matched_literally(prometheus: PrometheusServer, node_exporter):
    odd = ["127.0.0.1:.*", 'a"b\\c|.+', "web-1.example.com:9100"]
    with prometheus_source(prometheus) as source:
        found = source.collect([node_exporter.instance, *odd], now())
    assert found[node_exporter.instance].up is True
    for name in odd:
        assert found[name].up is None
        assert found[name].memory_percent is None
        assert found[name].problems == ("no `up` series: not a target of this Prometheus",)


def test_a_stopped_exporter_is_down(prometheus: PrometheusServer, spare_exporter: NodeExporter):
    instance = spare_exporter.instance
    spare_exporter.stop()
    with prometheus_source(prometheus) as source:
        prometheus.wait_for(lambda: source.collect([instance], now())[instance].up is False,
                            "Prometheus to notice")  # fmt: skip
        through_prometheus = source.collect([instance], now())[instance]
    with ScrapeSource(timeout=2) as scraper:
        scraped = scraper.collect([instance], now())[instance]
    for got in (through_prometheus, scraped):
        (finding,) = evaluate(got, Thresholds())
        assert (finding.kind, SEED_MONITORING.ticket_severity(finding)) == ("down", Severity.URGENT)
    assert through_prometheus.problems == ("down: Prometheus' latest scrape of it failed",)
    (problem,) = scraped.problems
    assert "connection refused" in problem.lower()


def test_an_unreachable_prometheus_is_one_clear_problem():
    with socket.socket() as bound:  # bound, never listening: connections are refused
        bound.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{bound.getsockname()[1]}"
        with PrometheusSource(f"http://{address}", timeout=1) as source:
            found = source.collect(["web-1:9100", "web-2:9100"], now())
    for got in found.values():
        assert got.up is None
        (problem,) = got.problems
        assert problem.startswith("Prometheus: cannot connect:")


# -- a misbehaving server -----------------------------------------------------------------

TIMEOUT = 0.5
# Reading 6 MB for each of a round's parallel queries can itself take longer than 0.5 s
# on a busy machine: the size cases get time enough that only the size limit can stop
# them.
ROOMY_TIMEOUT = 5.0
HUGE = 6 * 1024 * 1024  # above the 5 MB limit


def respond(status: int, body: bytes) -> Callable[[Any], None]:
    return lambda handler: handler.reply(status, body)


def slowly(handler: Any) -> None:
    time.sleep(TIMEOUT * 4)
    handler.reply(200, b"node_load1 1\n")


def dripping(handler: Any) -> None:
    """Headers at once, then a byte at a time: no single read ever times out."""
    handler.send_response(200)
    handler.end_headers()
    for _ in range(int(TIMEOUT * 4 / 0.05)):
        handler.wfile.write(b"#")
        handler.wfile.flush()
        time.sleep(0.05)


def huge(declared: bool) -> Callable[[Any], None]:
    def send(handler: Any) -> None:
        handler.send_response(200)
        if declared:
            handler.send_header("Content-Length", str(HUGE))
        handler.end_headers()
        block = b"# padding " + b"x" * 65_526 + b"\n"
        for _ in range(HUGE // len(block) + 1):
            handler.wfile.write(block)

    return send


MISBEHAVIOURS = {
    "garbage": (respond(200, b"\x00\xff{{{ not this"), "not JSON", "no node_exporter metrics"),
    "html": (respond(200, b"<html><body>It works!</body></html>"), "not JSON",
             "no node_exporter metrics"),
    "http 500": (respond(500, b"internal error"), "HTTP 500", "HTTP 500"),
    "slow": (slowly, f"no answer within {TIMEOUT:g} s", f"no answer within {TIMEOUT:g} s"),
    "dripping": (dripping, f"no whole answer within {TIMEOUT:g} s",
                 f"no whole answer within {TIMEOUT:g} s"),
    "huge": (huge(False), "answer larger than 5 MB", "answer larger than 5 MB"),
    "huge, declared": (huge(True), "answer larger than 5 MB", "answer larger than 5 MB"),
}  # fmt: skip


@pytest.mark.parametrize("name", MISBEHAVIOURS)
def test_prometheus_misbehaving(fake_server: FakeServer, name: str):
    behaviour, expected, _ = MISBEHAVIOURS[name]
    fake_server.behaviour = behaviour
    timeout = _timeout_for(name)
    began = time.monotonic()
    with PrometheusSource(fake_server.url, timeout=timeout) as source:
        found = source.collect(["web-1:9100", "web-2:9100"], now())
    assert time.monotonic() - began < 2 * timeout + 1.5
    for got in found.values():
        assert got.up is None and got.cpu_percent is None
        (problem,) = got.problems
        assert problem.startswith("Prometheus: ") and expected in problem


@pytest.mark.parametrize("name", MISBEHAVIOURS)
def test_scraping_misbehaving(fake_server: FakeServer, name: str):
    behaviour, _, expected = MISBEHAVIOURS[name]
    fake_server.behaviour = behaviour
    timeout = _timeout_for(name)
    began = time.monotonic()
    with ScrapeSource(timeout=timeout) as source:
        got = source.collect([fake_server.address], now())[fake_server.address]
    assert time.monotonic() - began < 2 * timeout + 1.5
    assert got.up is False
    (problem,) = got.problems
    assert expected in problem


def _timeout_for(name: str) -> float:
    return ROOMY_TIMEOUT if name.startswith("huge") else TIMEOUT


def prometheus_answer(status: int, answer_json: object) -> Callable:
    return respond(status, json.dumps(answer_json).encode())


@pytest.mark.parametrize(
    ("behaviour", "expected"),
    [
        (prometheus_answer(400, {"status": "error", "errorType": "bad_data",
                                 "error": "1:5: parse error:\nunexpected"}),
         "HTTP 400, bad_data: 1:5: parse error: unexpected"),
        (prometheus_answer(503, {"status": "error", "errorType": "unavailable", "error": "busy"}),
         "HTTP 503, unavailable: busy"),
        (prometheus_answer(200, {"status": "success",
                                 "data": {"resultType": "matrix", "result": []}}),
         "the answer is not an instant vector"),
        (prometheus_answer(200, {"status": "success",
                                 "data": {"resultType": "vector", "result": [{"metric": 5}]}}),
         "the answer is not an instant vector"),
        (prometheus_answer(200, {"status": "success"}), "the answer is not an instant vector"),
        (prometheus_answer(200, ["status", "success"]),
         "HTTP 200, and the answer is not a JSON object"),
    ],
)  # fmt: skip
def test_prometheus_odd_answers(fake_server: FakeServer, behaviour, expected):
    fake_server.behaviour = behaviour
    with PrometheusSource(fake_server.url, timeout=TIMEOUT) as source:
        (got,) = source.collect(["web-1:9100"], now()).values()
    (problem,) = got.problems
    assert problem == f"Prometheus: {expected}"


def test_prometheus_values_that_are_not_numbers(fake_server: FakeServer):
    def vector(handler: Any) -> None:
        result = [{"metric": {"instance": "web-1:9100"}, "value": [1.0, "NaN"]},
                  {"metric": {"instance": "web-2:9100"}, "value": [1.0, "nonsense"]}]  # fmt: skip
        body = {"status": "success", "data": {"resultType": "vector", "result": result}}
        handler.reply(200, json.dumps(body).encode())

    fake_server.behaviour = vector
    with PrometheusSource(fake_server.url, timeout=TIMEOUT) as source:
        found = source.collect(["web-1:9100", "web-2:9100"], now())
    for got in found.values():
        assert got.up is None and got.cpu_percent is None and got.load1 is None


# -- counters and pages seen by the scraper -----------------------------------------------


def exporter_page(idle: float, user: float, received: float, sent: float) -> bytes:
    return f"""# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{{cpu="0",mode="idle"}} {idle}
node_cpu_seconds_total{{cpu="0",mode="user"}} {user}
node_network_receive_bytes_total{{device="eth0"}} {received}
node_network_receive_bytes_total{{device="lo"}} 9e12
node_network_receive_bytes_total{{device="docker0"}} {received * 7}
node_network_transmit_bytes_total{{device="eth0"}} {sent}
node_memory_MemTotal_bytes 1000
node_memory_MemAvailable_bytes 250
node_load1 0.5
node_boot_time_seconds 1000
node_time_seconds 4600
node_filesystem_size_bytes{{device="/dev/sda1",fstype="ext4",mountpoint="/"}} 100
node_filesystem_free_bytes{{device="/dev/sda1",fstype="ext4",mountpoint="/"}} 40
node_filesystem_avail_bytes{{device="/dev/sda1",fstype="ext4",mountpoint="/"}} 35
node_filesystem_size_bytes{{device="tmpfs",fstype="tmpfs",mountpoint="/run"}} 100
""".encode()


def serve_pages(fake: FakeServer, pages: list[bytes]) -> None:
    def next_page(handler: Any) -> None:
        handler.reply(200, pages.pop(0))

    fake.behaviour = next_page


def test_scraped_counters_survive_a_reset(fake_server: FakeServer):
    serve_pages(fake_server, [
        exporter_page(idle=1000, user=500, received=10_000_000, sent=4_000_000),
        exporter_page(idle=10, user=10, received=3000, sent=1000),  # rebooted
        exporter_page(idle=20, user=30, received=6000, sent=1500),
    ])  # fmt: skip
    t0, step = now(), timedelta(seconds=10)
    with ScrapeSource(timeout=2, urls={"db-1": f"{fake_server.url}/metrics"}) as source:
        first, after_reset, later = (
            source.collect(["db-1"], t0 + n * step)["db-1"] for n in range(3)
        )
    assert first.cpu_percent is None
    assert after_reset.net_in_bps == 300.0  # 3000 bytes since the reset, in 10 s
    assert after_reset.net_out_bps == 100.0
    assert after_reset.cpu_percent == 50.0
    assert "counters went back since the previous sample (a restart?)" in after_reset.problems
    assert (later.net_in_bps, later.net_out_bps, later.problems) == (300.0, 50.0, ())
    assert later.cpu_percent == pytest.approx(100 * 20 / 30)
    assert later.net_in_peak_1h == 300.0
    # lo and docker0 are not the server's traffic; tmpfs is not a disk
    (disk,) = later.disks
    assert disk.percent == pytest.approx(100 * 60 / 95)
    assert (later.memory_percent, later.load1, later.uptime_seconds) == (75.0, 0.5, 3600.0)


def test_a_bad_line_costs_one_value(fake_server: FakeServer):
    page = exporter_page(idle=1, user=1, received=1, sent=1) + (
        b"node_load5 not-a-number\nnode_load15 NaN\nnode_load1{broken 3\n\x00\xff\n"
    )
    serve_pages(fake_server, [page])
    with ScrapeSource(timeout=2) as source:
        got = source.collect([fake_server.address], now())[fake_server.address]
    assert got.up is True
    assert (got.load1, got.load5, got.load15) == (0.5, None, None)
    assert got.memory_percent == 75.0
    assert any(p.startswith("2 unreadable lines skipped") for p in got.problems)


def test_scraped_page_with_missing_series(fake_server: FakeServer):
    serve_pages(fake_server, [b"node_load1 0.25\n"])
    with ScrapeSource(timeout=2) as source:
        got = source.collect([fake_server.address], now())[fake_server.address]
    assert got.up is True and got.load1 == 0.25
    assert got.problems[0] == "no series for CPU, memory, uptime, disks, network"
