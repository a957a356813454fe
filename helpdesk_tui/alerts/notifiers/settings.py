"""The `[notifiers]` table of config.toml, checked: which channels exist and how to reach them.

```toml
[notifiers]
terminal = "auto"   # auto | osc9 | osc777 | osc99 | off
bell = true
desktop = "auto"    # auto | off
[notifiers.smtp]
host = "127.0.0.1"
sender = "helpdesk@example.com"
security = "none"   # none | starttls | ssl; port defaults to 25 | 587 | 465
[[notifiers.webhooks]]
name = "desk-group"
kind = "dingtalk"   # dingtalk | wecom | feishu | json
url = "https://oapi.dingtalk.com/robot/send?access_token=..."
```
"""

from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from helpdesk_tui.domain.errors import InvalidInput

DEFAULT_SMTP_PORTS = {"none": 25, "starttls": 587, "ssl": 465}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SmtpSettings(_Strict):
    host: str = Field(min_length=1)
    port: int = Field(ge=1, le=65535)  # when left out: the usual port for `security`
    sender: str = Field(min_length=3)
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str = ""
    password: SecretStr = SecretStr("")
    timeout: float = Field(default=10, gt=0, le=300)

    @model_validator(mode="before")
    @classmethod
    def _usual_port(cls, data: Any) -> Any:
        if isinstance(data, dict) and "port" not in data:
            return {**data, "port": DEFAULT_SMTP_PORTS.get(data.get("security", "none"), 25)}
        return data


class WebhookSettings(_Strict):
    name: str = ""
    kind: Literal["dingtalk", "wecom", "feishu", "json"]
    url: SecretStr  # the query string holds the robot's token: never logged
    secret: SecretStr = SecretStr("")
    timeout: float = Field(default=10, gt=0, le=300)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: SecretStr) -> SecretStr:
        parts = urlsplit(value.get_secret_value())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("expected an http:// or https:// URL")
        return value

    @property
    def label(self) -> str:
        return self.name or self.kind


class NotifierSettings(_Strict):
    terminal: Literal["auto", "osc9", "osc777", "osc99", "off"] = "auto"
    bell: bool = True
    desktop: Literal["auto", "off"] = "auto"
    smtp: SmtpSettings | None = None
    webhooks: tuple[WebhookSettings, ...] = ()


def parse_notifier_settings(data: dict[str, Any]) -> NotifierSettings:
    """`Settings.notifiers` checked; a bad value is InvalidInput naming the key in one line."""
    try:
        return NotifierSettings.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        raise InvalidInput(f"{_key_path(first['loc'])}: {_reason(first)}") from None


def _key_path(location: tuple[int | str, ...]) -> str:
    path = "notifiers"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _reason(error: Any) -> str:
    if error["type"] == "literal_error":
        choices = re.findall(r"'([^']*)'", error["ctx"]["expected"])
        return f"expected one of {', '.join(choices)}"
    if error["type"] == "extra_forbidden":
        return "unknown key"
    if error["type"] == "missing":
        return "required"
    if error["type"] in ("model_type", "dict_type"):
        return "expected a table"
    if error["type"] in ("tuple_type", "list_type"):
        return "expected an array of tables"
    return error["msg"].removeprefix("Value error, ").replace("Input should", "should", 1)
