"""OSC 9 through a real tmux to the terminal outside it.

A tmux server on its own socket, a client attached on a pty this test owns (the "outer
terminal"), and in the pane a Python child that sends a TerminalNotifier alert (TMUX is set
there by tmux itself). With allow-passthrough on, the bare OSC 9 must reach the outer
terminal; with it off, it must not. The child writes a marker line after the alert; tmux
forwards the passthrough before it draws that line, so once the marker has arrived an
OSC 9 that has not is never coming.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpdesk_tui.alerts.notifiers import osc_sequence
from tests.e2e.tmux_binary import tmux_or_fail

TIMEOUT = 20.0
TITLE = "T-000123 紧急 response 75 pct"
BODY = "due 14:00"
MARKER = "alert-sent-by-child"

CHILD = f"""
import os, sys
from helpdesk_tui.alerts.notifiers import Notification, TerminalNotifier

notifier = TerminalNotifier(lambda data: os.write(1, data), os.environ, "osc9", bell=False)
delivery = notifier.send(Notification(5, {TITLE!r}, {BODY!r}, "critical"))
in_tmux = "yes" if os.environ.get("TMUX") else "no"
os.write(1, f"{MARKER} ok={{delivery.ok}} tmux={{in_tmux}}\\r\\n".encode())
sys.stdin.read()  # keep the pane until the server is killed
"""


class OuterTerminal:
    """The pty a tmux client is attached to: everything tmux sends to 'the terminal'."""

    def __init__(self, master: int) -> None:
        self._master = master
        self.received = b""

    def read_until(self, found: Callable[[bytes], bool], what: str) -> bytes:
        deadline = time.monotonic() + TIMEOUT
        while not found(self.received):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}; got {self.received[-300:]!r}")
            ready, _, _ = select.select([self._master], [], [], left)
            if ready:
                self.received += os.read(self._master, 65536)
        return self.received


class Tmux:
    def __init__(self, tmux: str) -> None:
        self.base = [tmux, "-f", "/dev/null", "-L", f"helpdesk-osc-{uuid.uuid4().hex[:12]}"]
        self.env = {k: v for k, v in os.environ.items() if k != "TMUX"} | {"TERM": "xterm-256color"}

    def run(self, *args: str) -> None:
        subprocess.run([*self.base, *args], check=True, env=self.env, timeout=TIMEOUT)

    def attach_client(self) -> tuple[subprocess.Popen[bytes], int]:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
        client = subprocess.Popen(
            [*self.base, "attach-session", "-t", "osc"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=self.env,
            start_new_session=True,
        )
        os.close(slave)
        return client, master


@pytest.fixture
def tmux_with_client(tmp_path: Path) -> Iterator[tuple[Tmux, OuterTerminal, Path]]:
    tmux = Tmux(tmux_or_fail())
    tmux.run("new-session", "-d", "-s", "osc", "-x", "120", "-y", "36", "cat")
    client, master = tmux.attach_client()
    outer = OuterTerminal(master)
    try:
        outer.read_until(lambda seen: b"[osc]" in seen, "the client's status line")
        script = tmp_path / "child.py"
        script.write_text(CHILD)
        yield tmux, outer, script
    finally:
        client.terminate()
        client.wait(TIMEOUT)
        subprocess.run([*tmux.base, "kill-server"], check=False, env=tmux.env)
        os.close(master)


def _run_child(tmux: Tmux, script: Path) -> None:
    tmux.run("respawn-pane", "-k", "-t", "osc", f"'{sys.executable}' '{script}'")


def _wait_for_marker(outer: OuterTerminal) -> bytes:
    return outer.read_until(lambda seen: MARKER.encode() in seen, "the child's marker line")


def test_osc9_passes_through_tmux_to_the_outer_terminal(tmux_with_client):
    tmux, outer, script = tmux_with_client
    tmux.run("set-option", "-g", "allow-passthrough", "on")
    _run_child(tmux, script)
    received = _wait_for_marker(outer)
    expected = osc_sequence("osc9", TITLE, BODY)
    assert expected == f"\x1b]9;{TITLE}: {BODY}\x07".encode()
    assert expected in received
    assert received.index(expected) < received.index(MARKER.encode())
    assert b"\x1bPtmux;" not in received  # tmux unwrapped it
    after = outer.read_until(_child_report, "the child's report")
    assert f"{MARKER} ok=True tmux=yes".encode() in after


def _child_report(seen: bytes) -> bool:
    return any(f"tmux={answer}".encode() in seen for answer in ("yes", "no"))


def test_without_passthrough_tmux_swallows_it(tmux_with_client):
    tmux, outer, script = tmux_with_client
    tmux.run("set-option", "-g", "allow-passthrough", "off")
    _run_child(tmux, script)
    received = _wait_for_marker(outer)
    assert b"\x1b]9;" not in received
    assert b"\x1bPtmux;" not in received
