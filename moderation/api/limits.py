"""The request-size limit of the APIs, checked from Content-Length before the body is read."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext

from moderation.conf import get_settings


def body_too_large(request: HttpRequest) -> str | None:
    """Return why the request body is refused (too large), or None if it may be read."""
    limit = get_settings()["API_MAX_BODY_BYTES"]
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return gettext("The Content-Length header is not a number.")
    if length > limit:
        return gettext("The request body is %(length)s bytes; the limit is %(limit)s.") % {
            "length": length,
            "limit": limit,
        }
    return None
