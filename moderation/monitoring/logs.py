"""Logs a collector can read: the id of the request a record was written during, and
JsonFormatter, one JSON object a line.

MonitoringMiddleware binds the request id; RequestIdFilter puts it on records for text formats
("%(request_id)s"). Hamlet's own log calls name comments by `comment_guid` (an `extra` field),
never by what a reader typed or who they are: no text, names, emails or IP addresses.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

NO_REQUEST = "-"  # the request id of a record written outside a request
# An id a proxy or load balancer made (a UUID, nginx's $request_id, AWS's "Root=1-…") is kept,
# so one id follows the request through every server's log. Anything else is replaced: a
# client must not write newlines, markup or a megabyte into the logs.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}")

_request_id: ContextVar[str | None] = ContextVar("hamlet_request_id", default=None)


def request_id_from(header: str | None) -> str:
    """Return the incoming X-Request-ID when it is a sane token, else a new random id."""
    if header and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """Return the id of the request this thread (or task) is serving, or None outside one."""
    return _request_id.get()


def bind_request_id(request_id: str) -> None:
    """Make `request_id` the current one, until unbind_request_id()."""
    _request_id.set(request_id)


def unbind_request_id(**kwargs: object) -> None:
    """Forget the current request id (connected to request_finished: Django logs a 4xx or 5xx
    response after the last middleware has returned it, and that record needs the id too)."""
    _request_id.set(None)


class RequestIdFilter(logging.Filter):
    """Put the current request's id on each record as `request_id` ("-" outside a request),
    for text formats such as "%(asctime)s [%(request_id)s] %(message)s"."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or NO_REQUEST
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time (UTC, ISO 8601), level, logger, message, the
    request id and the comment guid when there are, and the traceback of an exception.

    Only these fields: other `extra` values (django.request passes the whole request, with its
    headers and address) are left out.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Set by RequestIdFilter when the handler has it, else read here: the same id.
        request_id = getattr(record, "request_id", None)
        if request_id in (None, NO_REQUEST):
            request_id = current_request_id()
        if request_id:
            entry["request_id"] = str(request_id)
        comment_guid = getattr(record, "comment_guid", None)
        if comment_guid:
            entry["comment_guid"] = str(comment_guid)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)
