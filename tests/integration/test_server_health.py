"""`helpdesk server health` against a real node_exporter and a real Prometheus."""

from __future__ import annotations

import json

import psutil


def checks(cli) -> dict[str, dict]:
    code, out, err = cli("server", "health", "--json")
    assert code == 0, err
    return {check["name"]: check for check in json.loads(out)}


def test_health_by_scraping_an_exporter(demo_db, cli, node_exporter):
    assert cli("server", "add", "1", "app-01", "--exporter-url", node_exporter.url).code == 0
    assert cli("server", "add", "1", "unmonitored").code == 0
    found = checks(cli)
    app = found["app-01"]
    assert app["up"] is True and app["source"] == "scrape"
    root = next(d for d in app["disks"] if d["mount"] == "/")
    assert abs(root["percent"] - psutil.disk_usage("/").percent) < 1.0
    assert abs(app["memory_percent"] - psutil.virtual_memory().percent) < 5.0
    assert app["apt_upgrades_pending"] == 3
    assert found["unmonitored"]["up"] is None and found["unmonitored"]["problems"]


def test_a_failed_unit_and_a_low_threshold_become_findings(demo_db, cli, node_exporter):
    used = psutil.disk_usage("/").percent
    threshold = str(max(int(used) - 1, 1))
    assert cli("server", "add", "1", "tight", "--exporter-url", node_exporter.url,
               "--disk-critical", threshold).code == 0  # fmt: skip
    kinds = {(f["kind"], f["level"]) for f in checks(cli)["tight"]["findings"]}
    assert ("disk", "critical") in kinds
    assert ("service", "critical") in kinds  # nginx.service failed (the textfile)


def test_through_prometheus_and_a_stopped_exporter(
    demo_db, cli, prometheus, node_exporter, spare_exporter, monkeypatch
):
    monkeypatch.setenv("HELPDESK_PROMETHEUS_URL", prometheus.url)
    assert cli("server", "add", "1", "main", "--instance", node_exporter.instance).code == 0
    assert cli("server", "add", "1", "spare", "--instance", spare_exporter.instance).code == 0
    main = checks(cli)["main"]
    assert main["up"] is True and main["source"] == "prometheus"
    spare_exporter.stop()  # (another test may have stopped it already: stopping is idempotent)
    prometheus.wait_for(lambda: prometheus.up(spare_exporter.instance) == 0, "spare down")
    down = checks(cli)["spare"]
    assert down["up"] is False and down["source"] == "prometheus"
    assert [f["kind"] for f in down["findings"]] == ["down"]
