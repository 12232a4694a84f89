"""The demo news site. Its Celery app is loaded with Django so shared tasks bind to it."""

from __future__ import annotations

from site_demo.celery import app as celery_app

__all__ = ["celery_app"]
