"""URLs of the demo news site: articles, the privacy page, the admin, Hamlet's comment views,
its two APIs, and its probes and metrics."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from site_demo.articles import views

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    path("privacy/", views.privacy, name="privacy"),
    path("comments/", include("moderation.urls")),
    path("api/v1/", include("moderation.api.urls")),
    path("akismet/", include("moderation.api.akismet_urls")),
    path("admin/", admin.site.urls),
    # GET /healthz, /readyz and /metrics (MODERATION["METRICS"]) for probes and Prometheus.
    path("", include("moderation.monitoring.urls")),
]
