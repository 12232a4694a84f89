"""Geometry of the dashboard's per-day chart: scales, bars, line and ticks from stats.DayStats.

dashboard.py builds a Chart from daily_activity(); admin/moderation/dashboard_chart.svg draws it
inline in the page. Plain arithmetic in viewBox units, so no plotting library ships (issue 19).
Every string of the chart is translated here: makemessages does not read .svg templates.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Sequence
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext

from moderation.stats import DayStats

WIDTH, HEIGHT = 900, 300  # viewBox units: 1:1 in the admin at 1280 px wide, scaled to fit elsewhere
# Room for the y tick labels and the rotated axis label on the left, for the date ticks and the
# axis label below, and for half a date label past the last day on the right.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 60, 24, 12, 52
MAX_Y_INTERVALS = 5
# Over a few months, gaps between bars and markers on the line only add noise.
MAX_DAYS_WITH_GAPS = 90
BAR_SHARE = 0.8  # of a day's width, while bars have gaps
# The page's text colour: black on the admin's light theme, light on its dark one.
LINE_COLOUR = "currentColor"


@dataclasses.dataclass(frozen=True)
class Series:
    """One quantity drawn per day: its legend label, colour and how to read it from a day."""

    label: str
    colour: str
    count: Callable[[DayStats], int]


@dataclasses.dataclass(frozen=True)
class Bar:
    """One series' segment of one day's stacked bar, in viewBox units (y grows downwards)."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str
    count: int
    day: date

    @property
    def title(self) -> str:
        """Return the tooltip: the day, the series and its count, in the active language."""
        # Translators: a chart's tooltip, e.g. "10 Mar 2025, Published: 4".
        return gettext("%(day)s, %(series)s: %(count)d") % {
            "day": date_format(self.day, "j M Y"),
            "series": self.label,
            "count": self.count,
        }


@dataclasses.dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclasses.dataclass(frozen=True)
class YTick:
    value: int
    y: float


@dataclasses.dataclass(frozen=True)
class XTick:
    day: date
    x: float
    label: str


@dataclasses.dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    is_line: bool


@dataclasses.dataclass(frozen=True)
class Chart:
    """Everything the template draws; the plot area spans left..right and top..bottom."""

    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    y_max: int
    bars: tuple[Bar, ...]
    line: tuple[Point, ...]
    has_markers: bool
    y_ticks: tuple[YTick, ...]
    x_ticks: tuple[XTick, ...]
    legend: tuple[LegendEntry, ...]
    title: str
    x_label: str
    y_label: str

    @property
    def line_points(self) -> str:
        """Return the line as a polyline `points` value, with "." decimals in every language."""
        return " ".join(f"{point.x:g},{point.y:g}" for point in self.line)

    @property
    def line_colour(self) -> str:
        return LINE_COLOUR

    @property
    def middle_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def middle_y(self) -> float:
        return (self.top + self.bottom) / 2


@dataclasses.dataclass(frozen=True)
class _TickRule:
    is_tick: Callable[[date], bool]
    is_monthly: bool
    most: int  # ticks: short month names fit more of them than "10 Mar"


# The first rule that gives few enough ticks wins. Week ticks fall on Mondays (ISO 8601).
_X_TICK_RULES = (
    _TickRule(lambda day: True, is_monthly=False, most=8),
    _TickRule(lambda day: day.toordinal() % 2 == 0, is_monthly=False, most=8),
    _TickRule(lambda day: day.weekday() == 0, is_monthly=False, most=8),
    _TickRule(
        lambda day: day.weekday() == 0 and day.toordinal() // 7 % 2 == 0, is_monthly=False, most=8
    ),
    _TickRule(lambda day: day.day == 1, is_monthly=True, most=13),
    _TickRule(lambda day: day.day == 1 and day.month % 2 == 1, is_monthly=True, most=13),
    _TickRule(lambda day: day.day == 1 and day.month % 3 == 1, is_monthly=True, most=13),
)


def bar_series() -> tuple[Series, ...]:
    """Return the stacked series, bottom up, labelled in the active language."""
    # Okabe-Ito: told apart with every common form of colour blindness.
    return (
        Series(gettext("Published"), "#009E73", lambda row: row.published_on_arrival),
        Series(gettext("Held for review"), "#E69F00", lambda row: row.held_on_arrival),
        Series(gettext("Filed as spam"), "#D55E00", lambda row: row.spam_on_arrival),
    )


def build_chart(activity: Sequence[DayStats]) -> Chart:
    """Return the chart of `activity` (oldest day first): stacked arrival outcomes per day and
    the false positives moderators rescued as a line."""
    series = bar_series()
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    rescued = [row.false_positives_rescued for row in activity]
    highest = max([sum(s.count(row) for s in series) for row in activity] + rescued + [1])
    step = y_step(highest)
    y_max = math.ceil(highest / step) * step

    def y_of(value: int) -> float:
        return _round(bottom - value / y_max * (bottom - top))

    band = (right - left) / max(len(activity), 1)
    has_gaps = len(activity) <= MAX_DAYS_WITH_GAPS
    bar_width = band * BAR_SHARE if has_gaps else band

    def centre_of(index: int) -> float:
        return _round(left + (index + 0.5) * band)

    bars = []
    for index, row in enumerate(activity):
        base = 0
        for outcome in series:
            count = outcome.count(row)
            if count:
                bars.append(
                    Bar(
                        x=_round(left + index * band + (band - bar_width) / 2),
                        y=y_of(base + count),
                        width=_round(bar_width),
                        height=_round(y_of(base) - y_of(base + count)),
                        colour=outcome.colour,
                        label=outcome.label,
                        count=count,
                        day=row.day,
                    )
                )
            base += count

    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        y_max=y_max,
        bars=tuple(bars),
        line=tuple(Point(centre_of(i), y_of(count)) for i, count in enumerate(rescued)),
        has_markers=has_gaps,
        y_ticks=tuple(YTick(value, y_of(value)) for value in range(0, y_max + 1, step)),
        x_ticks=tuple(
            XTick(day, centre_of(index), label)
            for index, day, label in x_ticks([row.day for row in activity])
        ),
        legend=(
            *(LegendEntry(outcome.label, outcome.colour, is_line=False) for outcome in series),
            LegendEntry(
                gettext("False positives rescued by moderators"), LINE_COLOUR, is_line=True
            ),
        ),
        title=gettext(
            "Chart of comments per day by outcome on arrival, with false positives rescued; "
            "the same figures are in the table below."
        ),
        x_label=gettext("Day"),
        y_label=gettext("Comments"),
    )


def y_step(highest: int) -> int:
    """Return the smallest step of 1, 2 or 5 × 10ⁿ comments that reaches `highest` in at most
    MAX_Y_INTERVALS steps: whole comments only, and round numbers on the axis."""
    for power in itertools.count():
        for multiple in (1, 2, 5):
            step = multiple * 10**power
            if math.ceil(highest / step) <= MAX_Y_INTERVALS:
                return step
    raise AssertionError("unreachable")  # itertools.count() never ends


def x_ticks(days: Sequence[date]) -> list[tuple[int, date, str]]:
    """Return (index, day, label) of the days to label: a few, on days or months a reader
    counts by, labelled "10 Mar" or "Mar" (with the year on the first and on January)."""
    for rule in _X_TICK_RULES:
        picked = [(index, day) for index, day in enumerate(days) if rule.is_tick(day)]
        if len(picked) <= rule.most:
            break
    labelled = []
    for index, day in picked:
        if not rule.is_monthly:
            label_format = "j M"
        elif (index, day) == picked[0] or day.month == 1:
            label_format = "M Y"
        else:
            label_format = "M"
        labelled.append((index, day, date_format(day, label_format)))
    return labelled


def _round(value: float) -> float:
    # Hundredths of a viewBox unit are finer than any screen draws, and keep the page small.
    return round(value, 2)
