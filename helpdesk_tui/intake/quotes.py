"""Trim the quoted earlier messages from a reply, keeping what the customer wrote.

Cut at the first reply header of a common client — "On ... wrote:" (Gmail, Apple,
Thunderbird), "在 ... 写道：" / "... 于 ... 写道：" (Chinese clients and Gmail),
"-----Original Message-----", "------------------ 原始邮件 ------------------" (QQ),
an Outlook / Foxmail / NetEase "From: / Sent:" or "发件人： / 发送时间：" block — and drop
the remaining lines that start with ">". Conservative: if trimming would leave no text
(a message that is only a forward, or a header in the first line), the text is kept whole.
"""

from __future__ import annotations

import re

_WROTE = re.compile(
    r"^\s*(on\b.{4,300}\bwrote|(在|于).{2,300}(写道|寫道)|.{1,200}于\s*\d{4}.{0,100}(写道|寫道))"
    r"\s*[:：]\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(original message|原始邮件|原始郵件|回复的原邮件|原邮件)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FROM = re.compile(r"^\s*\**\s*(from|发件人|寄件者|寄件人)\s*\**\s*[:：]", re.IGNORECASE)
_SENT = re.compile(
    r"^\s*\**\s*(sent|date|发送时间|发送日期|日期|时间|寄件日期|傳送時間)\s*\**\s*[:：]",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_QUOTED = re.compile(r"^\s*>")
_HEADER_BLOCK_REACH = 4


def trim_quoted(text: str) -> str:
    """The reply without the quoted messages below it (or the whole text, see above)."""
    lines = text.split("\n")
    cut = _first_reply_header(lines)
    kept = [line for line in lines[:cut] if not _QUOTED.match(line)]
    if len(kept) == len(lines):
        return text
    trimmed = "\n".join(kept).strip("\n").rstrip()
    return trimmed if trimmed.strip() else text


def _first_reply_header(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _SEPARATOR.match(line):
            return index
        if _WROTE.match(line) or _wrapped_header(lines, index):
            return index
        if _FROM.match(line) and _sent_follows(lines, index):
            above = index - 1
            return above if above >= 0 and _UNDERSCORES.match(lines[above]) else index
    return len(lines)


def _wrapped_header(lines: list[str], index: int) -> bool:
    """A header a client wrapped over two lines ("On ..., Name <a@b.c>\\nwrote:")."""
    if index + 1 >= len(lines) or not lines[index].strip() or _WROTE.match(lines[index + 1]):
        return False
    return bool(_WROTE.match(lines[index].rstrip() + " " + lines[index + 1].strip()))


def _sent_follows(lines: list[str], index: int) -> bool:
    following = lines[index + 1 : index + 1 + _HEADER_BLOCK_REACH]
    return any(_SENT.match(line) for line in following)
