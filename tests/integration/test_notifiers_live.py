"""Notifiers against real servers on 127.0.0.1: an HTTP server answering like each chat
robot, an aiosmtpd mail server, a closed port, and plyer's way to the desktop."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import logging
import os
import socket
import stat
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope

from helpdesk_tui.alerts.notifiers import (
    Delivery,
    DesktopNotifier,
    Notification,
    Recipient,
    SmtpNotifier,
    TerminalNotifier,
    WebhookNotifier,
    deliver,
)
from helpdesk_tui.alerts.notifiers.message import LOGGER_NAME
from helpdesk_tui.alerts.notifiers.settings import SmtpSettings, WebhookSettings

TOKEN = "tok-9d41c7aa"
SECRET = "SEC-live-0123456789"
NOW = 1_767_225_600.5
WAIT = 10.0  # seconds: an upper bound for an event that should come at once

ALERT = Notification(
    alert_id=31,
    title="T-000123 紧急 response 75% used, due 14:00",
    body="客户: 华东电网\n故障: 主站通信中断",
    urgency="critical",
    recipients=(
        Recipient("wang", "王工", email="wang@example.com", phone="13800000001"),
        Recipient("li", "李工"),  # no address: skipped by mail
        Recipient("zhao", "Zhao, Lei", email="zhao@example.com"),
    ),
    link="T-000123",
)

# path -> (status, JSON answer); every robot URL carries the token in its query string
ANSWERS = {
    "/dingtalk": (200, {"errcode": 0, "errmsg": "ok"}),
    "/dingtalk-refuses": (200, {"errcode": 310000, "errmsg": "sign not match"}),
    "/wecom": (200, {"errcode": 0, "errmsg": "ok"}),
    "/wecom-refuses": (200, {"errcode": 93000, "errmsg": "invalid webhook url"}),
    "/feishu": (200, {"code": 0, "msg": "success", "data": {}}),
    "/feishu-refuses": (200, {"code": 19021, "msg": "sign match fail or timestamp is expired"}),
    "/json": (204, None),
    "/broken": (500, {"error": "internal"}),
}


@dataclass(frozen=True)
class Posted:
    path: str
    query: dict[str, list[str]]
    content_type: str
    payload: object


class Robots:
    def __init__(self) -> None:
        self.posted: list[Posted] = []
        self.release_slow = threading.Event()
        self.base = ""

    def url(self, path: str) -> str:
        return f"{self.base}{path}?access_token={TOKEN}"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the environment must not carry loopback requests anywhere else."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)


@pytest.fixture
def robots() -> Iterator[Robots]:
    state = Robots()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length", 0))
            payload = json.loads(self.rfile.read(length))
            state.posted.append(
                Posted(parts.path, parse_qs(parts.query), self.headers["Content-Type"], payload)
            )
            if parts.path == "/slow":
                state.release_slow.wait(WAIT)
            status, answer = ANSWERS.get(parts.path, (200, {"errcode": 0}))
            body = json.dumps(answer).encode() if answer is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # BaseHTTPRequestHandler would write every request to stderr

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    state.release_slow.set()
    server.shutdown()
    server.server_close()
    thread.join(WAIT)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def webhook(kind: str, url: str, **settings: object) -> WebhookNotifier:
    return WebhookNotifier(WebhookSettings(kind=kind, url=url, **settings), now=lambda: NOW)


@pytest.fixture(autouse=True)
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog
    assert TOKEN not in caplog.text
    assert SECRET not in caplog.text


def test_dingtalk_robot_receives_signed_markdown(robots: Robots):
    delivery = webhook("dingtalk", robots.url("/dingtalk"), secret=SECRET).send(ALERT)
    assert delivery == Delivery("webhook:dingtalk", ok=True)
    (posted,) = robots.posted
    assert posted.content_type == "application/json"
    assert posted.query["access_token"] == [TOKEN]
    timestamp = posted.query["timestamp"][0]
    assert timestamp == "1767225600500"
    digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256)
    assert posted.query["sign"] == [base64.b64encode(digest.digest()).decode()]
    assert posted.payload["msgtype"] == "markdown"
    assert "主站通信中断" in posted.payload["markdown"]["text"]
    assert posted.payload["at"] == {"atMobiles": ["13800000001"], "isAtAll": False}


def test_feishu_bot_receives_signed_text(robots: Robots):
    assert webhook("feishu", robots.url("/feishu"), secret=SECRET).send(ALERT).ok
    (posted,) = robots.posted
    assert posted.payload["timestamp"] == "1767225600"
    digest = hmac.new(f"1767225600\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    assert posted.payload["sign"] == base64.b64encode(digest).decode()
    assert posted.payload["content"]["text"].startswith("T-000123 紧急 response 75%")


def test_wecom_robot_receives_mentions(robots: Robots):
    assert webhook("wecom", robots.url("/wecom")).send(ALERT).ok
    (posted,) = robots.posted
    assert posted.payload["msgtype"] == "text"
    assert posted.payload["text"]["mentioned_mobile_list"] == ["13800000001"]


def test_json_endpoint_receives_the_alert_and_204_is_success(robots: Robots):
    assert webhook("json", robots.url("/json")).send(ALERT).ok
    (posted,) = robots.posted
    assert posted.payload["alert_id"] == 31
    assert posted.payload["urgency"] == "critical"
    assert [r["login"] for r in posted.payload["recipients"]] == ["wang", "li", "zhao"]


@pytest.mark.parametrize(
    ("kind", "path", "detail"),
    [
        ("dingtalk", "/dingtalk-refuses", "error 310000: sign not match"),
        ("wecom", "/wecom-refuses", "error 93000: invalid webhook url"),
        ("feishu", "/feishu-refuses", "error 19021: sign match fail or timestamp is expired"),
        ("json", "/broken", "HTTP 500"),
        ("dingtalk", "/broken", "HTTP 500"),
    ],
)
def test_a_refusal_is_a_failed_delivery_and_logged(robots, caplog, kind, path, detail):
    delivery = webhook(kind, robots.url(path)).send(ALERT)
    assert (delivery.ok, delivery.detail) == (False, detail)
    assert len(robots.posted) == 1
    failures = [r for r in caplog.records if r.name == LOGGER_NAME and r.levelname == "WARNING"]
    assert [r.getMessage() for r in failures] == [f"alert 31 via webhook:{kind} failed: {detail}"]


def test_a_slow_robot_times_out(robots: Robots):
    delivery = webhook("dingtalk", robots.url("/slow"), timeout=0.3).send(ALERT)
    assert (delivery.ok, delivery.detail) == (False, "no answer within 0.3 s")
    assert [p.path for p in robots.posted] == ["/slow"]


def test_a_closed_port_is_a_failed_delivery():
    url = f"http://127.0.0.1:{closed_port()}/robot/send?access_token={TOKEN}"
    delivery = webhook("dingtalk", url, timeout=2).send(ALERT)
    assert not delivery.ok
    assert delivery.detail.startswith("ConnectError")


# --- mail ---------------------------------------------------------------------------


class LoopbackController(Controller):
    """aiosmtpd's Controller on port 0: learn the real port before it connects to itself."""

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class Mailbox:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"right-password", handled=False)


@pytest.fixture
def mail_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    controller = LoopbackController(
        mailbox,
        hostname="127.0.0.1",
        port=0,
        server_hostname="localhost",
        authenticator=mailbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield mailbox, controller.port
    controller.stop()


def smtp(port: int, **settings: object) -> SmtpNotifier:
    config = SmtpSettings(
        host="127.0.0.1", port=port, sender="helpdesk@example.com", timeout=5, **settings
    )
    return SmtpNotifier(config, local_hostname="localhost")


def test_mail_arrives_with_chinese_intact(mail_server):
    mailbox, port = mail_server
    delivery = smtp(port).send(ALERT)
    assert delivery == Delivery("smtp", ok=True, detail="sent to 2")
    (envelope,) = mailbox.envelopes
    assert envelope.mail_from == "helpdesk@example.com"
    assert envelope.rcpt_tos == ["wang@example.com", "zhao@example.com"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Subject"] == "T-000123 紧急 response 75% used, due 14:00"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Importance"] == "high"
    assert [a.display_name for a in message["To"].addresses] == ["王工", "Zhao, Lei"]
    text = message.get_content().replace("\r\n", "\n")
    assert text == "客户: 华东电网\n故障: 主站通信中断\n\nT-000123\n"
    assert b"\xe4\xb8" not in envelope.original_content.split(b"\r\n\r\n")[0]  # headers encoded


def test_newlines_in_the_title_cannot_add_headers_or_recipients(mail_server):
    mailbox, port = mail_server
    hostile = Notification(
        1,
        "紧急\r\nBcc: evil@example.net\r\n\r\nfake body",
        "body",
        "info",
        (Recipient("x", "X", email="x@example.com"),),
    )
    assert smtp(port).send(hostile).ok
    (envelope,) = mailbox.envelopes
    assert envelope.rcpt_tos == ["x@example.com"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Bcc"] is None
    assert message["Subject"] == "紧急 Bcc: evil@example.net  fake body"
    assert message.get_content().strip() == "body"


def test_an_address_that_smuggles_a_second_one_is_left_out(mail_server):
    mailbox, port = mail_server
    sneaky = Recipient("x", "X", email="x@example.com, evil@example.net")
    good = Recipient("y", "Y", email="y@example.com")
    assert smtp(port).send(Notification(2, "t", "b", "info", (sneaky, good))).ok
    assert mailbox.envelopes[0].rcpt_tos == ["y@example.com"]


def test_login_with_the_configured_account(mail_server):
    mailbox, port = mail_server
    assert smtp(port, username="desk", password="right-password").send(ALERT).ok
    assert mailbox.logins == [(b"desk", b"right-password")]


def test_a_refused_login_is_a_failed_delivery(mail_server):
    mailbox, port = mail_server
    delivery = smtp(port, username="desk", password="wrong").send(ALERT)
    assert not delivery.ok
    assert delivery.detail.startswith("server said 535")
    assert mailbox.envelopes == []


def test_no_address_fails_without_connecting():
    nobody = Notification(3, "t", "b", "info", (Recipient("li", "李工"),))
    assert smtp(closed_port()).send(nobody) == Delivery(
        "smtp", ok=False, detail="no e-mail address"
    )


def test_mail_to_a_closed_port_is_a_failed_delivery():
    delivery = smtp(closed_port()).send(ALERT)
    assert not delivery.ok
    assert "ConnectionRefusedError" in delivery.detail


# --- desktop ----------------------------------------------------------------------


def fake_notify_send(folder: Path, script: str) -> Path:
    folder.mkdir()
    program = folder / "notify-send"
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return folder


def test_no_display_means_no_desktop_and_nothing_printed(tmp_path, monkeypatch, capfd):
    bin_dir = fake_notify_send(tmp_path / "bin", f"touch {tmp_path / 'ran'}")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    delivery = DesktopNotifier(os.environ, platform="linux").send(ALERT)
    assert delivery == Delivery("desktop", ok=False, detail="no desktop session")
    assert not (tmp_path / "ran").exists()
    assert capfd.readouterr() == ("", "")


def desktop_env(bin_dir: Path, **extra: str) -> dict[str, str]:
    return {"PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin", "DISPLAY": ":0", **extra}


def reporting_notifier(
    notifier_env: dict[str, str],
) -> tuple[DesktopNotifier, list, threading.Event]:
    outcomes: list[Delivery] = []
    done = threading.Event()

    def report(delivery: Delivery) -> None:
        outcomes.append(delivery)
        done.set()

    return DesktopNotifier(notifier_env, platform="linux", on_done=report), outcomes, done


def test_a_complaining_notify_send_prints_nothing(tmp_path, monkeypatch, capfd):
    monkeypatch.setitem(sys.modules, "dbus", None)  # no dbus-python: plyer would use notify-send
    script = "echo 'noise on stdout'\necho 'GDBus.Error: no session bus' >&2\nexit 1"
    bin_dir = fake_notify_send(tmp_path / "bin", script)
    notifier, outcomes, done = reporting_notifier(desktop_env(bin_dir))
    assert notifier.send(ALERT) == Delivery("desktop", ok=True, detail="showing in the background")
    assert done.wait(WAIT)
    assert outcomes == [
        Delivery(
            "desktop",
            ok=False,
            detail="RuntimeError: notify-send exited 1: GDBus.Error: no session bus",
        )
    ]
    assert capfd.readouterr() == ("", "")


def test_send_returns_before_the_notification_is_shown(tmp_path, monkeypatch, capfd):
    monkeypatch.setitem(sys.modules, "dbus", None)
    gate, shown = tmp_path / "gate", tmp_path / "shown"
    os.mkfifo(gate)
    # blocks until the test opens the gate, then records its arguments one per line
    script = f"read line < '{gate}'\nprintf '%s\\n' \"$@\" > '{shown}'"
    notifier, outcomes, done = reporting_notifier(
        desktop_env(fake_notify_send(tmp_path / "b", script))
    )
    hostile = Notification(4, "-t 1 <b>紧急</b>", "a <a href='x'>link</a> & more", "critical")
    assert notifier.send(hostile).ok
    assert not done.is_set()  # notify-send is still waiting at the gate
    with open(gate, "w") as opened:
        opened.write("go\n")
    assert done.wait(WAIT)
    assert outcomes == [Delivery("desktop", ok=True)]
    assert shown.read_text().splitlines() == [
        "-u",
        "critical",
        "-a",
        "helpdesk",
        "--",
        "-t 1 <b>紧急</b>",  # the title is plain text; `--` keeps it from being an option
        "a &lt;a href='x'&gt;link&lt;/a&gt; &amp; more",  # the body would be markup
    ]
    assert capfd.readouterr() == ("", "")


def test_real_plyer_backend_without_a_session_bus_prints_nothing(monkeypatch, capfd):
    """Whatever this machine has (dbus-python or not, notify-send or not), no output."""
    env = {
        "PATH": os.environ["PATH"],
        "DISPLAY": ":0",
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent",
    }
    notifier, outcomes, done = reporting_notifier(env)
    notifier.send(ALERT)
    assert done.wait(WAIT)
    assert len(outcomes) == 1 and outcomes[0].channel == "desktop"
    assert capfd.readouterr() == ("", "")


# --- all channels at once -------------------------------------------------------------


class Broken:
    channel = "broken"

    def send(self, notification: Notification) -> Delivery:
        raise KeyError("bug")


def test_one_broken_notifier_does_not_stop_the_others(robots: Robots, caplog):
    written: list[bytes] = []
    notifiers = [
        Broken(),
        TerminalNotifier(written.append, {"TERM_PROGRAM": "iTerm.app"}),
        webhook("json", robots.url("/json")),
    ]
    deliveries = deliver(ALERT, notifiers)
    assert [(d.channel, d.ok) for d in deliveries] == [
        ("broken", False),
        ("terminal", True),
        ("webhook:json", True),
    ]
    assert deliveries[0].detail == "notifier error: KeyError: 'bug'"
    assert written and len(robots.posted) == 1
    (bug,) = [r for r in caplog.records if r.exc_info]
    assert bug.name == LOGGER_NAME
