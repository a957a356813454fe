"""UI text in Chinese and English. Messages live in `locales/<lang>.toml`.

`Texts(lang).get("queue.title")` returns the message; a missing key falls back to
English and then to the key itself, so a gap never crashes the console.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("zh", "en")
LOCALES = Path(__file__).with_name("locales")


@cache
def _catalogue(lang: str) -> dict[str, str]:
    data = tomllib.loads((LOCALES / f"{lang}.toml").read_text(encoding="utf-8"))
    return dict(_flatten(data))


def _flatten(data: dict[str, Any], prefix: str = ""):
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, name + ".")
        else:
            yield name, str(value)


class Texts:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self._own = _catalogue(self.lang)
        self._fallback = _catalogue("en")

    def get(self, message_id: str, /, **values: Any) -> str:
        message = self._own.get(message_id) or self._fallback.get(message_id) or message_id
        return message.format(**values) if values else message

    __call__ = get

    def has(self, message_id: str) -> bool:
        return message_id in self._own or message_id in self._fallback

    def severity(self, value: str) -> str:
        return self.get(f"severity.{value}")

    def status(self, value: str) -> str:
        return self.get(f"status.{value}")

    def channel(self, value: str) -> str:
        return self.get(f"channel.{value}")

    def ticket_kind(self, value: str) -> str:
        return self.get(f"ticket_kind.{value}")

    def state(self, value: str) -> str:
        return self.get(f"state.{value}")
