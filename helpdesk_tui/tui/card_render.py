"""One server's health card drawn as lines (strips) for the card grid: a frame in the
status's colour with the name on top and the age at the bottom; inside, the status and
customer, CPU and network with sparklines and peaks, the most urgent disks, pending
updates and the worst finding.

The sparklines are drawn by Textual's own Sparkline renderable (the one its Sparkline
widget draws with), with `max` as the summary so a peak is never averaged away. Texts
from outside arrive here already made literal by `health_text`.
"""

from __future__ import annotations

from datetime import datetime
from io import StringIO

from rich.color import Color
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.renderables.sparkline import Sparkline
from textual.strip import Strip

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.health_board import ServerCard
from helpdesk_tui.tui import health_text as words

CARD_HEIGHT = 11  # nine lines and the frame
CARD_DISKS = 2  # the most urgent disks on a card; the detail shows them all
LABEL_WIDTH = words.LABEL_WIDTH
MIN_SPARK = 4
ROUND = "╭─╮│╰─╯"
HEAVY = "┏━┓┃┗━┛"
SELECTED_BACKGROUND = "#26263a"
DOWN_BACKGROUND = "#3a0000"
DOWN_SELECTED_BACKGROUND = "#5f0000"
SPARK_LOW, SPARK_HIGH = Color.parse("#1f4f7f"), Color.parse("#2f9fff")
STALE = Style(dim=True)
# Renders texts to segments (no terminal behind it: widths and styles only).
CONSOLE = Console(width=400, color_system="truecolor", legacy_windows=False, file=StringIO())


def card_strips(
    t: Texts, card: ServerCard, now: datetime, width: int, selected: bool
) -> list[Strip]:
    """CARD_HEIGHT strips, each exactly `width` cells."""
    inner = max(width - 4, 10)  # the frame and a space of padding on each side
    colour = words.STATUS_COLOUR.get(card.status, "grey50")
    box = HEAVY if selected or card.status == "down" else ROUND
    background = _background(card.status, selected)
    frame = Style(color=colour, bgcolor=background)
    stale = words.age(t, card.collected_at, now)[1]
    side, pad = Segment(box[3], frame), Segment(" ", Style(bgcolor=background))
    middle = [
        Strip([side, pad, *_inside(line, inner, background, stale), pad, side])
        for line in _content(t, card, inner)
    ]
    title = Text(one_line(card.name, 60), style="bold #e4e4e4")
    age = words.age_text(t, card.collected_at, now)
    top = _edge(box[0] + box[1], box[1], box[2], title, width, frame, at_left=True)
    bottom = _edge(box[4], box[5], box[5] + box[6], age, width, frame, at_left=False)
    return [top, *middle, bottom]


def _background(status: str, selected: bool) -> str | None:
    if status == "down":
        return DOWN_SELECTED_BACKGROUND if selected else DOWN_BACKGROUND
    return SELECTED_BACKGROUND if selected else None


def _edge(
    start: str, line: str, end: str, label: Text, width: int, frame: Style, *, at_left: bool
) -> Strip:
    """`╭─ name ───────╮` (the label at the left) or `╰────── 2 min ago ─╯`."""
    label = label.copy()
    label.truncate(max(width - len(start) - len(end) - 2, 1), overflow="ellipsis")
    rest = Segment(line * max(width - len(start) - len(end) - label.cell_len - 2, 0), frame)
    words_ = [Segment(" ", frame), *_text(label, frame), Segment(" ", frame)]
    middle = [*words_, rest] if at_left else [rest, *words_]
    return Strip([Segment(start, frame), *middle, Segment(end, frame)]).crop_extend(0, width, frame)


def _inside(line: list[Segment], width: int, background: str | None, stale: bool) -> list[Segment]:
    strip = Strip(line).crop_extend(0, width, None)
    if background is not None:
        strip = strip.apply_style(Style(bgcolor=background))
    return list(Segment.apply_style(strip, post_style=STALE) if stale else strip)


def _content(t: Texts, card: ServerCard, width: int) -> list[list[Segment]]:
    rows = [_text(words.heading(t, card))]
    rows.append(_metric(words.cpu_label(t, card), card.cpu_series, words.cpu_peak(t, card), width))
    rows.append(_text(words.memory_line(t, card)))
    for name, now_value, series, peaks in (
        ("net_in", card.net_in_bps, card.net_in_series,
         words.net_peaks(t, card.net_in_peak_1h, card.net_in_peak_24h)),
        ("net_out", card.net_out_bps, card.net_out_series,
         words.net_peaks(t, card.net_out_peak_1h, card.net_out_peak_24h)),
    ):  # fmt: skip
        rows.append(_metric(words.net_label(t, name, now_value), series, peaks, width))
    rows += [_text(line) for line in _disks(t, card)]
    rows.append(_text(words.updates_line(t, card)))
    rows.append(_text(words.finding_line(t, card)))
    return rows


def _disks(t: Texts, card: ServerCard) -> list[Text]:
    disks = words.disks_by_urgency(card.disks)
    if not disks:
        return [Text(t("health.no_disks"), style="dim"), Text()]
    lines = [words.disk_line(t, disk) for disk in disks[:CARD_DISKS]]
    if len(disks) > CARD_DISKS:
        lines[-1].append(f"  {t('health.more', count=len(disks) - CARD_DISKS)}", style="dim")
    return [*lines, Text()][:CARD_DISKS]


def _text(text: Text, base: Style | None = None) -> list[Segment]:
    segments = [segment for segment in text.render(CONSOLE) if segment.text != "\n"]
    return list(Segment.apply_style(segments, base)) if base is not None else segments


def _metric(
    label: Text, values: tuple[float | None, ...], peaks: Text, width: int
) -> list[Segment]:
    """`CPU   93%  ▁▂▅█▇▃  ▲1h 98%`: the label, the sparkline in the room left, the peaks."""
    label = label.copy()
    label.truncate(LABEL_WIDTH, overflow="ellipsis", pad=True)
    spark_width = max(width - LABEL_WIDTH - peaks.cell_len - 2, MIN_SPARK)
    spark = Sparkline(
        words.series(values), width=spark_width, height=1,
        min_color=SPARK_LOW, max_color=SPARK_HIGH, summary_function=max,
    )  # fmt: skip
    options = CONSOLE.options.update_width(spark_width)
    bars = [segment for segment in CONSOLE.render(spark, options) if segment.text != "\n"]
    gap = Segment(" ")
    return [*_text(label), gap, *bars, gap, *_text(peaks)]
