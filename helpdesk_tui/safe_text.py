"""Text from outside (mail subjects, names, notes) made safe to put on a terminal.

Control characters — including ESC, which starts ANSI and OSC sequences — are shown
as visible escapes instead of reaching the terminal. Rich markup needs no special care
here: callers print plain strings or wrap them in rich `Text`, never parse markup.
"""

from __future__ import annotations

import re

from rich.cells import cell_len

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\t")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def printable(text: str) -> str:
    """Keep line breaks and tabs, make every other control character visible."""
    return _CONTROL.sub(_escape, text)


def one_line(text: str, limit: int | None = None) -> str:
    """For table cells and titles: line breaks become spaces, controls visible, cut to `limit`."""
    flat = _CONTROL.sub(_escape, _LINE_BREAKS.sub(" ", text))
    if limit is not None and len(flat) > limit:
        flat = flat[: max(limit - 1, 0)] + "…"
    return flat


def fit(text: str, width: int) -> str:
    """Cut (with an ellipsis) or pad to exactly `width` terminal cells; CJK takes two."""
    used = cell_len(text)
    if used <= width:
        return text + " " * (width - used)
    out, used = [], 0
    for char in text:
        size = cell_len(char)
        if used + size > width - 1:
            break
        out.append(char)
        used += size
    return "".join(out) + "…" + " " * (width - 1 - used)
