"""Terminal notifications: which escape for which terminal, the exact bytes, tmux wrapping,
and hostile text that must not escape its field."""

import logging
import re

import pytest

from helpdesk_tui.alerts.notifiers import (
    Notification,
    TerminalNotifier,
    choose_osc,
    osc_sequence,
    tmux_passthrough,
)
from helpdesk_tui.alerts.notifiers.message import LOGGER_NAME

TMUX = {"TMUX": "/tmp/tmux-1000/default,1234,0", "TERM_PROGRAM": "tmux", "TERM": "tmux-256color"}


@pytest.mark.parametrize(
    ("env", "kind"),
    [
        ({}, None),
        ({"TERM": "xterm-256color"}, None),
        ({"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}, "osc99"),
        ({"TERM": "xterm-256color", "KITTY_WINDOW_ID": "3"}, "osc99"),
        ({"TERM": "xterm-256color", "VTE_VERSION": "7600"}, "osc777"),
        ({"TERM": "foot"}, "osc777"),
        ({"TERM": "foot-extra"}, "osc777"),
        ({"TERM_PROGRAM": "WezTerm", "TERM": "xterm-256color"}, "osc777"),
        ({"TERM_PROGRAM": "iTerm.app", "LC_TERMINAL": "iTerm2"}, "osc9"),
        ({"WT_SESSION": "9c4d1f"}, "osc9"),
        ({"TERM_PROGRAM": "ghostty", "TERM": "xterm-ghostty"}, "osc9"),
        ({"TERM": "xterm-ghostty"}, "osc9"),
        # the terminal's own TERM_PROGRAM beats hints inherited from the terminal that started it
        ({"TERM_PROGRAM": "WezTerm", "KITTY_WINDOW_ID": "1"}, "osc777"),
        ({"TERM_PROGRAM": "vscode", "KITTY_WINDOW_ID": "1"}, None),
        ({"TERM_PROGRAM": "Apple_Terminal"}, None),
        # under tmux only the outer terminal's exported hints are left
        ({**TMUX, "LC_TERMINAL": "iTerm2"}, "osc9"),
        ({**TMUX, "KITTY_WINDOW_ID": "2"}, "osc99"),
        ({**TMUX, "WT_SESSION": "9c4d1f"}, "osc9"),
        ({**TMUX, "VTE_VERSION": "7600"}, "osc777"),
        ({**TMUX, "GHOSTTY_RESOURCES_DIR": "/usr/share/ghostty"}, "osc9"),
        ({**TMUX, "WEZTERM_PANE": "0"}, "osc777"),
        ({**TMUX, "LC_TERMINAL": "SomethingElse"}, None),
        (TMUX, None),
    ],
)
def test_choose_osc(env, kind):
    assert choose_osc(env) == kind


def test_osc9_bytes():
    assert osc_sequence("osc9", "T-000123 紧急", "due 14:00") == (
        "\x1b]9;T-000123 紧急: due 14:00\x07".encode()
    )


def test_osc777_bytes():
    assert osc_sequence("osc777", "T-000123 紧急", "due 14:00") == (
        "\x1b]777;notify;T-000123 紧急;due 14:00\x07".encode()
    )


def test_osc99_bytes_send_title_then_body():
    assert osc_sequence("osc99", "T-000123 紧急", "due 14:00") == (
        "\x1b]99;i=1:d=0;T-000123 紧急\x1b\\\x1b]99;i=1:p=body;due 14:00\x1b\\".encode()
    )
    assert osc_sequence("osc99", "t", "b", ident=42).startswith(b"\x1b]99;i=42:d=0;t\x1b\\")


def test_tmux_passthrough_doubles_every_escape():
    assert tmux_passthrough(b"\x1b]99;;x\x1b\\") == b"\x1bPtmux;\x1b\x1b]99;;x\x1b\x1b\\\x1b\\"


HOSTILE = "\x1b]9;pwned\x07 [red]boom[/red]; \x1b\\ \x9c\x9d\x00\r\ndone " + "x" * 10_000
# the whole sequence; each group is text from outside, which must not contain ; or controls
SHAPES = {
    "osc9": r"\x1b\]9;([^;]*)\x07",
    "osc777": r"\x1b\]777;notify;([^;]*);([^;]*)\x07",
    "osc99": r"\x1b\]99;i=1:d=0;([^;]*)\x1b\\\x1b\]99;i=1:p=body;([^;]*)\x1b\\",
}
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("kind", ["osc9", "osc777", "osc99"])
def test_hostile_text_stays_inside_one_bounded_sequence(kind):
    data = osc_sequence(kind, HOSTILE, HOSTILE)
    assert len(data) < 1200
    shape = re.fullmatch(SHAPES[kind], data.decode(), re.DOTALL)
    assert shape is not None, data[:80]
    for text in shape.groups():
        assert not CONTROL.search(text)
        assert "\\x1b]9" in text  # the escape is made visible, not obeyed
        assert "\\x07" in text
    assert "[red]boom[/red]" in shape.group(1)  # markup means nothing to a terminal


def _alert(**changes) -> Notification:
    fields = {"alert_id": 7, "title": "T-000123 紧急 response 75%", "body": "due 14:00"}
    return Notification(urgency="warning", **(fields | changes))


def test_notifier_writes_the_sequence_and_a_bell():
    written: list[bytes] = []
    delivery = TerminalNotifier(written.append, {"TERM_PROGRAM": "iTerm.app"}).send(_alert())
    assert written == ["\x1b]9;T-000123 紧急 response 75%: due 14:00\x07\x07".encode()]
    assert (delivery.channel, delivery.ok, delivery.detail) == ("terminal", True, "osc9")


def test_notifier_inside_tmux_wraps_the_sequence_but_not_the_bell():
    written: list[bytes] = []
    TerminalNotifier(written.append, {**TMUX, "KITTY_WINDOW_ID": "1"}).send(_alert())
    sequence = osc_sequence("osc99", "T-000123 紧急 response 75%", "due 14:00", ident=7)
    assert written == [tmux_passthrough(sequence) + b"\x07"]


def test_an_explicit_mode_beats_detection_and_bell_can_be_off():
    written: list[bytes] = []
    notifier = TerminalNotifier(written.append, {"TERM": "foot"}, "osc9", bell=False)
    notifier.send(_alert(body=""))
    assert written == ["\x1b]9;T-000123 紧急 response 75%\x07".encode()]


def test_unknown_terminal_rings_only_the_bell():
    written: list[bytes] = []
    delivery = TerminalNotifier(written.append, {"TERM": "xterm"}).send(_alert())
    assert written == [b"\x07"]
    assert (delivery.ok, delivery.detail) == (True, "bell")


def test_nothing_to_send_is_a_logged_failure(caplog):
    written: list[bytes] = []
    delivery = TerminalNotifier(written.append, {"TERM": "foot"}, "off", bell=False).send(_alert())
    assert written == []
    assert not delivery.ok
    assert [r.name for r in caplog.records] == [LOGGER_NAME]


def test_a_failing_write_is_a_failed_delivery_not_an_exception(caplog):
    def broken(data: bytes) -> None:
        raise OSError(5, "Input/output error")

    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        delivery = TerminalNotifier(broken, {"TERM": "foot"}).send(_alert())
    assert not delivery.ok
    assert "Input/output error" in delivery.detail
    assert "alert 7 via terminal failed" in caplog.text
