"""The demo site's URLs plus django-contrib-comments' own, for its adapter's tests."""

from __future__ import annotations

from django.urls import include, path

from site_demo.urls import urlpatterns as demo_urlpatterns

urlpatterns = [
    *demo_urlpatterns,
    path("django-comments/", include("django_comments.urls")),
]
