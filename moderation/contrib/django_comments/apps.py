"""Registers django-contrib-comments' comment model with Hamlet when the app is ready."""

from __future__ import annotations

from django.apps import AppConfig


class DjangoCommentsModerationConfig(AppConfig):
    name = "moderation.contrib.django_comments"
    label = "moderation_django_comments"
    verbose_name = "Comment moderation for django-contrib-comments"

    def ready(self) -> None:
        import django_comments
        from django_comments import signals

        from moderation import adapters
        from moderation.contrib.django_comments import adapter

        adapters.register(django_comments.get_model(), adapter.DjangoCommentsAdapter)
        signals.comment_will_be_posted.connect(
            adapter.hold_until_scored, dispatch_uid="moderation.django_comments"
        )
        signals.comment_was_flagged.connect(
            adapter.moderated_in_django_comments, dispatch_uid="moderation.django_comments"
        )
