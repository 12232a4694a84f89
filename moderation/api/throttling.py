"""Rate limits for both APIs: per key (its own rate or MODERATION["API_RATE"]) and, for requests
without a valid key, per client IP (MODERATION["API_RATE_PER_IP"]); and the comment form's per
IP (MODERATION["FORM_RATE_PER_IP"]). The IP is client_address.client_ip()'s. Rates are read at
request time, so a changed setting or key takes effect without a restart. Counts live in
Django's cache: give production a shared cache (Redis) so every worker process counts together.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any

from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from moderation.client_address import client_ip
from moderation.conf import get_settings
from moderation.models import ApiKey

# DRF's rate syntax: requests / period.
RATE = re.compile(r"^[1-9]\d*/(s|sec|m|min|h|hour|d|day)$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (requests, seconds) of a rate such as "600/min"."""
    count, period = rate.split("/")
    return int(count), _SECONDS[period[0]]


class CellRateThrottle(BaseThrottle):
    """N requests per period as a token bucket (GCRA): N at once, then one every period / N.

    The cache holds one number per client, the time its bucket is empty again. DRF's
    SimpleRateThrottle keeps the time of every request in the period, so a key allowed
    thousands a minute paid for pickling that list on every call (bench/README.md).
    """

    scope = ""
    _wait: float | None = None

    def rate_for(self, request: Any) -> str | None:
        raise NotImplementedError

    def get_ident(self, request: Any) -> str:
        """Return the client's address as client_ip() finds it, not DRF's reading of
        X-Forwarded-For (which believes whatever the client wrote there)."""
        return client_ip(request) or "unknown"

    def ident_for(self, request: Any) -> str:
        return f"ip-{self.get_ident(request)}"

    def allow_request(self, request: Any, view: Any) -> bool:
        rate = self.rate_for(request)
        if rate is None:
            return True
        count, period = parse_rate(rate)
        key = f"moderation_throttle_{self.scope}_{self.ident_for(request)}"
        now = time.time()
        empty_at = max(cache.get(key, now), now) + period / count
        self._wait = empty_at - now - period
        if self._wait > 0:
            return False
        cache.set(key, empty_at, math.ceil(empty_at - now))
        return True

    def wait(self) -> float | None:
        """Seconds until the next request is allowed."""
        return self._wait


class ApiRateThrottle(CellRateThrottle):
    scope = "api"

    def rate_for(self, request: Request) -> str | None:
        conf = get_settings()
        if isinstance(request.auth, ApiKey):
            return str(request.auth.rate_limit or conf["API_RATE"])
        rate: str | None = conf["API_RATE_PER_IP"]
        return rate

    def ident_for(self, request: Request) -> str:
        if isinstance(request.auth, ApiKey):
            return f"key-{request.auth.pk}"
        return super().ident_for(request)


class FormRateThrottle(CellRateThrottle):
    """The comment form's limit per client IP. A plain Django view uses it as
    `allow_request(request, None)`."""

    scope = "form"

    def rate_for(self, request: Any) -> str | None:
        rate: str | None = get_settings()["FORM_RATE_PER_IP"]
        return rate
