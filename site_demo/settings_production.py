"""Production settings: the demo's, hardened, with every secret from the environment.

    DJANGO_SETTINGS_MODULE=site_demo.settings_production
    DJANGO_SECRET_KEY=...  DJANGO_ALLOWED_HOSTS=news.example.com,.news.example.com
    DATABASE_URL=postgres://...  REDIS_URL=redis://...
    CELERY_BROKER_URL=redis://...  (optional: without it jobs run in a thread, cron the schedule)
    DJANGO_TRUSTED_PROXIES=127.0.0.1  (the proxy in front, if any)
    METRICS_ALLOWED_IPS=127.0.0.1,10.0.0.0/8  METRICS_TOKEN=...  (who may read /metrics)
    LOG_FORMAT=json  (one JSON object a line, for a log collector; default: text)

Without one of the first four, starting raises ImproperlyConfigured naming it.

`python manage.py check --deploy` is clean with these (a test holds it to that).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from site_demo.settings import *  # noqa: F403


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable for production.")
    return value


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = False
# Persistent connections: a new PostgreSQL connection per request costs more than the request
# (bench/README.md: 102 -> 184 comment-checks per second).
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))  # noqa: F405
SECRET_KEY = _required("DJANGO_SECRET_KEY")
# A load balancer probing /readyz by IP address gets 400 (Django's Host header validation):
# make it send the site's Host header, or list that address too (docs/monitoring.md).
ALLOWED_HOSTS = _required("DJANGO_ALLOWED_HOSTS").split(",")
# site_demo.settings built DATABASES and CACHES from these; without them it falls back to a
# SQLite file and a cache in each worker's memory, where every worker keeps its own rate limits
# and used form tokens (issue 18; `check --deploy` says so too: moderation.E011).
_required("DATABASE_URL")
_required("REDIS_URL")
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# That proxy's addresses (DJANGO_TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8): only from them is
# X-Forwarded-For believed, so each reader is rate-limited on its own (docs/deployment.md).
MODERATION = {
    **MODERATION,  # noqa: F405
    "TRUSTED_PROXIES": _list("DJANGO_TRUSTED_PROXIES"),
    # Who may read /metrics: these addresses (as TRUSTED_PROXIES resolves them), and anyone
    # with the token (docs/monitoring.md).
    "METRICS_ALLOWED_IPS": _list("METRICS_ALLOWED_IPS") or ["127.0.0.1", "::1"],
    "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", "").strip() or None,
}
SECURE_SSL_REDIRECT = True
# Load balancers and Prometheus reach the workers directly over plain HTTP, without the
# proxy's X-Forwarded-Proto: a redirect to https would fail every probe.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT", str(VAR_DIR / "static"))  # noqa: F405

# LOG_FORMAT=json: every record (Django's own too) as one JSON object a line, with the request
# id and the comment guid, for a log collector (docs/monitoring.md#logs).
_LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip() or "text"
if _LOG_FORMAT == "json":
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "moderation.monitoring.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["console"], "level": "INFO"},
    }
elif _LOG_FORMAT != "text":
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', not {_LOG_FORMAT!r}.")
