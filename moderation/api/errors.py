"""Errors both APIs answer alike: a body refused while it is read is a 4xx with a sentence, a
database that does not answer is a 503 to retry.
"""

from __future__ import annotations

import logging

from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import APIException, ParseError

logger = logging.getLogger(__name__)


class DatabaseUnavailable(APIException):
    status_code = 503
    default_detail = gettext_lazy(
        "The database did not answer; nothing was stored. Try again in a minute."
    )
    default_code = "database_unavailable"
    wait = 60  # DRF sends it as Retry-After


class BodyTooLarge(APIException):
    status_code = 413
    default_detail = gettext_lazy("The request body is larger than this server accepts.")
    default_code = "request_too_large"


REFUSALS = {
    TooManyFieldsSent: gettext_lazy("The request has more fields than this server accepts."),
    TooManyFilesSent: gettext_lazy("The request has more files than this server accepts."),
}


def as_api_error(exc: Exception) -> Exception:
    """Return the API error for an exception raised while a request was read or served; any
    other exception unchanged.

    Django refuses a body it will not read (too many fields or files, too large, malformed)
    with a SuspiciousOperation from request.GET, request.body or its multipart parser; left
    alone it becomes Django's HTML 400, or in DEBUG a 500 page with the settings (issue 18).
    A database that did not answer is a 503: the comment and its verdict are one
    transaction, so nothing half-written is left behind, and a client that retries loses
    nothing.
    """
    if isinstance(exc, InterfaceError | OperationalError):
        logger.error("An API request failed: the database did not answer: %s", exc)
        return DatabaseUnavailable()
    if isinstance(exc, SuspiciousOperation):
        # Where Django itself reports these, so a site's logging of them keeps working.
        logging.getLogger(f"django.security.{type(exc).__name__}").error("%s", exc)
        if isinstance(exc, RequestDataTooBig):
            return BodyTooLarge()
        return ParseError(REFUSALS.get(type(exc), gettext_lazy("The request is malformed.")))
    return exc
