"""MonitoringMiddleware: gives each request an id (X-Request-ID, on every log record written
while it is served) and times the requests to Hamlet's own endpoints for the metrics."""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import Any

from django.http import HttpRequest, HttpResponseBase

from moderation.monitoring import instrumentation, logs

HEADER = "X-Request-ID"


class MonitoringMiddleware:
    """First in MIDDLEWARE, so the id is there for every other middleware's log records and
    the time includes them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # META, not request.headers: that would build a dict of every header on each request.
        request_id = logs.request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        started = perf_counter()
        # Unbound when the request is finished (logs.unbind_request_id), not here.
        logs.bind_request_id(request_id)
        channel_token = instrumentation.bind_channel()
        try:
            response = self.get_response(request)
        finally:
            instrumentation.unbind_channel(channel_token)
        response[HEADER] = request_id
        instrumentation.observe_request(request, response, perf_counter() - started)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        instrumentation.enter_view(request.resolver_match)
