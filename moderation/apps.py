"""App config: registers the system checks and connects the settings-cache receiver."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks
from django.core.signals import setting_changed


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Comment moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from moderation import checks as moderation_checks
        from moderation.conf import clear_settings_cache

        checks.register(moderation_checks.check_settings)
        checks.register(moderation_checks.check_default_model)
        setting_changed.connect(clear_settings_cache, dispatch_uid="moderation.conf")
