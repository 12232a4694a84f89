"""An error both APIs answer alike: a database that does not answer is a 503 to retry."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from rest_framework.exceptions import APIException

logger = logging.getLogger(__name__)


class DatabaseUnavailable(APIException):
    status_code = 503
    default_detail = "The database did not answer; nothing was stored. Try again in a minute."
    default_code = "database_unavailable"
    wait = 60  # DRF sends it as Retry-After


def as_api_error(exc: Exception) -> Exception:
    """Return the 503 for a database that did not answer; any other exception unchanged.

    The comment and its verdict are one transaction, so nothing half-written is left behind,
    and a client that retries loses nothing.
    """
    if isinstance(exc, InterfaceError | OperationalError):
        logger.error("An API request failed: the database did not answer: %s", exc)
        return DatabaseUnavailable()
    return exc
