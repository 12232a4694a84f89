"""GET /healthz, /readyz and /metrics: JSON probes that need no login and reveal no data, and
the Prometheus scrape, off unless MODERATION["METRICS"] and limited to known scrapers."""

from __future__ import annotations

import hmac
import ipaddress

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from moderation.client_address import client_ip, proxy_network
from moderation.conf import get_settings
from moderation.monitoring import instrumentation
from moderation.monitoring.health import readiness

# Each view: GET and HEAD only (405 otherwise), never cached anywhere (a cached "ready" would
# hide an outage). Plain Django views: no API key, no CSRF (GET), no API rate limits.


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Say the process is alive, without touching the database (a liveness probe)."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Say whether the process can serve comments, 503 with a fixed reason when it cannot."""
    ready = readiness()
    if ready.problem is not None:
        return JsonResponse(
            {
                "status": "unavailable",
                "reason": ready.problem.code,
                "message": ready.problem.message,
            },
            status=503,
        )
    return JsonResponse({"status": "ready", "model_version": ready.model_version})


@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Serve the metrics to an allowed scraper; 404 while METRICS is off, 403 to others."""
    if not instrumentation.is_enabled():
        raise Http404("Metrics are off.")
    if not is_scraper(request):
        return HttpResponseForbidden("Not allowed to read the metrics.", content_type="text/plain")
    from moderation.monitoring.metrics import exposition

    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)


def is_scraper(request: HttpRequest) -> bool:
    """Return whether `request` may read the metrics: it carries METRICS_TOKEN as a Bearer
    token, or comes from an address in METRICS_ALLOWED_IPS (as client_ip() sees it)."""
    conf = get_settings()
    token = conf["METRICS_TOKEN"]
    scheme, _, credentials = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if (
        isinstance(token, str)
        and token
        and scheme.lower() == "bearer"
        and hmac.compare_digest(credentials.strip().encode(), token.encode())
    ):
        return True
    address = client_ip(request)
    allowed = conf["METRICS_ALLOWED_IPS"]
    if address is None or not isinstance(allowed, list | tuple):
        return False
    ip = ipaddress.ip_address(address)
    networks = [network for network in map(proxy_network, allowed) if network is not None]
    return any(ip.version == network.version and ip in network for network in networks)
