"""URLs of the comment form endpoint; include() them under any prefix."""

from __future__ import annotations

from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("post/", views.post_comment, name="post_comment"),
]
