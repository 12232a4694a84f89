"""GET /healthz, /readyz and /metrics (docs/monitoring.md). Include them at the site root:
path("", include("moderation.monitoring.urls")), where probes and scrapers look by default."""

from __future__ import annotations

from django.urls import path

from moderation.monitoring import views

app_name = "moderation_monitoring"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
