"""Desktop notifications through the terminal's own escape sequences: OSC 9, 777 and 99.

They travel in the terminal's output stream, so they reach the engineer's own desktop even
when the console runs on a server over SSH. Inside tmux they are wrapped for passthrough,
which tmux forwards to the outer terminal only with `set -g allow-passthrough on` (3.3+).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

from helpdesk_tui.alerts.notifiers.message import Delivery, Notification, failed
from helpdesk_tui.safe_text import one_line

OscKind = Literal["osc9", "osc777", "osc99"]
TerminalMode = Literal["auto", "osc9", "osc777", "osc99", "off"]

BEL = b"\x07"
ST = b"\x1b\\"  # string terminator: ESC backslash
TITLE_LIMIT = 120
BODY_LIMIT = 400

# TERM_PROGRAM is set by the terminal itself, so it wins over anything inherited.
_BY_PROGRAM: dict[str, OscKind] = {
    "iTerm.app": "osc9",
    "ghostty": "osc9",
    "WezTerm": "osc777",
    "kitty": "osc99",
}
_MULTIPLEXERS = {"tmux", "screen"}
# Variables a terminal exports to its children; they survive in a tmux server started from
# that terminal (and LC_TERMINAL survives SSH through the usual `SendEnv LC_*`). Best effort:
# if another terminal attaches to that tmux server later, they describe the first one.
_HINTS: tuple[tuple[str, str | None, OscKind], ...] = (
    ("KITTY_WINDOW_ID", None, "osc99"),
    ("WT_SESSION", None, "osc9"),  # Windows Terminal, also forwarded into WSL
    ("GHOSTTY_RESOURCES_DIR", None, "osc9"),
    ("LC_TERMINAL", "iTerm2", "osc9"),
    ("WEZTERM_PANE", None, "osc777"),
    ("VTE_VERSION", None, "osc777"),  # GNOME Terminal, Tilix ... (distribution-patched VTE)
)


def choose_osc(env: Mapping[str, str]) -> OscKind | None:
    """The notification escape this terminal understands, or None: send nothing.

    Looks at TERM_PROGRAM (iTerm.app, ghostty, WezTerm, kitty), then TERM (xterm-kitty,
    xterm-ghostty, foot*), then - only when TERM_PROGRAM is unset or names tmux/screen - the
    inherited hints KITTY_WINDOW_ID, WT_SESSION, GHOSTTY_RESOURCES_DIR, LC_TERMINAL=iTerm2,
    WEZTERM_PANE and VTE_VERSION, in that order.
    """
    program = env.get("TERM_PROGRAM", "")
    if program in _BY_PROGRAM:
        return _BY_PROGRAM[program]
    by_term = _by_term(env.get("TERM", ""))
    if by_term is not None:
        return by_term
    if program and program not in _MULTIPLEXERS:
        return None  # a terminal we don't know: inherited hints would describe its parent
    return _by_hint(env)


def _by_term(term: str) -> OscKind | None:
    if term == "xterm-kitty":
        return "osc99"
    if term == "xterm-ghostty":
        return "osc9"
    if term.startswith("foot"):
        return "osc777"
    return None


def _by_hint(env: Mapping[str, str]) -> OscKind | None:
    for variable, value, kind in _HINTS:
        if variable in env and (value is None or env[variable] == value):
            return kind
    return None


def _field(text: str, limit: int) -> str:
    """One line with every control character made visible (so no ESC, BEL or C1 ST can end
    the sequence early) and no `;`, which separates fields (and after OSC 9 a leading
    number + `;` would be read as a ConEmu command such as a progress bar)."""
    return one_line(text, limit).replace(";", ",")


def osc_sequence(kind: OscKind, title: str, body: str, *, ident: int = 1) -> bytes:
    """The escape sequence(s) showing `title` and `body`; `ident` groups kitty's two parts."""
    title, body = _field(title, TITLE_LIMIT), _field(body, BODY_LIMIT)
    if kind == "osc9":
        text = f"{title}: {body}" if body else title
        return f"\x1b]9;{text}".encode() + BEL
    if kind == "osc777":
        return f"\x1b]777;notify;{title};{body}".encode() + BEL
    return (
        f"\x1b]99;i={ident}:d=0;{title}".encode()
        + ST
        + f"\x1b]99;i={ident}:p=body;{body}".encode()
        + ST
    )


def tmux_passthrough(seq: bytes) -> bytes:
    """`seq` wrapped so tmux hands it to the outer terminal: a DCS with every ESC doubled."""
    return b"\x1bPtmux;" + seq.replace(b"\x1b", b"\x1b\x1b") + ST


class TerminalNotifier:
    """Writes the notification escape (and a BEL) with `write`, which must put bytes on the
    engineer's terminal: call `send` from the thread that owns that output."""

    channel = "terminal"

    def __init__(
        self,
        write: Callable[[bytes], None],
        env: Mapping[str, str],
        mode: TerminalMode = "auto",
        *,
        bell: bool = True,
    ) -> None:
        self._write = write
        self._kind: OscKind | None = choose_osc(env) if mode == "auto" else _explicit(mode)
        self._in_tmux = bool(env.get("TMUX"))
        self._bell = bell

    @property
    def kind(self) -> OscKind | None:
        return self._kind

    def send(self, notification: Notification) -> Delivery:
        data = self._bytes_for(notification)
        if not data:
            return failed(self.channel, notification, "no notification escape for this terminal")
        try:
            self._write(data)
        except Exception as error:  # a closed pty, a driver gone: never the caller's problem
            return failed(self.channel, notification, f"cannot write: {one_line(str(error))}")
        return Delivery(self.channel, ok=True, detail=self._kind or "bell")

    def _bytes_for(self, notification: Notification) -> bytes:
        data = b""
        if self._kind is not None:
            seq = osc_sequence(
                self._kind, notification.title, notification.body, ident=notification.alert_id
            )
            data = tmux_passthrough(seq) if self._in_tmux else seq
        # BEL outside any passthrough: tmux shows the bell itself (bell-action, window flag)
        return data + BEL if self._bell else data


def _explicit(mode: TerminalMode) -> OscKind | None:
    return None if mode == "off" else mode
