"""`helpdesk alerts|roster|engineer ...` on the demo database (made 2026-11-20, so by now
its tickets have alert moments behind them: the first sweep catches them up)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from helpdesk_tui.domain.alert_rules import LATE_AFTER

ALERT_KEYS = {
    "id", "ticket_id", "ticket_key", "target", "threshold", "due_at", "fired_at",
    "delivered_by", "acked_by", "acked_at", "late", "repeat", "level", "recipients",
}  # fmt: skip


@pytest.fixture
def swept(demo_db, cli):
    code, out, _ = cli("alerts", "sweep")
    assert code == 0 and "delivered" in out
    return demo_db


def _seconds_after_due(alert: dict) -> float:
    fired, due = (datetime.fromisoformat(alert[k]) for k in ("fired_at", "due_at"))
    return (fired - due).total_seconds()


def alerts(cli, *extra: str) -> list[dict]:
    code, out, err = cli("alerts", "list", "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_sweep_catches_up_once_and_lists_alerts_as_json(swept, cli):
    found = alerts(cli)
    assert found, "the demo's open tickets have moments behind them"
    assert set(found[0]) >= ALERT_KEYS
    # they fell due while nothing ran: late, unless due within the last minute (the demo was
    # built a while ago, and a deadline may have passed just before this sweep)
    assert all(a["late"] == (_seconds_after_due(a) > LATE_AFTER.total_seconds()) for a in found)
    assert sum(a["late"] for a in found) > len(found) / 2
    assert all(a["delivered_by"].startswith("sweep@") for a in found)
    assert [a["id"] for a in found] == sorted((a["id"] for a in found), reverse=True)
    keys = [(a["subject"], a["target"]) for a in found]
    assert len(keys) == len(set(keys)), "catch-up fires one alert per target, not one per moment"
    code, out, _ = cli("alerts", "sweep")
    assert (code, out.strip()) == (0, "0 alert(s) delivered")


def test_ack_moves_an_alert_out_of_the_active_list(swept, cli):
    first = alerts(cli)[0]
    code, out, _ = cli("alerts", "ack", str(first["id"]), "--json")
    acked = json.loads(out)
    assert code == 0 and acked["acked_by"] == "lina" and acked["acked_at"]
    assert first["id"] not in [a["id"] for a in alerts(cli)]
    assert first["id"] in [a["id"] for a in alerts(cli, "--state", "acked")]


@pytest.mark.parametrize(
    ("args", "code", "mentions"),
    [
        (("alerts", "ack", "999999"), 2, "no alert 999999"),
        (("alerts", "ack", "{acked}"), 2, "already"),
        (("alerts", "snooze", "{active}", "--minutes", "0"), 2, "snooze"),
        (("alerts", "snooze", "{active}", "--minutes", "5000"), 2, "snooze"),
        (("alerts", "list", "--state", "sleeping"), 2, "sleeping"),
        (("roster", "add", "lina", "--role", "boss", "--from", "2026-11-25T08:00",
          "--hours", "8"), 2, "boss"),
        (("roster", "add", "lina", "--role", "primary", "--from", "2026-11-25T08:00",
          "--hours", "0"), 2, "hours"),
        (("roster", "add", "lina", "--role", "primary", "--from", "2026-11-25T08:00",
          "--to", "2026-11-25T07:00"), 2, "end after"),
        (("roster", "add", "lina", "--role", "backup", "--from", "2026-11-25T10:00",
          "--hours", "2"), 2, "already on duty"),
        (("roster", "add", "nobody", "--role", "primary", "--from", "2026-11-26T08:00",
          "--hours", "8"), 2, "nobody"),
        (("roster", "add", "lina", "--role", "primary", "--from", "noon", "--hours", "8"),
         2, "--from"),
        (("engineer", "notify", "lina", "--via", "email,bad name"), 2, "bad name"),
    ],
)  # fmt: skip
def test_refused_commands_write_nothing(swept, cli, digest, args, code, mentions):
    active, acked = alerts(cli)[:2]
    assert cli("alerts", "ack", str(acked["id"])).code == 0
    assert cli("roster", "add", "lina", "--role", "primary", "--from", "2026-11-25T08:00",
               "--hours", "8").code == 0  # fmt: skip
    before = digest(swept)
    argv = [a.format(active=active["id"], acked=acked["id"]) for a in args]
    result = cli(*argv)
    assert result.code == code, result
    assert len(result.stderr.strip().splitlines()) == 1
    assert mentions.lower() in result.stderr.lower()
    assert digest(swept) == before


def test_roster_now_list_and_handover(demo_db, cli):
    assert cli("roster", "add", "lina", "--role", "主值班", "--from", "2000-01-01T00:00",
               "--hours", "100").code == 0  # fmt: skip
    code, out, _ = cli("roster", "add", "zhangwei", "--role", "manager", "--from",
                       "2026-11-20T00:00", "--hours", "168", "--json")  # fmt: skip
    shift = json.loads(out)
    assert code == 0 and shift["role"] == "manager" and shift["engineer"] == "zhangwei"
    assert cli("roster", "handover", str(shift["id"]), "机房空调告警，已报修").code == 0
    code, out, _ = cli("roster", "list", "--from", "2026-11-20T00:00", "--days", "3", "--json")
    listed = json.loads(out)
    assert [s["engineer"] for s in listed] == ["zhangwei"]
    assert listed[0]["handover"] == "机房空调告警，已报修"


def test_a_new_unassigned_ticket_goes_to_the_primary_on_duty(demo_db, cli):
    assert cli("roster", "add", "wangfang", "--role", "primary", "--from", "2020-01-01T00:00",
               "--hours", "168").code == 0  # fmt: skip
    code, out, _ = cli("ticket", "new", "--customer", "1", "--title", "无人指派",
                       "--severity", "minor", "--channel", "phone", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["assignee"] is None  # that shift is long over
    start = "2026-11-25T00:00+08:00"
    assert cli("roster", "add", "wangfang", "--role", "primary", "--from", start,
               "--hours", "24").code == 0  # fmt: skip
    code, out, _ = cli("ticket", "new", "--customer", "1", "--title", "值班工程师接单",
                       "--severity", "minor", "--channel", "phone", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["assignee"] == "wangfang"
