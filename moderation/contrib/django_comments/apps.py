"""Registers django-contrib-comments' comment model with Hamlet when the app is ready."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DjangoCommentsModerationConfig(AppConfig):
    name = "moderation.contrib.django_comments"
    label = "moderation_django_comments"
    verbose_name = gettext_lazy("Comment moderation for django-contrib-comments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import django_comments
        from django.db.models.signals import post_delete, post_save, pre_save
        from django_comments import signals

        from moderation import adapters
        from moderation.contrib.django_comments import adapter

        model = django_comments.get_model()
        uid = "moderation.django_comments"
        pre_save.connect(adapter.hold_until_scored, sender=model, dispatch_uid=uid)
        # Receivers run in the order connected, and register() connects the one that submits
        # the row: outside a transaction it is scored at once, so the hold must be known first.
        post_save.connect(adapter.remember_site_hold, sender=model, dispatch_uid=uid)
        post_delete.connect(adapter.forget_site_hold, sender=model, dispatch_uid=uid)
        adapters.register(model, adapter.DjangoCommentsAdapter)
        signals.comment_will_be_posted.connect(adapter.take_client_address, dispatch_uid=uid)
        signals.comment_was_flagged.connect(adapter.moderated_in_django_comments, dispatch_uid=uid)
