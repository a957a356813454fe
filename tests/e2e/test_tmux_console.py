"""The console in a real terminal: tmux runs it, send-keys types, capture-pane reads.

Opens the console on a demo database, filters the queue to new tickets, responds to the
first one with `r`, and checks the database through the command line.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.tmux_binary import tmux_or_fail

KEY = re.compile(r"T-\d{6}")
QUEUE_ROW = re.compile(r"^│[ !] (T-\d{6}) ")  # a queue row (after its alert mark column)
TIMEOUT = 30.0


@pytest.fixture
def terminal(tmp_path: Path):
    tmux = tmux_or_fail()
    socket = str(tmp_path / "tmux.sock")
    base = [tmux, "-S", socket, "-f", "/dev/null"]
    subprocess.run([*base, "new-session", "-d", "-s", "e2e", "-x", "120", "-y", "36"], check=True)

    class Terminal:
        def send(self, *keys: str) -> None:
            subprocess.run([*base, "send-keys", "-t", "e2e", *keys], check=True)

        def type(self, text: str) -> None:
            subprocess.run([*base, "send-keys", "-t", "e2e", "-l", text], check=True)

        def screen(self) -> str:
            done = subprocess.run(
                [*base, "capture-pane", "-t", "e2e", "-p"],
                check=True,
                capture_output=True,
                text=True,
            )
            return done.stdout

        def wait_for(self, found: Callable[[str], bool], what: str) -> str:
            deadline = time.monotonic() + TIMEOUT
            while time.monotonic() < deadline:
                text = self.screen()
                if found(text):
                    return text
                time.sleep(0.1)  # polling the terminal: there is no event to wait on
            raise AssertionError(f"timed out waiting for {what}; screen:\n{self.screen()}")

    yield Terminal()
    subprocess.run([*base, "kill-server"], check=False)


def helpdesk(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "helpdesk_tui", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


def test_triage_a_ticket_with_keys_in_a_real_terminal(terminal, tmp_path: Path):
    env = {
        **os.environ,
        "HELPDESK_DB": str(tmp_path / "e2e.db"),
        "HELPDESK_USER": "lina",
        "HELPDESK_TZ": "Asia/Shanghai",
        "HELPDESK_CONFIG": str(tmp_path / "none.toml"),
        "HELPDESK_LANG": "en",
    }
    helpdesk(env, "demo", "--tickets", "400", "--seed", "4")
    exports = " ".join(f"{k}={v}" for k, v in env.items() if k.startswith("HELPDESK_"))
    terminal.type(f"{exports} {sys.executable} -m helpdesk_tui")
    terminal.send("Enter")
    terminal.wait_for(lambda s: "Response" in s and KEY.search(s), "the queue")

    terminal.send("/")
    terminal.wait_for(lambda s: "Filter the queue" in s, "the filter form")
    terminal.type("status:new")
    terminal.send("Enter")
    screen = terminal.wait_for(lambda s: "filter: status:new" in s, "the filtered queue")
    key = next(m.group(1) for line in screen.splitlines() if (m := QUEUE_ROW.match(line)))

    terminal.send("r")
    terminal.wait_for(lambda s: f"{key}: Respond" in s, "the confirmation toast")
    shown = json.loads(helpdesk(env, "ticket", "show", key, "--json"))
    assert shown["status"] == "responded"
    assert shown["first_response_at"] is not None
    assert [(a["actor"], a["action"]) for a in shown["audit"]][-1] == ("lina", "respond")

    terminal.send("q")
    # q leaves the alternate screen: the shell and the command line are back
    terminal.wait_for(lambda s: "Help desk" not in s and "-m helpdesk_tui" in s, "the shell")
