"""WSGI entry point of the demo site (gunicorn site_demo.wsgi)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_demo.settings")

application = get_wsgi_application()

# Each worker loads the spam model before its first request: Akismet clients give up after 1 s.
from moderation.classifier.scoring import warm_up  # noqa: E402  (needs Django set up)

warm_up()
