"""Settings: `config.toml` in the user config dir, overridden by HELPDESK_* variables,
overridden by command-line options."""

from __future__ import annotations

import getpass
import locale
import os
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from helpdesk_tui.domain.errors import InvalidInput

APP_NAME = "helpdesk_tui"
MIN_HEALTH_EVERY = 10  # seconds between health rounds; Prometheus' own default is 15 s


def config_file() -> Path:
    explicit = os.environ.get("HELPDESK_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_database() -> str:
    return str(Path(platformdirs.user_data_dir(APP_NAME)) / "helpdesk.db")


def default_backup_folder() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "backups"


def system_timezone() -> str:
    """The IANA name of this machine's zone (TZ, then /etc/localtime), else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        candidates.append(str(localtime.resolve()).partition("zoneinfo/")[2])
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        candidates.append(timezone_file.read_text(encoding="utf-8").strip())
    for name in candidates:
        if name and _is_zone(name):
            return name
    return "UTC"


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def system_language() -> Literal["zh", "en"]:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    code = locale.getlocale()[0] or ""
    return "zh" if code.lower().startswith("zh") else "en"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HELPDESK_", extra="forbid")

    db: str = Field(default_factory=default_database)
    user: str = Field(default_factory=getpass.getuser)
    lang: Literal["zh", "en"] = Field(default_factory=system_language)
    tz: str = Field(default_factory=system_timezone)
    sla_policy: str = ""  # a TOML file; empty means the shipped data/sla_policy.toml
    monitoring_policy: str = ""  # a TOML file; empty: the shipped data/monitoring_policy.toml
    calendars_dir: str = ""  # extra calendars, looked up before the shipped ones
    keymap: dict[str, str] = Field(default_factory=dict)
    notifiers: dict[str, Any] = Field(default_factory=dict)
    prometheus_url: str = ""  # e.g. http://127.0.0.1:9090: servers with an instance label
    # The daemon's daily backup of this database: local "HH:MM" ("" for none), where, how many.
    backup_daily: str = Field(default="03:00", pattern=r"^(([01]\d|2[0-3]):[0-5]\d)?$")
    backup_dir: str = ""  # empty: "backups" in the user data folder
    backup_keep: int = Field(default=14, ge=1, le=3650)
    # Server health collection: a round every `health_every` seconds (0: no collection in
    # this process), samples kept `health_keep_days` (hourly beyond the last 48 h).
    health_every: int = Field(default=60, ge=0, le=86_400)
    health_keep_days: int = Field(default=35, ge=3, le=3650)

    @field_validator("health_every")
    @classmethod
    def _sensible_interval(cls, value: int) -> int:
        if 0 < value < MIN_HEALTH_EVERY:
            raise ValueError(f"0 (off) or at least {MIN_HEALTH_EVERY} seconds")
        return value

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not _is_zone(value):
            raise ValueError(f"unknown time zone {value!r}")
        return value

    @field_validator("user")
    @classmethod
    def _plain_login(cls, value: str) -> str:
        if not value.strip() or len(value) > 64:
            raise ValueError("a user name of 1 to 64 characters is needed")
        return value.strip()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, config_file()))


def load_settings(**overrides: Any) -> Settings:
    """Settings with command-line overrides (None: not given); bad values are InvalidInput."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        raise InvalidInput(
            f"setting {where}: {first['msg'].removeprefix('Value error, ')}"
        ) from None
    except (OSError, ValueError) as error:  # an unreadable or malformed config.toml
        raise InvalidInput(f"cannot read {config_file()}: {error}") from None
