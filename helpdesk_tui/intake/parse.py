"""Raw message bytes to a `ParsedMail`, or a `Quarantined` with the reason: never raises.

The stdlib parser (`policy.default`) splits the message; header values are read raw and
decoded by `charsets` (see there why), bodies by `charsets.decode_bytes`. Limits: the
whole message (`max_bytes`, over it: quarantined unread), each attachment
(`max_attachment`, over it: kept as a flagged omission without its bytes), the body text
and the number of parts.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import collapse_rfc2231_value, getaddresses, parsedate_to_datetime

from helpdesk_tui.intake.charsets import decode_bytes, decode_header_bytes
from helpdesk_tui.intake.html_text import html_to_text
from helpdesk_tui.intake.message import Attachment, ParsedMail, Quarantined
from helpdesk_tui.intake.quotes import trim_quoted
from helpdesk_tui.intake.safe import clean_line, clean_text

MAX_MESSAGE_BYTES = 25 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_BODY_CHARS = 200_000
MAX_HTML_CHARS = 1_000_000
MAX_PARTS = 200
MAX_DEPTH = 20
MAX_HEADER_BYTES = 64 * 1024
SUBJECT_LIMIT = 500
NAME_LIMIT = 200
ID_LIMIT = 500
SYNTHETIC_ID_DOMAIN = "intake.invalid"


class _RawHeaderPolicy(EmailPolicy):
    """`policy.default`, except that a header is fetched as its raw unfolded text.

    This module decodes headers itself (see `charsets`), and building the header
    objects nobody reads was most of the parsing time (the feed parser and every
    `get_content_type` re-parse Content-Type into one otherwise).
    """

    def header_fetch_parse(self, name: str, value: str) -> str:
        return _LINE_BREAKS.sub("", value) if isinstance(value, str) else value


_LINE_BREAKS = re.compile(r"\r|\n")
_PARSER = BytesParser(policy=_RawHeaderPolicy())
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_ANY_TOKEN = re.compile(r"[^\s<>,;]+")
_TICKET_TOKEN = re.compile(r"[\[【〔〖]\s*T\s*[-‐‑–—]?\s*(\d{1,9})\s*[\]】〕〗]", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I)
_PATH_SEPARATORS = re.compile(r"[/\\]")
_MULTIPART = re.compile(rb"multipart/", re.IGNORECASE)


def ticket_token(subject: str) -> int | None:
    """The ticket number in a subject's "[T-000123]" (also 【T-000123】, ［Ｔ－０００１２３］)."""
    match = _TICKET_TOKEN.search(unicodedata.normalize("NFKC", subject))
    if match is None:
        return None
    number = int(match.group(1))
    return number if number > 0 else None


def parse_mail(
    raw: bytes,
    *,
    max_bytes: int = MAX_MESSAGE_BYTES,
    max_attachment: int = MAX_ATTACHMENT_BYTES,
) -> ParsedMail | Quarantined:
    try:
        raw = bytes(raw)
    except Exception:  # not bytes at all
        return Quarantined("not-bytes: the message is not a byte string", b"")
    if len(raw) > max_bytes:
        return Quarantined(f"too-large: {len(raw)} bytes, the limit is {max_bytes}", raw)
    if not raw.strip():
        return Quarantined("empty: the message has no content", raw)
    if len(_MULTIPART.findall(raw)) > MAX_PARTS:
        # The stdlib parser slows down sharply with nesting: refuse before parsing.
        return Quarantined(f"too-complex: more than {MAX_PARTS} multipart parts", raw)
    try:
        return _parse(raw, max_attachment)
    except Exception as error:  # one bad message must never stop the poller
        detail = clean_line(f"{type(error).__name__}: {error}", 300)
        return Quarantined(f"unparseable: {detail}", raw)


@dataclass
class _Flags:
    words: list[str] = field(default_factory=list)

    def add(self, *words: str) -> None:
        for word in words:
            if word not in self.words:
                self.words.append(word)


def _parse(raw: bytes, max_attachment: int) -> ParsedMail | Quarantined:
    message = _PARSER.parsebytes(raw)
    flags = _Flags()
    headers = _raw_headers(message, flags)
    if not headers:
        return Quarantined("not-a-mail: no header lines at the start", raw)
    sender = _sender(headers, flags)
    if sender is None:
        return Quarantined("no-sender: no address in From, Sender, Reply-To or Return-Path", raw)
    subject = clean_line(_header_text(headers, "subject", flags), SUBJECT_LIMIT)
    message_id = _message_id(headers, raw, flags)
    body_full, attachments = _contents(message, max_attachment, flags)
    body = trim_quoted(body_full)
    if body != body_full:
        flags.add("quotes-trimmed")
    return ParsedMail(
        message_id=message_id,
        in_reply_to=_first_id(headers.get("in-reply-to", [b""])[0]),
        references=tuple(_ids(b" ".join(headers.get("references", [])))),
        subject=subject,
        sender_address=sender[0],
        sender_name=sender[1],
        to=tuple(address for address, _ in _addresses(headers, "to", flags)),
        cc=tuple(address for address, _ in _addresses(headers, "cc", flags)),
        date=_date(headers, flags),
        body=body,
        body_full=body_full,
        attachments=tuple(attachments),
        flags=tuple(flags.words),
        raw=raw,
    )


# Headers


def _raw_headers(message: Message, flags: _Flags) -> dict[str, list[bytes]]:
    """Header values as received (unfolded), by lower-case name, bytes restored."""
    headers: dict[str, list[bytes]] = {}
    for name, value in message.raw_items():
        if not isinstance(value, str):
            value = str(value)
        unfolded = re.sub(r"\r?\n(?=[ \t])", "", value).strip("\r\n")
        data = unfolded.encode("utf-8", "surrogateescape")
        key = name.strip().lower()
        if len(data) > MAX_HEADER_BYTES:  # address parsing takes seconds per megabyte
            flags.add(f"header-truncated:{clean_line(key, NAME_LIMIT)}")
            data = data[:MAX_HEADER_BYTES]
        headers.setdefault(key, []).append(data)
    return headers


def _header_text(headers: dict[str, list[bytes]], name: str, flags: _Flags) -> str:
    values = headers.get(name)
    if not values:
        return ""
    decoded = decode_header_bytes(values[0])
    flags.add(*decoded.flags)
    return decoded.text


def _addresses(headers: dict[str, list[bytes]], name: str, flags: _Flags) -> list[tuple[str, str]]:
    """(address, display name) pairs of an address header; encoded names decoded."""
    found = []
    for value in headers.get(name, []):
        text = value.decode("ascii", "surrogateescape")
        for display, address in getaddresses([text]):
            address = clean_line(_decoded(address, flags), ID_LIMIT)
            if not address or address == "<>":
                continue
            local, at, domain = address.rpartition("@")
            address = f"{local}@{domain.lower()}" if at else address
            found.append((address, clean_line(_decoded(display, flags), NAME_LIMIT)))
    return found


def _decoded(text: str, flags: _Flags) -> str:
    decoded = decode_header_bytes(text.encode("utf-8", "surrogateescape"))
    flags.add(*decoded.flags)
    return decoded.text


def _sender(headers: dict[str, list[bytes]], flags: _Flags) -> tuple[str, str] | None:
    for name in ("from", "sender", "reply-to", "return-path"):
        addresses = _addresses(headers, name, flags)
        if addresses:
            if name != "from":
                flags.add(f"sender-from:{name}")
            if "@" not in addresses[0][0]:
                flags.add("sender-no-domain")
            return addresses[0]
    return None


def _message_id(headers: dict[str, list[bytes]], raw: bytes, flags: _Flags) -> str:
    found = _first_id(headers.get("message-id", [b""])[0])
    if found:
        return found
    flags.add("no-message-id")
    return f"{hashlib.sha256(raw).hexdigest()[:32]}@{SYNTHETIC_ID_DOMAIN}"


def _ids(value: bytes) -> list[str]:
    text = clean_line(value.decode("utf-8", "replace"), 20 * ID_LIMIT)
    ids = _MSG_ID.findall(text) or _ANY_TOKEN.findall(text)
    return list(dict.fromkeys(found[:ID_LIMIT] for found in ids))


def _first_id(value: bytes) -> str | None:
    ids = _ids(value)
    return ids[0] if ids else None


def _date(headers: dict[str, list[bytes]], flags: _Flags) -> datetime | None:
    values = headers.get("date")
    if not values or not values[0].strip():
        flags.add("no-date")
        return None
    try:
        parsed = parsedate_to_datetime(values[0].decode("ascii", "replace").strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        flags.add("bad-date")
        return None
    if parsed.tzinfo is None:  # "-0000": the sender's zone is unknown; the instant is UTC
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        flags.add("bad-date")
        return None


# Body and attachments


@dataclass
class _Contents:
    plain: list[str] = field(default_factory=list)
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    parts: int = 0


def _contents(message: Message, max_attachment: int, flags: _Flags) -> tuple[str, list[Attachment]]:
    contents = _Contents()
    _visit(message, contents, max_attachment, flags, depth=0)
    plain = [text for text in contents.plain if text.strip()]
    if plain:
        body = "\n\n".join(plain)
    elif contents.html is not None:  # also when the plain alternative is empty
        flags.add("html-only")
        body = contents.html
    else:
        body = ""
    body = clean_text(body)
    if len(body) > MAX_BODY_CHARS:
        flags.add("body-truncated")
        body = body[:MAX_BODY_CHARS].rstrip()
    return body, contents.attachments


def _visit(
    part: Message, contents: _Contents, max_attachment: int, flags: _Flags, depth: int
) -> None:
    contents.parts += 1
    if contents.parts > MAX_PARTS or depth > MAX_DEPTH:
        flags.add("too-many-parts" if depth <= MAX_DEPTH else "too-deep")
        return
    try:
        content_type = part.get_content_type()
        if part.is_multipart() and content_type.startswith("multipart/"):
            for child in part.get_payload():
                _visit(child, contents, max_attachment, flags, depth + 1)
            return
        _leaf(part, content_type, contents, max_attachment, flags)
    except Exception:  # one unreadable part must not lose the message
        flags.add(f"part-unreadable:{contents.parts}")


def _leaf(
    part: Message, content_type: str, contents: _Contents, max_attachment: int, flags: _Flags
) -> None:
    if content_type.startswith("multipart/"):
        content_type = "text/plain"  # a multipart without a usable boundary: read it as text
    filename = _filename(part, flags)
    disposition = part.get_content_disposition()
    is_attachment = disposition == "attachment" or (filename is not None and disposition is None)
    if not is_attachment and content_type == "text/plain":
        contents.plain.append(_part_text(part, flags))
    elif not is_attachment and content_type == "text/html" and contents.html is None:
        html = _part_text(part, flags, sniff_meta=True)
        contents.html = _readable_html(html, flags)
    else:
        index = len(contents.attachments)
        attachment = _attachment(part, content_type, filename, index, max_attachment, flags)
        contents.attachments.append(attachment)


def _part_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822" or part.is_multipart():
        inner = part.get_payload(0) if part.is_multipart() else part.get_payload()
        if isinstance(inner, Message):
            return inner.as_bytes(policy=policy.compat32)
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    return str(payload or "").encode("utf-8", "surrogateescape")


def _part_text(part: Message, flags: _Flags, sniff_meta: bool = False) -> str:
    data = _part_bytes(part)
    charset = part.get_content_charset()
    if charset is None and sniff_meta:
        meta = _META_CHARSET.search(data[:4096])
        charset = meta.group(1).decode("ascii") if meta else None
    decoded = decode_bytes(data, charset)
    flags.add(*decoded.flags)
    return decoded.text


def _readable_html(html: str, flags: _Flags) -> str:
    if len(html) > MAX_HTML_CHARS:  # the converter reads about half a megabyte a second
        flags.add("body-truncated")
        html = html[:MAX_HTML_CHARS]
    try:
        return html_to_text(html)
    except Exception:  # fall back to the bare text between tags
        flags.add("html-unreadable")
        return re.sub(r"<[^>]*>", " ", html)


def _filename(part: Message, flags: _Flags) -> str | None:
    """The attachment's name, read from the raw parameters (see charsets for why)."""
    as_written = Message()  # compat32: parameters come back undecoded
    for name, value in part.raw_items():
        if name.lower() in ("content-type", "content-disposition"):
            as_written[name] = str(value)
    value = as_written.get_param("filename", header="content-disposition")
    value = value or as_written.get_param("name")
    if not value:
        return None
    if isinstance(value, tuple):  # RFC 2231: (charset, language, %-decoded latin-1 text)
        decoded = decode_bytes(value[2].encode("latin-1", "replace"), value[0] or None)
        flags.add(*decoded.flags)
        name = decoded.text
    else:
        name = _decoded(collapse_rfc2231_value(value), flags)
    base = _PATH_SEPARATORS.split(name)[-1]
    return clean_line(base, NAME_LIMIT).strip(". ") or None


def _attachment(
    part: Message,
    content_type: str,
    filename: str | None,
    index: int,
    max_attachment: int,
    flags: _Flags,
) -> Attachment:
    content_type = clean_line(content_type, NAME_LIMIT)
    name = filename or f"part-{index + 1}{mimetypes.guess_extension(content_type) or '.bin'}"
    data = _part_bytes(part)
    if len(data) > max_attachment:
        flags.add(f"attachment-too-large:{name}")
        return Attachment(name, content_type, len(data), b"", omitted=True)
    return Attachment(name, content_type, len(data), data)
