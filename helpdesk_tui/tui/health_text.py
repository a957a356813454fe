"""Server health as the console words and colours it: status words, human rates, disk
bars, ages. Pure: a `ServerCard` and `now` in, rich `Text` out.

Names, mounts and findings come from outside (the servers themselves): they go through
`one_line` into `Text`, never through markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from rich.text import Text

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import fit, one_line
from helpdesk_tui.services.health_board import DiskGauge, ServerCard
from helpdesk_tui.tui.alert_text import gap

STALE_AFTER = timedelta(minutes=5)  # a collector round is a minute; five missed is news
STATUS_RANK = {"down": 0, "critical": 1, "warning": 2, "unknown": 3, "ok": 4}
STATUS_COLOUR = {
    "down": "#ff0000",
    "critical": "#ff5f5f",
    "warning": "#ffaf00",
    "unknown": "#808080",
    "ok": "#5faf5f",
}
BADGE_STYLE = {
    "expand": "bold #ffd700 reverse",  # fine now, but a disk fills up soon (系统扩容)
    "stale": "dim reverse",  # what is known is too old to say "fine"
    "down": "bold #ffffff on #d70000",
    "critical": "bold #ff5f5f reverse",
    "warning": "bold #ffaf00 reverse",
    "unknown": "dim reverse",
    "ok": "#5faf5f reverse",
}
SECURITY_STYLE = "bold #ff5f5f"
FLAGGED_STYLE = "bold #ffd700"
DISK_WARN, DISK_CRIT = 85.0, 95.0  # the domain's default thresholds, for colour only
BAR_FULL, BAR_EMPTY = "█", "░"
FULL_HORIZON_DAYS = 365  # "full in 1752 d" says nothing worth the room
RATE_WIDTH = 9  # "99.9 MB/s", "999 KB/s": rates line up in a column
LABEL_WIDTH = 5 + RATE_WIDTH  # "CPU   93%", "入   12.3 MB/s"
RATE_UNITS = ("B/s", "KB/s", "MB/s", "GB/s", "TB/s")


def status_word(t: Texts, status: str) -> str:
    return t(f"health.status_{status}")


def status_badge(t: Texts, status: str, width: int = 0) -> Text:
    """` 不可达 ` in the status's colours; `width` pads the word so badges line up."""
    word = status_word(t, status)
    return Text(f" {fit(word, width) if width else word} ", style=BADGE_STYLE.get(status, ""))


def badge_width(t: Texts) -> int:
    return max(Text(status_word(t, s)).cell_len for s in BADGE_STYLE)


def pane_status(card: ServerCard, now: datetime) -> str:
    """The status word for a one-line summary: an ok server with a disk to expand soon
    or with stale data says so instead of "ok"."""
    if card.status != "ok":
        return card.status
    if any(disk.capacity_flagged for disk in card.disks):
        return "expand"
    if card.collected_at is None or now - card.collected_at > STALE_AFTER:
        return "stale"
    return "ok"


def worst_first(cards: Sequence[ServerCard]) -> list[ServerCard]:
    """Down first, then critical, warning, unknown and ok; the board's order within each."""
    return sorted(cards, key=lambda card: STATUS_RANK.get(card.status, len(STATUS_RANK)))


def has_problem(card: ServerCard, now: datetime) -> bool:
    """Anything but ok, a finding, a gap in what is known, a disk to expand soon (系统扩容),
    or data too old to trust."""
    if card.status != "ok" or card.findings or card.problems:
        return True
    if any(disk.capacity_flagged for disk in card.disks):
        return True
    return card.collected_at is None or now - card.collected_at > STALE_AFTER


def rate(bytes_per_second: float | None) -> str:
    """`12.3 MB/s` (decimal units, as network tools count); `—` when unknown."""
    if bytes_per_second is None:
        return "—"
    value = max(bytes_per_second, 0.0)
    unit = 0
    while value >= 999.95 and unit < len(RATE_UNITS) - 1:
        value /= 1000
        unit += 1
    number = f"{value:.0f}" if unit == 0 or value >= 100 else f"{value:.1f}"
    return f"{number} {RATE_UNITS[unit]}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def level_style(value: float | None, warn: float, crit: float) -> str:
    if value is None:
        return "dim"
    if value >= crit:
        return "bold #ff5f5f"
    return "bold #ffaf00" if value >= warn else ""


def series(values: Sequence[float | None]) -> list[float]:
    """For a sparkline: unknown samples count as zero (the gap shows as a dip), and one
    sample alone draws nothing (the widget would draw it as a full bar)."""
    return [0.0 if value is None else value for value in values] if len(values) > 1 else []


def age(t: Texts, collected_at: datetime | None, now: datetime) -> tuple[str, bool]:
    """`2 min ago`, and whether the data is stale (older than STALE_AFTER, or none)."""
    if collected_at is None:
        return t("health.never"), True
    seconds = max((now - collected_at).total_seconds(), 0)
    if seconds < 60:
        said = t("health.age_now")
    elif seconds < 3600:
        said = t("health.age_minutes", minutes=int(seconds // 60))
    elif seconds < 86_400:
        said = t("health.age_hours", hours=int(seconds // 3600))
    else:
        said = t("health.age_days", days=int(seconds // 86_400))
    return said, now - collected_at > STALE_AFTER


def age_text(t: Texts, collected_at: datetime | None, now: datetime) -> Text:
    said, stale = age(t, collected_at, now)
    if not stale:
        return Text(said, style="dim")
    if collected_at is None:
        return Text(said, style="bold #ffaf00")
    return Text(f"{t('health.stale')} · {said}", style="bold #ffaf00")


def heading(t: Texts, card: ServerCard) -> Text:
    """The badge, then `customer · role` (and 乙方运维 for servers the vendor runs)."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append_text(status_badge(t, card.status, badge_width(t)))
    gap(line)
    line.append(one_line(card.customer, 80))
    if card.role:
        gap(line, " · ")
        line.append(one_line(card.role, 40), style="italic")
    if card.vendor_operated:
        gap(line, " · ")
        line.append(t("health.vendor_operated"), style="dim")
    return line


def cpu_label(t: Texts, card: ServerCard) -> Text:
    line = Text(no_wrap=True)
    line.append(fit(t("health.cpu"), 5), style="bold")
    value = percent(card.cpu_percent).rjust(RATE_WIDTH)
    line.append(value, style=level_style(card.cpu_percent, 80, 95))
    return line


def net_label(t: Texts, name: str, value: float | None) -> Text:
    line = Text(no_wrap=True)
    line.append(fit(t(f"health.{name}"), 5), style="bold")
    line.append(rate(value).rjust(RATE_WIDTH))
    return line


def cpu_peak(t: Texts, card: ServerCard) -> Text:
    known = [value for value in card.cpu_series if value is not None]
    line = Text(no_wrap=True)
    line.append(f"{t('health.peak_1h')} ", style="dim")
    line.append(percent(max(known) if known else None))
    return line


def net_peaks(t: Texts, peak_1h: float | None, peak_24h: float | None) -> Text:
    line = Text(no_wrap=True)
    line.append(f"{t('health.peak_1h')} ", style="dim")
    line.append(rate(peak_1h).rjust(RATE_WIDTH))
    gap(line)
    line.append(f"{t('health.peak_24h')} ", style="dim")
    line.append(rate(peak_24h).rjust(RATE_WIDTH))
    return line


def memory_line(t: Texts, card: ServerCard) -> Text:
    """`内存 71%   负载 1.20   运行 12 天`"""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(fit(t("health.memory"), 5), style="bold")
    line.append(percent(card.memory_percent), style=level_style(card.memory_percent, 85, 95))
    gap(line, "   ")
    line.append(f"{t('health.load')} ", style="dim")
    line.append("—" if card.load1 is None else f"{card.load1:.2f}")
    gap(line, "   ")
    line.append(f"{t('health.uptime')} ", style="dim")
    line.append(uptime(t, card.uptime_seconds))
    return line


def uptime(t: Texts, seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 86_400:
        return t("health.days", days=int(seconds // 86_400))
    return t("health.hours", hours=int(seconds // 3600))


def disks_by_urgency(disks: Sequence[DiskGauge]) -> list[DiskGauge]:
    """Capacity-flagged first, then the fullest."""
    return sorted(disks, key=lambda d: (not d.capacity_flagged, -(d.percent or 0.0)))


def disk_line(t: Texts, disk: DiskGauge, mount_width: int = 10, bar_width: int = 12) -> Text:
    """`/data      ████████░░░░  82%  12 天后满  系统扩容`"""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(fit(one_line(disk.mount), mount_width))
    gap(line)
    style = level_style(disk.percent, DISK_WARN, DISK_CRIT) or "#5faf5f"
    filled = round((disk.percent or 0.0) / 100 * bar_width)
    filled = min(max(filled, 0), bar_width)
    line.append(BAR_FULL * filled, style=style)
    line.append(BAR_EMPTY * (bar_width - filled), style="dim")
    line.append(percent(disk.percent).rjust(5), style=style)
    if disk.days_until_full is not None and disk.days_until_full <= FULL_HORIZON_DAYS:
        gap(line, "  ")
        days = max(int(disk.days_until_full), 0)
        style = FLAGGED_STYLE if disk.capacity_flagged else ""
        line.append(t("health.full_in", days=days), style=style)
    if disk.capacity_flagged:
        gap(line, "  ")
        line.append(f" {t('health.expand')} ", style=f"{FLAGGED_STYLE} reverse")
    return line


def expansion_line(t: Texts, card: ServerCard) -> Text | None:
    """`/data 13 天后满 · 系统扩容` for the most urgent flagged disk; None without one."""
    flagged = [disk for disk in disks_by_urgency(card.disks) if disk.capacity_flagged]
    if not flagged:
        return None
    disk = flagged[0]
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(one_line(disk.mount, 40), style=FLAGGED_STYLE)
    if disk.days_until_full is not None:
        gap(line)
        line.append(t("health.full_in", days=max(int(disk.days_until_full), 0)), FLAGGED_STYLE)
    gap(line, " · ")
    line.append(t("health.expand"), style=FLAGGED_STYLE)
    return line


def updates_line(t: Texts, card: ServerCard) -> Text:
    """`待更新 12 · 安全 3   工单 T-000123 T-000124`"""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{t('health.updates')} ", style="dim")
    line.append("—" if card.updates_pending is None else str(card.updates_pending))
    security = card.security_updates_pending
    if security:
        gap(line, " · ")
        line.append(t("health.security", count=security), style=SECURITY_STYLE)
    if card.open_tickets:
        gap(line, "   ")
        line.append(f"{t('health.tickets')} ", style="dim")
        line.append(" ".join(one_line(key, 12) for key in card.open_tickets), style="bold")
    return line


def worst_line(card: ServerCard) -> str | None:
    """The worst finding, or why something is unknown; None when all is well."""
    if card.findings:
        return one_line(card.findings[0], 200)
    if card.problems:
        return one_line(card.problems[0], 200)
    return None


def finding_line(t: Texts, card: ServerCard) -> Text:
    line = Text(no_wrap=True, overflow="ellipsis")
    worst = worst_line(card)
    if worst is None:
        line.append(t("health.no_findings"), style="dim")
        return line
    style = "bold " + STATUS_COLOUR.get(card.status, "") if card.findings else "dim italic"
    line.append("! " if card.findings else "? ", style=style)
    line.append(worst, style=style)
    more = len(card.findings) + len(card.problems) - 1
    if more > 0:
        gap(line)
        line.append(t("health.more", count=more), style="dim")
    return line
