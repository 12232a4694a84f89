"""Registers the blog's comment model with Hamlet, as the install guide shows."""

from __future__ import annotations

from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "tests.blog"
    label = "blog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from moderation import adapters
        from moderation.models import Status
        from tests.blog.models import PostComment

        class PostCommentAdapter(adapters.CommentAdapter):
            fields = {
                "content": "body",
                "author_name": "name",
                "author_email": "email",
                "author_url": "website",
                "ip_address": "ip",
            }
            target = "post"
            status_field = "approved"
            status_values = {
                Status.PENDING: False,
                Status.APPROVED: True,
                Status.SPAM: False,
                Status.REMOVED: False,
            }

        adapters.register(PostComment, PostCommentAdapter)
