"""URLs of the comment form endpoint, the link to one comment, the comment feeds and the default
privacy page; include() them under any prefix."""

from __future__ import annotations

from django.urls import path

from moderation import views
from moderation.feeds import LatestCommentsFeed, ObjectCommentsFeed
from moderation.privacy_notice import privacy_notice

app_name = "moderation"

urlpatterns = [
    path("post/", views.post_comment, name="post_comment"),
    # A shown comment on its object's page (#comment-<id>, on the right page of comments).
    path("link/<int:comment_id>/", views.comment_link, name="comment_link"),
    path("feeds/latest/", LatestCommentsFeed(), name="latest_comments_feed"),
    path(
        "feeds/<int:content_type_id>/<str:object_pk>/",
        ObjectCommentsFeed(),
        name="comment_feed",
    ),
    # PRIVACY_URL = "moderation:privacy" links the notice under the form here.
    path("privacy/", privacy_notice, name="privacy"),
]
