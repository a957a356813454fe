"""Bytes with a declared charset (often wrong) to text, saying whenever it had to guess.

Order of attempts: the declared charset strictly; for a label whose encoding has a
well-known superset (gb2312 and gbk → gb18030, big5 → big5hkscs) that superset; UTF-8
strictly; detection; last, UTF-8 with replacement characters. Every step after the first
adds a flag. Detection is `charset_normalizer`, except for short text (a subject, a
two-line body) where statistics fail (short GBK comes out as Korean): there GB18030 and
Big5 are tried, and kept if they read as everyday Chinese. Two guesses are not strict failures:
UTF-8 under a single-byte label (iso-8859-1, windows-1252...) never fails to decode,
and valid UTF-8 also decodes under gbk or big5 as rare characters; in both cases
the decoding that reads as ordinary text wins.

Headers: RFC 2047 encoded-words are decoded here too, not by the stdlib header
classes, because those decode a word labelled gb2312 with gb2312 and leave the GBK-only
characters (镕, 喆...) as garbage; adjacent words are joined before decoding since some
clients split one character across two words.
"""

from __future__ import annotations

import binascii
import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

import charset_normalizer

# Labels seen in the wild that Python does not know, or knows under another name.
_LABEL_ALIASES = {
    "x-gbk": "gbk",
    "ms936": "gbk",
    "windows-936": "gbk",
    "csgb2312": "gb2312",
    "x-gb2312": "gb2312",
    "gb_2312-80": "gb2312",
    "euc-cn": "gb2312",
    "x-euc-cn": "gb2312",
    "x-big5": "big5",
    "cn-big5": "big5",
    "csbig5": "big5",
    "big5-hkscs": "big5hkscs",
    "x-sjis": "shift_jis",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "utf8mb4": "utf-8",
}
# Decoding under the superset reads everything the label's own encoding reads.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc_jp": "cp932",
    "iso2022_jp": "iso2022_jp_2",
    "euc_kr": "cp949",
    "ascii": "utf-8",
}
# Text codecs Python has that no mail should be allowed to pick.
_REFUSED_CODECS = {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"}
_DETECTION_SAMPLE = 64 * 1024
_PLAUSIBILITY_SAMPLE = 4000
# Lead-byte rows of the common characters: GB2312 punctuation and level-1 hanzi, Big5
# punctuation and level-1 hanzi.
_COMMON_ROWS = (("gb2312", ((0xA1, 0xA9), (0xB0, 0xD7))), ("big5", ((0xA1, 0xC6),)))
_EVERYDAY_THRESHOLD = 0.7
_SHORT_TEXT = 512


@dataclass(frozen=True)
class Decoded:
    text: str
    flags: tuple[str, ...] = ()


def codec_for(label: str | None) -> str | None:
    """Python's codec name for a MIME charset label; None if unknown or not a text codec."""
    name = _clean_label(label)
    if not name:
        return None
    name = _LABEL_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not info._is_text_encoding or info.name.replace("_", "-") in _REFUSED_CODECS:
        return None
    return info.name


def decode_bytes(data: bytes, declared: str | None) -> Decoded:
    """Decode `data` declared as `declared` (None: no label); never raises."""
    label = _clean_label(declared)
    codec = codec_for(label)
    if data.isascii() and not _seven_bit_stateful(codec):
        return Decoded(data.decode("ascii"))
    flags: list[str] = []
    if codec is not None:
        text = _strict(data, codec)
        if text is not None:
            return _unless_utf8_reads_better(data, text, label, codec)
        wider = _SUPERSETS.get(codec)
        if wider is not None and (text := _strict(data, wider)) is not None:
            return _unless_utf8_reads_better(
                data, text, label, wider, (f"charset-fallback:{label}→{wider}",)
            )
    elif label:
        flags.append(f"charset-unknown:{label}")
    if codec != "utf-8" and (text := _strict(data, "utf-8")) is not None:
        word = "charset-mislabelled" if label else "charset-assumed"
        return Decoded(text, (*flags, f"{word}:{label or 'none'}→utf-8"))
    detected = _detect(data)
    if detected is not None:
        return Decoded(detected[1], (*flags, f"charset-detected:{detected[0]}"))
    text = data.decode(codec or "utf-8", "replace")
    return Decoded(text, (*flags, f"charset-replaced:{label or 'none'}"))


_ENCODED_WORD = re.compile(rb"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def decode_header_bytes(raw: bytes) -> Decoded:
    """An unfolded header value (bytes as received) to text; encoded-words decoded."""
    pieces: list[tuple[str | None, bytes]] = []  # (charset label of a word or None, bytes)
    position = 0
    flags: list[str] = []
    for match in _ENCODED_WORD.finditer(raw):
        gap = raw[position : match.start()]
        after_word = bool(pieces) and pieces[-1][0] is not None
        if gap and not (after_word and not gap.strip()):
            pieces.append((None, gap))
        word = _word_bytes(match)
        if word is None:
            flags.append("bad-encoded-word")
            pieces.append((None, match.group()))
        else:
            charset = match.group(1).split(b"*", 1)[0].decode("ascii", "replace").lower()
            if pieces and pieces[-1][0] == charset:
                pieces[-1] = (charset, pieces[-1][1] + word)
            else:
                pieces.append((charset, word))
        position = match.end()
    if position < len(raw):
        pieces.append((None, raw[position:]))
    texts = []
    for charset, data in pieces:
        if charset is None and not data.isascii():
            flags.append("header-8bit")
        decoded = decode_bytes(data, charset)
        texts.append(decoded.text)
        flags.extend(decoded.flags)
    return Decoded("".join(texts), tuple(dict.fromkeys(flags)))


def _word_bytes(match: re.Match[bytes]) -> bytes | None:
    encoding, payload = match.group(2).upper(), match.group(3)
    try:
        if encoding == b"B":
            return binascii.a2b_base64(payload + b"=" * (-len(payload) % 4))
        return binascii.a2b_qp(payload, header=True)
    except (binascii.Error, ValueError):
        return None


def _clean_label(label: str | bytes | None) -> str:
    if label is None:
        return ""
    if isinstance(label, bytes):
        label = label.decode("ascii", "replace")
    return label.strip().strip("\"'").strip().lower()[:40]


def _seven_bit_stateful(codec: str | None) -> bool:
    """ISO-2022 and UTF-7 text is all ASCII bytes, yet not ASCII text."""
    return codec is not None and codec.startswith(("iso2022", "utf-7", "hz"))


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _unless_utf8_reads_better(
    data: bytes, text: str, label: str, codec: str, flags: tuple[str, ...] = ()
) -> Decoded:
    if codec == "utf-8" or data.isascii():  # ASCII bytes: ISO-2022-JP, UTF-7
        return Decoded(text, flags)
    utf8 = _strict(data, "utf-8")
    if utf8 is not None and _single_byte(codec):
        # Valid UTF-8 with non-ASCII bytes is almost never real Latin-1 text.
        return Decoded(utf8, (f"charset-mislabelled:{label}→utf-8",))
    if utf8 is not None and _ordinary_share(utf8) > _ordinary_share(text):
        return Decoded(utf8, (f"charset-mislabelled:{label}→utf-8",))
    return Decoded(text, flags)


def _single_byte(codec: str) -> bool:
    return codec in {"latin-1", "iso8859-1"} or codec.startswith(("iso8859", "cp125", "cp4"))


def _ordinary_share(text: str) -> float:
    """Share of the non-ASCII characters that everyday text uses; 0 if any is private-use.

    Everyday: the common hanzi and punctuation of GB2312 (level 1) and Big5 (level 1),
    kana, hangul. A wrong East Asian decoding yields rare characters or private-use ones.
    """
    sample = [char for char in text[:_PLAUSIBILITY_SAMPLE] if ord(char) > 0x7F]
    if not sample:
        return 1.0
    if any("\ue000" <= char <= "\uf8ff" or char == "\ufffd" for char in sample):
        return 0.0
    return sum(map(_everyday, sample)) / len(sample)


@lru_cache(maxsize=8192)
def _everyday(char: str) -> bool:
    if "\u3040" <= char <= "\u30ff" or "\uac00" <= char <= "\ud7af":
        return True
    for encoding, rows in _COMMON_ROWS:
        try:
            lead = char.encode(encoding)[0]
        except UnicodeEncodeError:
            continue
        if any(first <= lead <= last for first, last in rows):
            return True
    return False


def _chinese_guess(data: bytes) -> tuple[str, str] | None:
    """For short text, where statistical detection is poor: GB18030 or Big5, if either
    reads as everyday Chinese (GB18030 wins a tie: this desk's mail is mostly mainland)."""
    best: tuple[float, str, str] | None = None
    for codec in ("gb18030", "big5", "big5hkscs"):
        text = _strict(data, codec)
        if text is None or (codec == "big5hkscs" and best and best[1] == "big5"):
            continue
        share = _ordinary_share(text)
        if best is None or share > best[0]:
            best = (share, codec, text)
    if best is None or best[0] < _EVERYDAY_THRESHOLD:
        return None
    return best[1], best[2]


def _detect(data: bytes) -> tuple[str, str] | None:
    if len(data) < _SHORT_TEXT and (guess := _chinese_guess(data)) is not None:
        return guess
    return _normalizer_guess(data) or _chinese_guess(data)


def _normalizer_guess(data: bytes) -> tuple[str, str] | None:
    try:
        best = charset_normalizer.from_bytes(data[:_DETECTION_SAMPLE]).best()
    except Exception:  # a detector bug must not lose the message
        return None
    if best is None or best.encoding is None:
        return None
    codec = codec_for(best.encoding)
    if codec is None:
        return None
    wider = _SUPERSETS.get(codec, codec)
    text = _strict(data, wider) if wider != "utf-8" else None
    if text is None:
        text = data.decode(codec, "replace")
    return codecs.lookup(best.encoding).name, text
