"""Settings of the demo news site. SQLite by default; `DATABASE_URL` selects another database."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DEMO_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The demo runs on a developer's machine; production sites set these from the environment.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "demo-only-insecure-key-change-me-in-production")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
# ".localhost": Akismet clients of the older style send the API key as a subdomain of the host.
ALLOWED_HOSTS = os.environ.get(
    "DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,.localhost,testserver"
).split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API docs' JavaScript, served locally instead of from a CDN
    "moderation",
    "site_demo.articles",
    "axes",  # the admin login's throttle
]

MIDDLEWARE = [
    # First: each request's id is on every log record written while it is served (and the
    # response's X-Request-ID), and the time of Hamlet's endpoints includes the middleware.
    "moderation.monitoring.middleware.MonitoringMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Picks the reader's language (Accept-Language) for the admin and Hamlet's marked strings.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

# The admin login's throttle (issue 18): after AXES_FAILURE_LIMIT wrong passwords from one client
# address, every login from it is refused for AXES_COOLOFF_TIME. Locked by address, not by
# username: a username lock would let anyone lock the moderators out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
# The address the comment form and every rate limit trust (MODERATION["TRUSTED_PROXIES"]).
AXES_CLIENT_IP_CALLABLE = "moderation.client_address.client_ip"

ROOT_URLCONF = "site_demo.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site_demo" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "site_demo.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file opened once per process instead of per request: 1.3x the comment-checks per
    # second (bench/README.md). A database server's connections are the server's to budget.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "600"))
    # Readers never wait for the writer, and writers queue instead of failing "database is
    # locked": 1.8x the comment-checks per second under load (bench/README.md).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
MEDIA_ROOT = VAR_DIR / "media"  # retrained spam models are written under it

# Several servers share rate-limit counts through Redis (REDIS_URL); one server may keep them
# in its own memory.
if REDIS_URL := os.environ.get("REDIS_URL", ""):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }

# Celery on Redis when CELERY_BROKER_URL is set; without it jobs run in a thread (no broker).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2  # seconds; a broker that is down falls back at once
CELERY_BEAT_SCHEDULE = {
    "retrain nightly": {"task": "moderation.retrain", "schedule": 24 * 60 * 60},
    "purge daily": {"task": "moderation.purge", "schedule": 24 * 60 * 60},
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hamlet comment moderation API",
    "DESCRIPTION": "Check comments for spam, work the review queue, and report decisions.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"moderation": {"handlers": ["console"], "level": "INFO"}},
}

MODERATION: dict[str, Any] = {
    "CELERY": bool(CELERY_BROKER_URL),
    # /metrics for Prometheus, to scrapers on this machine (METRICS_ALLOWED_IPS' default).
    "METRICS": True,
    "PRIVACY_URL": "/privacy/",
}
