"""The moderation dashboard in the admin: figures per day from stats.py, and their chart.

Wired by CommentAdmin.get_urls() inside admin_site.admin_view(), under the admin namespace, as
`admin:moderation_dashboard` -> dashboard_view(request, admin_site). The view checks the
permission itself, so admin_view()'s staff check is the only wrapping it needs. The chart
(dashboard_chart.py) is an SVG inline in the page: no second request, no plotting library, and it
follows the admin's light or dark theme.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from moderation.dashboard_chart import build_chart
from moderation.models import Comment
from moderation.permissions import can_view_dashboard
from moderation.stats import daily_activity, pending_count, totals

DEFAULT_DAYS = 30
MIN_DAYS, MAX_DAYS = 7, 365
DAY_CHOICES = (7, 30, 90, 365)


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
        "chart": build_chart(activity),
    }
    return TemplateResponse(request, "admin/moderation/dashboard.html", context)


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
