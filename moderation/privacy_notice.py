"""The privacy page the notice under the comment form links to (PRIVACY_URL =
"moderation:privacy"): what a comment stores, why, for how long, and how to ask for it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from moderation.conf import get_settings


@require_safe
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """Render moderation/privacy.html with the retention periods this site is configured for.

    The periods are the ones `purge_comments` (or the Celery purge task) enforces; a site
    overrides the template, or its `contact` block, to add what only it knows.
    """
    conf = get_settings()
    return render(
        request,
        "moderation/privacy.html",
        {
            "personal_data_days": conf["PERSONAL_DATA_DAYS"],
            "retention_days": conf["RETENTION_DAYS"],
            "product_name": conf["PRODUCT_NAME"],
        },
    )
