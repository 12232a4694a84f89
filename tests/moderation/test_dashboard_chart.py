"""The dashboard's chart: geometry from moderation.dashboard_chart, drawn by its SVG template."""

from __future__ import annotations

import ast
import dataclasses
import itertools
from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.template.loader import render_to_string
from django.utils import translation

import moderation
from moderation.dashboard_chart import build_chart, x_ticks, y_step
from moderation.stats import DayStats

SVG = "{http://www.w3.org/2000/svg}"
LAST_DAY = date(2025, 3, 10)  # a Monday
OKABE_ITO = ["#009E73", "#E69F00", "#D55E00"]  # published, held, spam: bottom up
COUNTS = [field.name for field in dataclasses.fields(DayStats) if field.name != "day"]


def day_stats(day, published=0, held=0, flagged=0, rescued=0):
    return DayStats(
        day=day,
        **{
            **dict.fromkeys(COUNTS, 0),
            "published": published,
            "held": held,
            "flagged": flagged,
            "false_positives_rescued": rescued,
        },
    )


def period(days, **counts):
    """`days` days ending LAST_DAY, oldest first, every one with the same counts."""
    return [day_stats(LAST_DAY - timedelta(days=days - 1 - i), **counts) for i in range(days)]


def unit_height(chart):
    return (chart.bottom - chart.top) / chart.y_max


def render(chart):
    return render_to_string("admin/moderation/dashboard_chart.svg", {"chart": chart})


def parse(svg):
    return ElementTree.fromstring(svg.strip())


def test_bar_heights_are_proportional_to_counts_and_stack_in_legend_order():
    activity = [day_stats(LAST_DAY, published=4, held=2, flagged=6)]

    chart = build_chart(activity)

    assert chart.y_max == 15
    assert [bar.colour for bar in chart.bars] == OKABE_ITO
    assert [bar.count for bar in chart.bars] == [4, 2, 6]
    assert [bar.height for bar in chart.bars] == pytest.approx(
        [4 * unit_height(chart), 2 * unit_height(chart), 6 * unit_height(chart)], abs=0.02
    )
    published, held, spam = chart.bars
    assert published.y + published.height == pytest.approx(chart.bottom, abs=0.02)
    assert held.y + held.height == pytest.approx(published.y, abs=0.02)
    assert spam.y + spam.height == pytest.approx(held.y, abs=0.02)
    assert [entry.label for entry in chart.legend] == [
        "Published",
        "Held for review",
        "Filed as spam",
        "False positives rescued by moderators",
    ]
    assert [entry.is_line for entry in chart.legend] == [False, False, False, True]


def test_a_day_without_comments_has_no_bar_and_the_line_on_the_axis():
    activity = [
        day_stats(LAST_DAY - timedelta(days=1)),
        day_stats(LAST_DAY, published=3, rescued=2),
    ]

    chart = build_chart(activity)

    assert [bar.day for bar in chart.bars] == [LAST_DAY]
    assert chart.line[0].y == chart.bottom
    assert chart.line[1].y == pytest.approx(chart.bottom - 2 * unit_height(chart), abs=0.02)


def test_a_period_without_comments_has_an_axis_from_0_to_1():
    chart = build_chart(period(30))

    assert chart.bars == ()
    assert chart.y_max == 1
    assert [tick.value for tick in chart.y_ticks] == [0, 1]
    assert [tick.y for tick in chart.y_ticks] == [chart.bottom, chart.top]
    assert {point.y for point in chart.line} == {chart.bottom}


def test_the_rescued_line_fits_when_it_tops_the_bars():
    chart = build_chart([day_stats(LAST_DAY, published=2, rescued=7)])

    assert chart.y_max == 8
    assert chart.line[0].y == pytest.approx(chart.bottom - 7 * unit_height(chart), abs=0.02)


@pytest.mark.parametrize(
    ("highest", "step"),
    [(1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (25, 5), (26, 10), (1000, 200), (1001, 500)],
)
def test_y_ticks_are_whole_round_numbers_from_zero_past_the_highest_count(highest, step):
    chart = build_chart([day_stats(LAST_DAY, published=highest)])

    values = [tick.value for tick in chart.y_ticks]
    assert y_step(highest) == step
    assert values == list(range(0, values[-1] + 1, step))
    assert values[-1] == chart.y_max >= highest
    assert len(values) <= 6


def test_a_week_has_gaps_between_bars_markers_on_the_line_and_every_day_labelled():
    chart = build_chart(period(7, published=1))

    band = (chart.right - chart.left) / 7
    assert chart.bars[0].width == pytest.approx(0.8 * band, abs=0.02)
    assert chart.bars[1].x - (chart.bars[0].x + chart.bars[0].width) > 0
    assert chart.has_markers
    assert [tick.label for tick in chart.x_ticks] == [f"{day} Mar" for day in range(4, 11)]
    # Ticks stand under the middle of their bar, and the line goes through the same points.
    assert [tick.x for tick in chart.x_ticks] == pytest.approx(
        [bar.x + bar.width / 2 for bar in chart.bars], abs=0.02
    )
    assert [point.x for point in chart.line] == [tick.x for tick in chart.x_ticks]


def test_a_month_is_labelled_on_mondays():
    chart = build_chart(period(30))

    assert [tick.label for tick in chart.x_ticks] == [
        "10 Feb",
        "17 Feb",
        "24 Feb",
        "3 Mar",
        "10 Mar",
    ]
    assert {tick.day.weekday() for tick in chart.x_ticks} == {0}


def test_a_year_of_bars_touch_without_markers_and_is_labelled_by_month():
    chart = build_chart(period(365, published=1, flagged=1))

    assert len(chart.bars) == 730
    assert len(chart.line) == 365
    published = chart.bars[::2]
    for left, right in itertools.pairwise(published):
        assert left.x + left.width == pytest.approx(right.x, abs=0.02)
    assert not chart.has_markers
    assert [tick.label for tick in chart.x_ticks] == [
        "Apr 2024",
        *["May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        "Jan 2025",
        "Feb",
        "Mar",
    ]
    assert {tick.day.day for tick in chart.x_ticks} == {1}


@pytest.mark.parametrize("days", [7, 8, 14, 17, 30, 31, 60, 90, 91, 120, 200, 365])
def test_every_period_gets_a_few_date_ticks_in_order(days):
    dates = [LAST_DAY - timedelta(days=days - 1 - i) for i in range(days)]

    ticks = x_ticks(dates)

    assert 2 <= len(ticks) <= 13
    assert [index for index, _, _ in ticks] == sorted({index for index, _, _ in ticks})
    assert all(dates[index] == day for index, day, _ in ticks)


def test_the_svg_draws_every_bar_tick_and_point_of_the_chart():
    chart = build_chart(
        [
            day_stats(LAST_DAY - timedelta(days=1), published=1),
            day_stats(LAST_DAY, held=2, rescued=1),
        ]
    )

    svg = parse(render(chart))

    assert svg.get("role") == "img"
    assert svg.get("viewBox") == "0 0 900 300"
    assert svg.find(f"{SVG}title").text == chart.title
    rects = svg.findall(f".//{SVG}rect")
    assert [(float(rect.get("height")), rect.get("fill")) for rect in rects] == [
        (bar.height, bar.colour) for bar in chart.bars
    ]
    assert [rect.find(f"{SVG}title").text for rect in rects] == [
        "9 Mar 2025, Published: 1",
        "10 Mar 2025, Held for review: 2",
    ]
    polyline = svg.find(f".//{SVG}polyline")
    assert [tuple(map(float, xy.split(","))) for xy in polyline.get("points").split()] == [
        (point.x, point.y) for point in chart.line
    ]
    assert len(svg.findall(f".//{SVG}circle")) == 2
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert texts == ["0", "1", "2", "9 Mar", "10 Mar", "Day", "Comments"]


def test_the_svg_of_a_year_has_no_markers():
    svg = parse(render(build_chart(period(365, published=1))))

    assert svg.findall(f".//{SVG}circle") == []
    assert len(svg.findall(f".//{SVG}rect")) == 365


def test_the_svg_escapes_its_text():
    chart = dataclasses.replace(
        build_chart(period(7)), x_label="<script>alert(1)</script>", title='Chart "&" <b>'
    )

    svg = render(chart)

    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert parse(svg).find(f"{SVG}title").text == 'Chart "&" <b>'


def test_the_chart_is_in_the_active_language_with_dot_decimals_in_the_svg(german_catalog):
    with translation.override("de"):
        chart = build_chart([day_stats(LAST_DAY, published=1, held=2, rescued=1)])
        svg = render(chart)

    assert [entry.label for entry in chart.legend] == [
        "Veröffentlicht",
        "Zur Prüfung zurückgehalten",
        "Als Spam abgelegt",
        "Von Moderatoren gerettete Fehlalarme",
    ]
    assert chart.x_label == "Tag"
    assert [tick.label for tick in chart.x_ticks] == ["10 Mär"]
    root = parse(svg)
    assert [rect.find(f"{SVG}title").text for rect in root.iter(f"{SVG}rect")] == [
        "10 Mär 2025, Veröffentlicht: 1",
        "10 Mär 2025, Zur Prüfung zurückgehalten: 2",
    ]
    # German writes 0,5: SVG attributes must still read 0.5, or the browser draws nothing.
    coordinates = [rect.get(name) for rect in root.iter(f"{SVG}rect") for name in "xy"]
    assert any("." in value for value in coordinates)
    assert not any("," in value for value in coordinates)


def test_nothing_in_the_package_imports_matplotlib():
    package = Path(moderation.__file__).parent

    importers = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "matplotlib" for name in names):
                importers.append(path.relative_to(package).as_posix())

    assert importers == []
