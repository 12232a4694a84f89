"""URLs of the Akismet-compatible API; include() them under a prefix such as "akismet/"."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "akismet"

urlpatterns: list[URLPattern] = []
