"""Reading the shipped and user-supplied data files: SLA policy, monitoring policy and
work calendars."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from helpdesk_tui.domain.calendar import CalendarError, WorkCalendar, always_on, parse_calendar
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.monitoring_policy import MonitoringPolicy, parse_monitoring_policy
from helpdesk_tui.domain.severity import SlaPolicy, parse_policy


@cache
def data_dir() -> Path:
    """`data/` of a source checkout, or the copy packed into an installed wheel."""
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / "data", package / "_data"):
        if (candidate / "sla_policy.toml").is_file():
            return candidate
    raise FileNotFoundError("helpdesk data files are missing (data/sla_policy.toml)")


def _read_toml(path: Path, what: str) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"{what} file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidInput(f"{what} file {path} cannot be read: {error}") from None


def load_policy(path: str = "") -> SlaPolicy:
    source = Path(path) if path else data_dir() / "sla_policy.toml"
    return parse_policy(_read_toml(source, "SLA policy"))


def load_monitoring_policy(path: str = "") -> MonitoringPolicy:
    source = Path(path) if path else data_dir() / "monitoring_policy.toml"
    return parse_monitoring_policy(_read_toml(source, "monitoring policy"))


def policy_with_override(base: SlaPolicy, override_toml: str) -> SlaPolicy:
    """A contract's own terms on top of the desk's policy."""
    if not override_toml.strip():
        return base
    try:
        return parse_policy(tomllib.loads(override_toml), base)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"contract SLA policy is not valid TOML: {error}") from None


@dataclass
class CalendarBook:
    """Finds calendars by name (user folder first, then the shipped ones) or by file path."""

    default_timezone: str
    extra_dir: str = ""
    _cache: dict[str, WorkCalendar] = field(default_factory=dict)

    def get(self, name_or_path: str) -> WorkCalendar:
        key = name_or_path.strip() or "24x7"
        if key not in self._cache:
            self._cache[key] = self._load(key)
        return self._cache[key]

    def _load(self, key: str) -> WorkCalendar:
        if key == "24x7":
            return always_on(self.default_timezone)
        path = self._locate(key)
        try:
            return parse_calendar(_read_toml(path, "calendar"), self.default_timezone)
        except CalendarError as error:
            raise InvalidInput(f"{path}: {error}") from None

    def _locate(self, key: str) -> Path:
        if key.endswith(".toml") or "/" in key:
            return Path(key).expanduser()
        folders = [Path(self.extra_dir)] if self.extra_dir else []
        folders.append(data_dir() / "calendars")
        for folder in folders:
            if (folder / f"{key}.toml").is_file():
                return folder / f"{key}.toml"
        known = sorted(p.stem for f in folders if f.is_dir() for p in f.glob("*.toml"))
        raise InvalidInput(f"unknown calendar {key!r}: known are {', '.join(known) or 'none'}")
