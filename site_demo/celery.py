"""The demo site's Celery app: `celery -A site_demo worker` runs Hamlet's jobs, `beat` its schedule.

Only used when MODERATION["CELERY"] is on (CELERY_BROKER_URL set); otherwise jobs run in a
thread of the web process and nothing here is needed.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_demo.settings")

app = Celery("site_demo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
