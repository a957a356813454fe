"""Where a service request came from (seed 1.1.3: phone, fax, e-mail, surveys, ...)."""

from __future__ import annotations

from enum import StrEnum

from helpdesk_tui.domain.errors import InvalidInput


class Channel(StrEnum):
    PHONE = "phone"
    FAX = "fax"
    EMAIL = "email"
    MONITORING = "monitoring"
    VISIT = "visit"  # found on a return visit (回访)
    SURVEY = "survey"  # a satisfaction survey by the customer-service assistant
    PROACTIVE = "proactive"  # a need the maintenance team found itself
    OTHER = "other"


CHANNEL_ZH = {
    Channel.PHONE: "电话",
    Channel.FAX: "传真",
    Channel.EMAIL: "邮件",
    Channel.MONITORING: "监控",
    Channel.VISIT: "回访",
    Channel.SURVEY: "调查",
    Channel.PROACTIVE: "主动",
    Channel.OTHER: "其他",
}

_ALIASES = {
    **{c.value: c for c in Channel},
    **{zh: c for c, zh in CHANNEL_ZH.items()},
    "e-mail": Channel.EMAIL,
    "mail": Channel.EMAIL,
    "电子邮件": Channel.EMAIL,
    "热线": Channel.PHONE,
}


def parse_channel(text: str) -> Channel:
    found = _ALIASES.get(text.strip().lower())
    if found is None:
        raise InvalidInput(f"unknown channel {text!r}: use {'|'.join(c.value for c in Channel)}")
    return found
