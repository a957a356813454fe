"""The reports screen's charts (textual-plotext): response vs fix compliance per group
(bars), tickets by channel (bars) and the twelve months' compliance trend (lines).

Each chart keeps the figures it was given and draws them when it renders, at the size it
has then, so a resize redraws it. Axis labels are ASCII (plotext misaligns double-width
characters): severities and channels by their ids, other groups by their row number in
the table. The titles and the legend are the widget's border title, in the user's
language. The plot's colours follow the app theme (textual-plotext's "auto" theme).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.app import RenderResult
from textual_plotext import PlotextPlot

RESPONSE_COLOR = (95, 175, 255)
FIX_COLOR = (255, 175, 0)
CHANNEL_COLOR = (95, 175, 95)
RESPONSE_MARK = "#5fafff"
FIX_MARK = "#ffaf00"
PERCENT_TICKS = [0, 50, 80, 100]  # 95 (the table's green) would share a row with 100 and plotext
# then prints either label, by string hash order: a picture that changes from run to run
Y_AXIS_CELLS = 6  # what the y ticks and frame take of the width
BAR_CELLS = 6  # the least a group of bars needs


@dataclass(frozen=True)
class Compliance:
    labels: list[str]
    response: list[float | None]
    fix: list[float | None]


@dataclass(frozen=True)
class ChannelCounts:
    counts: list[tuple[str, int]] = field(default_factory=list)  # most used first


class ReportChart(PlotextPlot):
    """A chart that draws its figures at render time; `draw` is the chart's own."""

    DEFAULT_CSS = """
    ReportChart { border: round $primary 40%; border-title-color: $text; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.figures: object | None = None

    def show(self, figures: object, title: str) -> None:
        self.figures = figures
        self.border_title = title  # our own locale text: markup is ours
        self.refresh()

    def render(self) -> RenderResult:
        plt = self.plt
        plt.clear_figure()
        width = self.content_size.width
        if self.figures is not None and width > Y_AXIS_CELLS:
            self.draw(self.figures, width)
        return super().render()

    def draw(self, figures: object, width: int) -> None:
        raise NotImplementedError

    def _percent_axis(self) -> None:
        self.plt.ylim(0, 100)
        self.plt.yticks(PERCENT_TICKS, [str(tick) for tick in PERCENT_TICKS])


class ComplianceChart(ReportChart):
    def draw(self, figures: object, width: int) -> None:
        assert isinstance(figures, Compliance)
        shown = max((width - Y_AXIS_CELLS) // BAR_CELLS, 1)
        labels = figures.labels[:shown]
        if not labels:
            return
        room = max((width - Y_AXIS_CELLS) // len(labels) - 1, 3)
        labels = [label[:room] for label in labels]
        response = [value or 0.0 for value in figures.response[:shown]]
        fix = [value or 0.0 for value in figures.fix[:shown]]
        self.plt.multiple_bar(labels, [response, fix], color=[RESPONSE_COLOR, FIX_COLOR])
        self._percent_axis()


class ChannelChart(ReportChart):
    def draw(self, figures: object, width: int) -> None:
        assert isinstance(figures, ChannelCounts)
        counts = [(name, count) for name, count in figures.counts if count]
        if not counts:
            return
        room = max((width - Y_AXIS_CELLS) // len(counts) - 1, 3)
        self.plt.bar([name[:room] for name, _ in counts], [count for _, count in counts],
                     color=CHANNEL_COLOR)  # fmt: skip
        top = max(count for _, count in counts)
        self.plt.ylim(0, top)
        self.plt.yticks(*_count_ticks(top))


class TrendChart(ReportChart):
    def draw(self, figures: object, width: int) -> None:
        assert isinstance(figures, Compliance)
        months = figures.labels
        if not months:
            return
        for values, color in ((figures.response, RESPONSE_COLOR), (figures.fix, FIX_COLOR)):
            points = [(i, v) for i, v in enumerate(values, start=1) if v is not None]
            if points:
                self.plt.plot([i for i, _ in points], [v for _, v in points], color=color)
        self._percent_axis()
        self.plt.xlim(0.5, len(months) + 0.5)
        self.plt.xticks(*_month_ticks(months, width - Y_AXIS_CELLS))


def _count_ticks(top: int) -> tuple[list[int], list[str]]:
    ticks = sorted({0, top // 2, top}) if top > 1 else [0, top]
    return ticks, [str(tick) for tick in ticks]


def _month_ticks(months: list[str], width: int) -> tuple[list[int], list[str]]:
    """`2026-11` months as `11`, or `26-11` when there is room; every other one when
    even the short ones crowd."""
    room = width // max(len(months), 1)
    labels = [month[2:] if room >= 7 else month[-2:] for month in months]
    step = 1 if room >= 3 else 2
    positions = list(range(1, len(months) + 1))[::step]
    return positions, labels[::step]


def legend(response: str, fix: str) -> str:
    """The two series' colours and names, for a border title (Textual markup)."""
    return f"[{RESPONSE_MARK}]■[/] {response} [{FIX_MARK}]■[/] {fix}"
