"""The [notifiers] table: defaults, every key, one-line errors naming the key, and which
notifiers a daemon and a console build from it."""

import tomllib

import pytest

from helpdesk_tui.alerts.notifiers import (
    DesktopNotifier,
    SmtpNotifier,
    TerminalNotifier,
    WebhookNotifier,
    build_local_notifiers,
    build_remote_notifiers,
    parse_notifier_settings,
)
from helpdesk_tui.domain.errors import InvalidInput

FULL = """
[notifiers]
terminal = "osc777"
bell = false
desktop = "off"
[notifiers.smtp]
host = "mail.example.com"
port = 2525
sender = "helpdesk@example.com"
security = "starttls"
username = "desk"
password = "mail-password-1"
timeout = 5
[[notifiers.webhooks]]
name = "desk-group"
kind = "dingtalk"
url = "https://oapi.dingtalk.com/robot/send?access_token=tok-123"
secret = "SEC-456"
timeout = 3
[[notifiers.webhooks]]
kind = "json"
url = "http://127.0.0.1:9000/alerts"
"""


def test_empty_table_gives_the_defaults():
    settings = parse_notifier_settings({})
    assert (settings.terminal, settings.bell, settings.desktop) == ("auto", True, "auto")
    assert settings.smtp is None
    assert settings.webhooks == ()


def test_every_key_is_read():
    settings = parse_notifier_settings(tomllib.loads(FULL)["notifiers"])
    assert (settings.terminal, settings.bell, settings.desktop) == ("osc777", False, "off")
    smtp = settings.smtp
    assert (smtp.host, smtp.port, smtp.sender) == ("mail.example.com", 2525, "helpdesk@example.com")
    assert (smtp.security, smtp.username, smtp.timeout) == ("starttls", "desk", 5)
    assert smtp.password.get_secret_value() == "mail-password-1"
    dingtalk, plain = settings.webhooks
    assert (dingtalk.name, dingtalk.kind, dingtalk.timeout) == ("desk-group", "dingtalk", 3)
    assert dingtalk.url.get_secret_value().endswith("access_token=tok-123")
    assert dingtalk.secret.get_secret_value() == "SEC-456"
    assert (plain.label, plain.timeout, plain.secret.get_secret_value()) == ("json", 10, "")


def test_secrets_stay_out_of_the_printed_settings():
    shown = repr(parse_notifier_settings(tomllib.loads(FULL)["notifiers"]))
    for secret in ("mail-password-1", "tok-123", "SEC-456"):
        assert secret not in shown


@pytest.mark.parametrize(("security", "port"), [("none", 25), ("starttls", 587), ("ssl", 465)])
def test_smtp_port_defaults_to_the_usual_one_for_its_security(security, port):
    smtp = {"host": "127.0.0.1", "sender": "a@example.com", "security": security}
    assert parse_notifier_settings({"smtp": smtp}).smtp.port == port


WEBHOOK = {"kind": "json", "url": "https://example.com/hook"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"webhooks": [WEBHOOK, {**WEBHOOK, "kind": "slack"}]},
            "notifiers.webhooks[1].kind: expected one of dingtalk, wecom, feishu, json",
        ),
        (
            {"terminal": "osc52"},
            "notifiers.terminal: expected one of auto, osc9, osc777, osc99, off",
        ),
        ({"desktop": "on"}, "notifiers.desktop: expected one of auto, off"),
        ({"sms": {}}, "notifiers.sms: unknown key"),
        ({"webhooks": [{"kind": "json"}]}, "notifiers.webhooks[0].url: required"),
        (
            {"webhooks": [{**WEBHOOK, "url": "ftp://example.com/x"}]},
            "notifiers.webhooks[0].url: expected an http:// or https:// URL",
        ),
        ({"webhooks": [{**WEBHOOK, "token": "x"}]}, "notifiers.webhooks[0].token: unknown key"),
        ({"webhooks": [{**WEBHOOK, "timeout": 0}]}, "notifiers.webhooks[0].timeout: should be"),
        ({"smtp": {"sender": "a@example.com"}}, "notifiers.smtp.host: required"),
        ({"smtp": "mail.example.com"}, "notifiers.smtp: expected a table"),
        (
            {"smtp": {"host": "h", "sender": "a@example.com", "port": 70000}},
            "notifiers.smtp.port: should be less than or equal to 65535",
        ),
        ({"bell": "loud"}, "notifiers.bell: should be a valid boolean"),
    ],
)
def test_bad_data_names_the_key_in_one_line(data, message):
    with pytest.raises(InvalidInput) as raised:
        parse_notifier_settings(data)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_a_daemon_gets_smtp_and_every_webhook():
    settings = parse_notifier_settings(tomllib.loads(FULL)["notifiers"])
    notifiers = build_remote_notifiers(settings)
    assert [type(n) for n in notifiers] == [SmtpNotifier, WebhookNotifier, WebhookNotifier]
    assert [n.channel for n in notifiers] == ["smtp", "webhook:desk-group", "webhook:json"]


def test_no_remote_channels_by_default():
    assert build_remote_notifiers(parse_notifier_settings({})) == []


DESKTOP_ENV = {"DISPLAY": ":0", "TERM_PROGRAM": "iTerm.app"}
OVER_SSH = {"TERM_PROGRAM": "iTerm.app", "SSH_CONNECTION": "10.0.0.2 5 10.0.0.1 22"}
BOTH = [TerminalNotifier, DesktopNotifier]


@pytest.mark.parametrize(
    ("data", "platform", "env", "expected"),
    [
        ({}, "linux", DESKTOP_ENV, BOTH),
        ({}, "linux", {"TERM_PROGRAM": "iTerm.app"}, [TerminalNotifier]),
        ({}, "darwin", {"TERM_PROGRAM": "iTerm.app"}, BOTH),
        ({}, "darwin", OVER_SSH, [TerminalNotifier]),
        ({"desktop": "off"}, "linux", DESKTOP_ENV, [TerminalNotifier]),
        ({"terminal": "off"}, "linux", DESKTOP_ENV, BOTH),  # the terminal still rings the bell
        ({"terminal": "off", "bell": False, "desktop": "off"}, "linux", DESKTOP_ENV, []),
    ],
)
def test_a_console_gets_the_local_channels_that_can_work(
    data, platform, env, expected, monkeypatch
):
    monkeypatch.setattr("sys.platform", platform)
    notifiers = build_local_notifiers(parse_notifier_settings(data), [].append, env)
    assert [type(n) for n in notifiers] == expected
