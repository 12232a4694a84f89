"""URLs of the JSON API; include() them under a prefix such as "api/v1/"."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "moderation_api"

urlpatterns: list[URLPattern] = []
