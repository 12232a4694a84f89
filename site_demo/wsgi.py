"""WSGI entry point of the demo site (gunicorn site_demo.wsgi)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_demo.settings")

application = get_wsgi_application()
