"""Admin dashboard of the moderation flow: daily figures from stats.py and a matplotlib chart.

Wired by CommentAdmin.get_urls() inside admin_site.admin_view(), under the admin namespace:
`admin:moderation_dashboard` -> dashboard_view(request, admin_site) and
`admin:moderation_dashboard_chart` -> dashboard_chart_view(request). Both views check the
permission themselves, so admin_view()'s staff check is the only wrapping they need.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from moderation.models import Comment
from moderation.permissions import can_view_dashboard
from moderation.stats import DayStats, daily_activity, pending_count, totals

DEFAULT_DAYS = 30
MIN_DAYS, MAX_DAYS = 7, 365
DAY_CHOICES = (7, 30, 90, 365)
CHART_SIZE = (900, 360)  # pixels; the template gives the <img> the same size

# Colour-blind-safe (Okabe-Ito) and in the order the bars stack, bottom up.
_SERIES = (
    (gettext_lazy("Published"), "published_on_arrival", "#009E73"),
    (gettext_lazy("Held for review"), "held_on_arrival", "#E69F00"),
    (gettext_lazy("Filed as spam"), "spam_on_arrival", "#D55E00"),
)


def dashboard_view(request: HttpRequest, admin_site: AdminSite) -> HttpResponse:
    """Render the summary figures, the chart and a table per day, most recent day first."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    days = _days_param(request)
    if days is None:
        return _bad_days()
    activity = daily_activity(days)
    changelist = reverse("admin:moderation_comment_changelist")
    context = {
        **admin_site.each_context(request),
        "title": gettext("Moderation dashboard"),
        "opts": Comment._meta,
        "days": days,
        "day_choices": DAY_CHOICES,
        "totals": totals(activity),
        "activity": activity[::-1],
        "pending": pending_count(),
        "queue_url": changelist + "?status__exact=pending",
        "chart_url": f"{reverse('admin:moderation_dashboard_chart')}?days={days}",
        "chart_width": CHART_SIZE[0],
        "chart_height": CHART_SIZE[1],
    }
    return TemplateResponse(request, "admin/moderation/dashboard.html", context)


def dashboard_chart_view(request: HttpRequest) -> HttpResponse:
    """Return the per-day chart as a PNG, never cached: the figures change with every post."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    days = _days_param(request)
    if days is None:
        return _bad_days()
    response = HttpResponse(render_chart(daily_activity(days)), content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response


def render_chart(activity: Sequence[DayStats]) -> bytes:
    """Return a PNG of stacked arrival outcomes per day, with rescued false positives as a line."""
    # Imported here: matplotlib takes most of a second to import, and only this view needs it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    dpi = 100
    # A Figure with its own canvas, never pyplot: no global state shared between threads.
    figure = Figure(figsize=(CHART_SIZE[0] / dpi, CHART_SIZE[1] / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    figure.set_layout_engine("constrained")
    axes = figure.add_subplot()

    days = date2num([row.day for row in activity])
    # Over a few months, gaps between bars and markers on the line only add noise at 900 px.
    is_long = len(days) > 90
    bottom = [0] * len(activity)
    for label, attribute, colour in _SERIES:
        heights = [getattr(row, attribute) for row in activity]
        axes.bar(
            days,
            heights,
            width=1.0 if is_long else 0.8,
            bottom=bottom,
            label=str(label),
            color=colour,
        )
        bottom = [base + height for base, height in zip(bottom, heights, strict=True)]
    axes.plot(
        days,
        [row.false_positives_rescued for row in activity],
        color="black",
        marker="" if is_long else "o",
        markersize=3,
        linewidth=1.2,
        label=gettext("False positives rescued by moderators"),
    )

    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    # Whole comments only: without data the automatic scale would go from 0 to 0.05.
    axes.set_ylim(bottom=0, top=max(axes.get_ylim()[1], 1))
    axes.set_xlabel(gettext("Day"))
    axes.set_ylabel(gettext("Comments"))
    handles, labels = axes.get_legend_handles_labels()
    # matplotlib lists lines before bars; the bars read first, bottom up, then the line.
    figure.legend(
        handles[1:] + handles[:1],
        labels[1:] + labels[:1],
        loc="outside upper center",
        ncols=4,
        fontsize="small",
        frameon=False,
    )
    axes.grid(axis="y", alpha=0.3)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _days_param(request: HttpRequest) -> int | None:
    value = request.GET.get("days", str(DEFAULT_DAYS))
    try:
        days = int(value)
    except ValueError:
        return None
    return days if MIN_DAYS <= days <= MAX_DAYS else None


def _bad_days() -> HttpResponse:
    # Translators: "days" is the name of the URL parameter; keep it as it is.
    message = gettext("days must be a whole number from %(min)d to %(max)d.")
    return HttpResponseBadRequest(
        message % {"min": MIN_DAYS, "max": MAX_DAYS}, content_type="text/plain"
    )
