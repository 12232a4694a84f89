"""System checks of the monitoring settings: METRICS, METRICS_ALLOWED_IPS, METRICS_TOKEN
(ids moderation.E012-E015 and W006, listed in docs/settings.md beside moderation/checks.py's)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from moderation.checks import network_list_errors
from moderation.conf import get_settings
from moderation.monitoring.instrumentation import is_installed

# The shortest METRICS_TOKEN accepted: a guessable token would open /metrics to anyone.
MIN_METRICS_TOKEN_LENGTH = 16
_MONITORING_MIDDLEWARE = "moderation.monitoring.middleware.MonitoringMiddleware"


def check_metrics(**kwargs: Any) -> list[CheckMessage]:
    """Report METRICS_ALLOWED_IPS and METRICS_TOKEN values that cannot work, and metrics that
    are on without prometheus-client, a usable PROMETHEUS_MULTIPROC_DIR or the middleware."""
    conf = get_settings()
    messages: list[CheckMessage] = []
    allowed = conf["METRICS_ALLOWED_IPS"]
    ips_hint = (
        "List the addresses or networks of your Prometheus servers, such as ['127.0.0.1', "
        "'::1'] or ['10.0.0.0/8']; an empty list lets only METRICS_TOKEN in."
    )
    messages += network_list_errors(
        "METRICS_ALLOWED_IPS", allowed, "nobody is let in by it.", ips_hint, "moderation.E012"
    )
    token = conf["METRICS_TOKEN"]
    if token is not None and not (
        isinstance(token, str) and len(token) >= MIN_METRICS_TOKEN_LENGTH
    ):
        messages.append(
            Error(
                "MODERATION['METRICS_TOKEN'] must be a string of at least "
                f"{MIN_METRICS_TOKEN_LENGTH} characters, or None for no token.",
                hint="Make one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'` "
                "and read it from the environment, not from a file in your repository.",
                id="moderation.E013",
            )
        )
    if conf["METRICS"] is not True:
        return messages
    if not is_installed():
        messages.append(
            Error(
                "MODERATION['METRICS'] is on, but prometheus-client is not installed: /metrics "
                "answers 404 and nothing is counted.",
                hint="Install the metrics extra: pip install 'django-hamlet[metrics]'.",
                id="moderation.E014",
            )
        )
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory and not (os.path.isdir(directory) and os.access(directory, os.W_OK)):
        messages.append(
            Error(
                "The environment variable PROMETHEUS_MULTIPROC_DIR names "
                f"{directory!r}, which is not a folder this process may write to: no worker "
                "can count, and /metrics fails.",
                hint="Create the folder (empty) before the server starts, writable by the "
                "site's user, or unset the variable for a single-process server.",
                id="moderation.E015",
            )
        )
    if _MONITORING_MIDDLEWARE not in settings.MIDDLEWARE:
        messages.append(
            Warning(
                "MODERATION['METRICS'] is on, but MonitoringMiddleware is not in MIDDLEWARE: "
                "request times are not measured, and comments are counted with the channel "
                "'other'.",
                hint=f"Add '{_MONITORING_MIDDLEWARE}' first in MIDDLEWARE.",
                id="moderation.W006",
            )
        )
    return messages
