"""The form-only site's URLs: the demo's pages, Hamlet's comment form endpoint and the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from site_demo.articles import views

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    path("privacy/", views.privacy, name="privacy"),
    path("comments/", include("moderation.urls")),
    path("admin/", admin.site.urls),
]
