"""What the mail parser hands back: a `ParsedMail`, or a `Quarantined` message.

Both keep the raw bytes, so a message can be parsed again once the parser improves.
`flags` are short machine words saying where the parser had to guess, for example
"charset-fallback:gb2312→gb18030", "charset-detected:big5", "html-only",
"no-message-id", "bad-date", "attachment-too-large:NAME".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    size: int
    data: bytes = field(repr=False)
    # Over the size limit: kept as a record (name, type, size) without its bytes.
    omitted: bool = False


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    sender_address: str
    sender_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    date: datetime | None
    body: str
    body_full: str
    attachments: tuple[Attachment, ...]
    flags: tuple[str, ...]
    raw: bytes = field(repr=False)

    def has_flag(self, prefix: str) -> bool:
        """True if a flag is `prefix` or starts with `prefix:`."""
        return any(flag == prefix or flag.startswith(prefix + ":") for flag in self.flags)


@dataclass(frozen=True)
class Quarantined:
    reason: str
    raw: bytes = field(repr=False)
