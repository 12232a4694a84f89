"""Rate limits of both APIs as DRF throttles: per key (its own rate or MODERATION["API_RATE"])
and, for requests without a valid key, per client IP (MODERATION["API_RATE_PER_IP"]). They count
in moderation.rate_limits' token bucket, which the comment form's limit shares.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from moderation.client_address import client_ip
from moderation.conf import get_settings
from moderation.models import ApiKey
from moderation.rate_limits import count_request, ip_client


class CellRateThrottle(BaseThrottle):
    """N requests per period as rate_limits.count_request()'s token bucket, in `scope`."""

    scope = ""
    _wait: float | None = None

    def rate_for(self, request: Any) -> str | None:
        raise NotImplementedError

    def get_ident(self, request: Any) -> str:
        """Return the client's address as client_ip() finds it, not DRF's reading of
        X-Forwarded-For (which believes whatever the client wrote there)."""
        return client_ip(request) or "unknown"

    def ident_for(self, request: Any) -> str:
        return ip_client(self.get_ident(request))

    def allow_request(self, request: Any, view: Any) -> bool:
        self._wait = count_request(self.scope, self.ident_for(request), self.rate_for(request))
        return self._wait is None

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
