"""Comment fields from Akismet parameters, cleaned leniently (a sloppy client is not an error),
and the verdicts Akismet's test values fix.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from moderation.models import ANONYMOUS
from moderation.verdicts import Verdict

# Akismet's test values; "viagra-test-123" is the older author name, still in clients' docs.
GUARANTEED_SPAM_AUTHORS = frozenset({"akismet-guaranteed-spam", "viagra-test-123"})
GUARANTEED_SPAM_EMAIL = "akismet-guaranteed-spam@example.com"
_validate_url = URLValidator()


def comment_fields(form: Mapping[str, str]) -> dict[str, Any]:
    """Return Comment fields from Akismet parameters, cleaned so that full_clean() passes."""
    return {
        "content": form.get("comment_content", ""),
        "author_name": form.get("comment_author", "")[:100] or ANONYMOUS,
        "author_email": clean_email(form.get("comment_author_email", "")),
        "author_url": clean_url(form.get("comment_author_url", "")),
        "ip_address": clean_ip(form.get("user_ip", "")),
        "user_agent": form.get("user_agent", ""),
        "referrer": form.get("referrer", ""),
        "permalink": form.get("permalink", ""),
        "language": form.get("blog_lang", "").split(",")[0].strip()[:16],
        "comment_type": form.get("comment_type", "")[:64],
        "is_test": parse_is_test(form.get("is_test", "")),
        "submitted_at": parse_gmt(form.get("comment_date_gmt", "")),
    }


def clean_email(value: str) -> str:
    """Return the email, or "" when it is not one (a sloppy client is not an error)."""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value if len(value) <= 254 else ""


def clean_url(value: str) -> str:
    """Return the URL with http:// added when it has no scheme, or "" when it is not a URL."""
    if not value:
        return ""
    if value.startswith("//"):
        value = f"http:{value}"
    elif "://" not in value:
        value = f"http://{value}"
    try:
        _validate_url(value)
    except ValidationError:
        return ""
    return value if len(value) <= 500 else ""


def clean_ip(value: str) -> str | None:
    """Return the (first, for a forwarded list) IP address, or None when it is not one."""
    try:
        return str(ipaddress.ip_address(value.split(",")[0].strip()))
    except ValueError:
        return None


def parse_is_test(value: str) -> bool:
    return value.strip().casefold() in {"1", "true", "yes", "on"}


def parse_gmt(value: str) -> datetime:
    """Return a UTC date in ISO-8601 or MySQL form ("2016-03-02 14:29:13"); now if neither."""
    try:
        parsed = parse_datetime(value)
    except ValueError:  # well formed but impossible, such as month 13
        parsed = None
    now = timezone.now()
    if parsed is None:
        return now
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    # A date in the future would sort the comment away from the queue's oldest-first order.
    return min(parsed, now)


def fixed_verdict(form: Mapping[str, str]) -> Verdict | None:
    """Return the verdict Akismet's test values fix, if the parameters carry one."""
    if (
        form.get("comment_author", "").casefold() in GUARANTEED_SPAM_AUTHORS
        or form.get("comment_author_email", "").casefold() == GUARANTEED_SPAM_EMAIL
    ):
        return Verdict.SPAM
    if "administrator" in form.get("user_role", "").casefold():
        return Verdict.HAM
    return None
