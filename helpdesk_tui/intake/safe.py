"""Cleaning decoded mail text before it is kept.

`helpdesk_tui.safe_text` makes text visible-safe at display time by *escaping* control
characters; here they are *removed* once, on the way in, because a subject or a body
is data (ticket titles, notes, search) and an escape sequence or a lone surrogate left
over from undecodable bytes has no meaning in it. Display still goes through safe_text.
"""

from __future__ import annotations

import re

# C0 and C1 controls (but tab and line feed), bidirectional overrides and isolates.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
_LINE_SEPARATORS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_WHITESPACE = re.compile(r"\s+")


def clean_line(text: str, limit: int) -> str:
    """One line: controls removed, whitespace collapsed to single spaces, cut to `limit`."""
    text = _WHITESPACE.sub(" ", _LINE_SEPARATORS.sub(" ", text))
    text = _CONTROLS.sub("", _SURROGATES.sub("\ufffd", text))
    return _WHITESPACE.sub(" ", text).strip()[:limit]


def clean_text(text: str) -> str:
    """Many lines: line ends made "\\n", controls removed, trailing spaces dropped."""
    text = _LINE_SEPARATORS.sub("\n", text)
    text = _CONTROLS.sub("", _SURROGATES.sub("\ufffd", text))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
