"""Real monitoring servers for the tests, on 127.0.0.1 at ports the tests choose:
prometheus-node-exporter, prometheus scraping it every second, and a fake HTTP server
that misbehaves on purpose.

The exporter runs a few collectors only (cpu, meminfo, loadavg, filesystem, netdev, stat,
time, textfile): the rest are slow or noisy in a container. Its textfile directory holds
`apt.prom` (what the apt textfile script writes) and `systemd.prom`: the systemd
collector needs a system bus that test machines rarely have, so the tests write the
series it would export (`node_systemd_unit_state{name=...,state=...}`) as a textfile.

With CI=true a missing binary fails the run; elsewhere the tests that need it skip.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

EXPORTER_NAMES = ("prometheus-node-exporter", "node_exporter")
PROMETHEUS_NAMES = ("prometheus",)
COLLECTORS = ("cpu", "meminfo", "loadavg", "filesystem", "netdev", "stat", "time", "textfile")
START_TIMEOUT = 60.0

APT_PROM = """\
# HELP apt_upgrades_pending Apt packages pending updates by origin.
# TYPE apt_upgrades_pending gauge
apt_upgrades_pending{arch="amd64",origin="Debian:bookworm-security/stable-security"} 2
apt_upgrades_pending{arch="amd64",origin="Debian:bookworm/stable"} 1
"""
SYSTEMD_PROM = """\
# HELP node_systemd_unit_state Systemd unit
# TYPE node_systemd_unit_state gauge
node_systemd_unit_state{name="nginx.service",state="active",type="simple"} 0
node_systemd_unit_state{name="nginx.service",state="failed",type="simple"} 1
node_systemd_unit_state{name="nginx.service",state="inactive",type="simple"} 0
node_systemd_unit_state{name="ssh.service",state="active",type="notify"} 1
node_systemd_unit_state{name="ssh.service",state="failed",type="notify"} 0
node_systemd_unit_state{name="ssh.service",state="inactive",type="notify"} 0
"""


def find_binary(names: Sequence[str]) -> str | None:
    for name in names:
        found = shutil.which(name) or shutil.which(name, path="/usr/bin:/usr/sbin:/usr/local/bin")
        if found:
            return found
    return None


def require_binary(names: Sequence[str]) -> str:
    """The binary's path; fails the test under CI=true, skips it elsewhere."""
    found = find_binary(names)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{names[0]} is missing: .ci/run should have installed it")
        pytest.skip(f"{names[0]} is not installed")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    """(status, body); (0, b"") when nothing answers. Only ever used on 127.0.0.1."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (OSError, ValueError):
        return 0, b""


def wait_until(event: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not event():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:g} s")
        time.sleep(0.1)


class _Server:
    """A child process with a log file; stopped by its own pid."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.port = free_port()
        self.log = folder / f"{name}.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _launch(self, argv: list[str]) -> None:
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )

    def _ready(self, probe: Callable[[], bool], what: str) -> None:
        def ready() -> bool:
            if self._process and self._process.poll() is not None:
                raise RuntimeError(f"{what} exited: {self.log.read_text(errors='replace')[-2000:]}")
            return probe()

        try:
            wait_until(ready, START_TIMEOUT, what)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=15)


class NodeExporter(_Server):
    def __init__(
        self, folder: Path, binary: str, collectors: Sequence[str] | None = COLLECTORS
    ) -> None:
        """`collectors=None`: the exporter's defaults, less systemd (see the module's
        docstring), as a production server's page would be."""
        super().__init__(folder, f"node-exporter-{id(self)}")
        self.binary = binary
        self.collectors = collectors
        self.textfiles = folder / f"textfiles-{self.port}"
        self.textfiles.mkdir(parents=True, exist_ok=True)

    @property
    def instance(self) -> str:
        return self.address

    @property
    def url(self) -> str:
        return f"http://{self.address}/metrics"

    def write_textfile(self, name: str, text: str) -> None:
        """Atomically, as the collector expects (it reads *.prom files only)."""
        scratch = self.textfiles / f".{name}.tmp"
        scratch.write_text(text, encoding="utf-8")
        scratch.replace(self.textfiles / name)

    def start(self) -> NodeExporter:
        if self.collectors is None:
            chosen = ["--no-collector.systemd"]
        else:
            chosen = ["--collector.disable-defaults", "--web.disable-exporter-metrics",
                      *(f"--collector.{name}" for name in self.collectors)]  # fmt: skip
        self._launch([
            self.binary,
            f"--web.listen-address={self.address}",
            *chosen,
            f"--collector.textfile.directory={self.textfiles}",
        ])  # fmt: skip
        self._ready(lambda: http_get(self.url)[0] == 200, "node exporter")
        return self


def fleet_config(exporter: str, names: Sequence[str], interval: str) -> str:
    """A scrape job whose targets are `names`, each scraped at `exporter` and labelled
    instance=NAME: many servers' worth of series from one real exporter."""
    targets = json.dumps(list(names))
    return f"""
  - job_name: fleet
    scrape_interval: {interval}
    scrape_timeout: {interval}
    static_configs:
      - targets: {targets}
    relabel_configs:
      - source_labels: [__address__]
        target_label: instance
      - target_label: __address__
        replacement: "{exporter}"
"""


class PrometheusServer(_Server):
    def __init__(self, folder: Path, binary: str, targets: Sequence[str], extra: str = "") -> None:
        super().__init__(folder, f"prometheus-{id(self)}")
        self.binary = binary
        self.data = folder / f"tsdb-{self.port}"
        self.config = folder / f"prometheus-{self.port}.yml"
        self.config.write_text(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
            "scrape_configs:\n  - job_name: node\n"
            f"    static_configs:\n      - targets: {json.dumps(list(targets))}\n" + extra,
            encoding="utf-8",
        )

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def start(self) -> PrometheusServer:
        self._launch([
            self.binary,
            f"--config.file={self.config}",
            f"--storage.tsdb.path={self.data}",
            f"--web.listen-address={self.address}",
            "--log.level=warn",
        ])  # fmt: skip
        self._ready(lambda: http_get(f"{self.url}/-/ready")[0] == 200, "prometheus")
        return self

    def query(self, promql: str) -> list[dict]:
        query = urllib.parse.urlencode({"query": promql})
        status, body = http_get(f"{self.url}/api/v1/query?{query}")
        if status != 200:
            return []
        return json.loads(body)["data"]["result"]

    def up(self, instance: str) -> float | None:
        found = self.query(f'up{{instance="{instance}"}}')
        return float(found[0]["value"][1]) if found else None

    def wait_for(self, event: Callable[[], bool], what: str, timeout: float = START_TIMEOUT):
        wait_until(event, timeout, what)


# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def monitoring_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-monitoring-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _exporter(folder: Path) -> Iterator[NodeExporter]:
    exporter = NodeExporter(folder, require_binary(EXPORTER_NAMES))
    exporter.write_textfile("apt.prom", APT_PROM)
    exporter.write_textfile("systemd.prom", SYSTEMD_PROM)
    exporter.start()
    try:
        yield exporter
    finally:
        exporter.stop()


@pytest.fixture(scope="session")
def node_exporter(monitoring_folder: Path) -> Iterator[NodeExporter]:
    """A running exporter with apt.prom (3 pending, 2 from security) and systemd.prom
    (nginx.service failed, ssh.service active)."""
    yield from _exporter(monitoring_folder)


@pytest.fixture(scope="session")
def spare_exporter(monitoring_folder: Path) -> Iterator[NodeExporter]:
    """A second exporter, also scraped by `prometheus`, that a test may stop."""
    yield from _exporter(monitoring_folder)


@pytest.fixture(scope="session")
def prometheus(
    monitoring_folder: Path, node_exporter: NodeExporter, spare_exporter: NodeExporter
) -> Iterator[PrometheusServer]:
    """Prometheus scraping both exporters every second; both are up when it is handed out."""
    server = PrometheusServer(
        monitoring_folder,
        require_binary(PROMETHEUS_NAMES),
        [node_exporter.instance, spare_exporter.instance],
    ).start()
    try:
        for exporter in (node_exporter, spare_exporter):
            server.wait_for(
                lambda e=exporter: server.up(e.instance) == 1, f"{exporter.instance} up"
            )
        yield server
    finally:
        server.stop()


# -- a fake server ------------------------------------------------------------------------

Behaviour = Callable[[Any], None]


class _RoomyServer(ThreadingHTTPServer):
    request_queue_size = 64  # PrometheusSource opens a connection per query at once


class FakeServer:
    """An HTTP server on 127.0.0.1 whose every answer is `behaviour(handler)`: a
    BaseHTTPRequestHandler with one more method, `reply(status, body)`."""

    def __init__(self) -> None:
        self.behaviour: Behaviour = lambda handler: handler.reply(200, b"")
        self.requests = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                fake.requests += 1
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    fake.behaviour(self)

            do_GET = do_POST = _any

            def reply(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = _RoomyServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.address = f"127.0.0.1:{self._server.server_port}"
        self.url = f"http://{self.address}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    with FakeServer() as server:
        yield server
