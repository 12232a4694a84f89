"""Rate limits, counted in Django's cache: the token bucket that both APIs' DRF throttles
(api/throttling.py) count in, and the comment form's limit per client IP. Free of Django REST
framework, so a site without the `api` extra limits its form too (issue 19).

Rates are read at request time, so a changed setting or key takes effect without a restart.
Give production a shared cache (Redis, check moderation.E011) so every worker counts together.
"""

from __future__ import annotations

import math
import re
import time

from django.core.cache import cache
from django.http import HttpRequest

from moderation.client_address import client_ip
from moderation.conf import get_settings

# Django REST framework's rate syntax, kept so a site's API_RATE values read as in DRF's docs.
RATE = re.compile(r"^[1-9]\d*/(s|sec|m|min|h|hour|d|day)$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (requests, seconds) of a rate such as "600/min"."""
    count, period = rate.split("/")
    return int(count), _SECONDS[period[0]]


def ip_client(address: str | None) -> str:
    """Return the name a client is counted under by its IP address (client_ip()'s)."""
    return f"ip-{address or 'unknown'}"


def count_request(scope: str, client: str, rate: str | None) -> float | None:
    """Count one request of `client` in `scope` against `rate` (None: no limit).

    Return None if it may go ahead, else the seconds until the client may send another.
    A token bucket (GCRA): `rate`'s N requests at once, then one every period / N. The cache
    holds one number per client, the time its bucket is empty again; DRF's SimpleRateThrottle
    kept the time of every request in the period, and a key allowed thousands a minute paid for
    pickling that list on every call (bench/README.md).
    """
    if rate is None:
        return None
    count, period = parse_rate(rate)
    key = f"moderation_throttle_{scope}_{client}"
    now = time.time()
    empty_at = max(cache.get(key, now), now) + period / count
    wait = empty_at - now - period
    if wait > 0:
        return wait
    cache.set(key, empty_at, math.ceil(empty_at - now))
    return None


def count_form_post(request: HttpRequest) -> float | None:
    """Count a comment form post against its client IP's FORM_RATE_PER_IP; return None if it may
    go ahead, else the seconds until that address may post again."""
    rate: str | None = get_settings()["FORM_RATE_PER_IP"]
    return count_request("form", ip_client(client_ip(request)), rate)
