"""URLs of the comment form endpoint and the default privacy page; include() them under any
prefix."""

from __future__ import annotations

from django.urls import path

from moderation import views
from moderation.privacy_notice import privacy_notice

app_name = "moderation"

urlpatterns = [
    path("post/", views.post_comment, name="post_comment"),
    # PRIVACY_URL = "moderation:privacy" links the notice under the form here.
    path("privacy/", privacy_notice, name="privacy"),
]
