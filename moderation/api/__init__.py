"""The APIs other CMSes use: a JSON API (DRF) and a wire-compatible Akismet endpoint.

Both need the `api` extra (Django REST framework, drf-spectacular); nothing outside this package
imports them, so a site with only the comment form and the review queue goes without (issue 19).
This module and keys.py stay free of them: the app and the admin import keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.util import find_spec

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

# What the `api` extra installs and docs/INSTALL.md adds to INSTALLED_APPS, in that order.
API_APPS = ("rest_framework", "drf_spectacular", "drf_spectacular_sidecar")


def require_api_apps(urlconf: str, *needed: str) -> None:
    """Raise ImproperlyConfigured, saying how to fix it, if an app `urlconf` needs is not installed
    or not in INSTALLED_APPS: a site that include()s an API without the extra reads a sentence,
    not a ModuleNotFoundError from deep inside the API's views."""
    not_installed = [name for name in needed if find_spec(name) is None]
    not_added = [name for name in needed if not apps.is_installed(name)]
    if not_installed:
        problem = f"{_quoted(not_installed)} {_is_are(not_installed)} not installed"
        fix = 'Install it with `pip install "django-hamlet[api]"` and add'
    elif not_added:
        problem = f"{_quoted(not_added)} {_is_are(not_added)} not in INSTALLED_APPS"
        fix = "Add"
    else:
        return
    raise ImproperlyConfigured(
        f"{urlconf} needs the API extra, but {problem}. {fix} {_quoted(API_APPS)} to "
        f"INSTALLED_APPS; or take include({urlconf!r}) out of your URLconf if no other site "
        "calls this API."
    )


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _is_are(names: Sequence[str]) -> str:
    return "is" if len(names) == 1 else "are"
