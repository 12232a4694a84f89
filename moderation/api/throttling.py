"""Rate limits for both APIs: per key (its own rate or MODERATION["API_RATE"]) and, for requests
without a valid key, per client IP (MODERATION["API_RATE_PER_IP"]). Rates are read at request
time, so a changed setting or key takes effect without a restart. Counts live in Django's cache:
give production a shared cache (Redis) so every worker process counts together.
"""

from __future__ import annotations

import re
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from moderation.conf import get_settings
from moderation.models import ApiKey

# DRF's rate syntax: requests / period.
RATE = re.compile(r"^[1-9]\d*/(s|sec|m|min|h|hour|d|day)$")


class ApiRateThrottle(SimpleRateThrottle):
    scope = "moderation_api"
    rate = "1/s"  # replaced per request in allow_request(); set so __init__ reads no setting

    def allow_request(self, request: Request, view: Any) -> bool:
        api_key = request.auth if isinstance(request.auth, ApiKey) else None
        conf = get_settings()
        if api_key is not None:
            self.rate = api_key.rate_limit or conf["API_RATE"]
        else:
            self.rate = conf["API_RATE_PER_IP"]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str:
        if isinstance(request.auth, ApiKey):
            ident = f"key-{request.auth.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class FormRateThrottle(SimpleRateThrottle):
    """The comment form's limit per client IP (MODERATION["FORM_RATE_PER_IP"]; None: off).

    A plain Django view uses it as `allow_request(request, None)`."""

    scope = "moderation_form"
    rate = "1/s"  # replaced per request, as above

    def allow_request(self, request: Any, view: Any) -> bool:
        self.rate = get_settings()["FORM_RATE_PER_IP"]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
