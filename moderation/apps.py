"""App config: registers the system checks and connects the receivers."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks
from django.core.signals import request_finished, setting_changed
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = gettext_lazy("Comment moderation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from moderation import adapters, caches, duplicates, memory, policies, rules
        from moderation import checks as moderation_checks
        from moderation.api import keys
        from moderation.classifier.registry import forget_active_model
        from moderation.conf import clear_settings_cache
        from moderation.models import ApiKey, Comment, Decision, ModelVersion, Rule
        from moderation.monitoring import checks as monitoring_checks
        from moderation.monitoring import instrumentation
        from moderation.monitoring import logs as monitoring_logs
        from moderation.notifications import notify_when_queue_grows
        from moderation.signals import (
            comment_scored,
            decision_recorded,
            model_retrained,
            model_version_activated,
            scoring_failed,
            verdict_reached,
        )

        checks.register(moderation_checks.check_settings)
        checks.register(moderation_checks.check_default_model)
        checks.register(moderation_checks.check_comment_pages, checks.Tags.templates)
        checks.register(moderation_checks.check_privacy_url, checks.Tags.urls)
        checks.register(moderation_checks.check_active_model, checks.Tags.database)
        checks.register(moderation_checks.check_shared_cache, checks.Tags.security, deploy=True)
        checks.register(monitoring_checks.check_metrics)
        checks.register(policies.check_close_after)
        setting_changed.connect(clear_settings_cache, dispatch_uid="moderation.conf")
        # Every timed cache (active model, rules, keys, model-file health) holds settings' values.
        setting_changed.connect(caches.forget_all, dispatch_uid="moderation.caches")
        for signal in (post_save, post_delete):
            signal.connect(
                forget_active_model, sender=ModelVersion, dispatch_uid="moderation.model"
            )
        model_version_activated.connect(forget_active_model, dispatch_uid="moderation.model")
        for signal in (post_save, post_delete):
            signal.connect(rules.forget_rules, sender=Rule, dispatch_uid="moderation.rules")
            signal.connect(keys.forget_keys, sender=ApiKey, dispatch_uid="moderation.keys")
            # A key's trust decides whom its reports count for in campaign memory.
            signal.connect(memory.forget_memory, sender=ApiKey, dispatch_uid="moderation.memory")
        decision_recorded.connect(memory.look_again, dispatch_uid="moderation.memory")
        pre_save.connect(
            duplicates.store_text_hash, sender=Comment, dispatch_uid="moderation.duplicates"
        )
        # Statuses and decisions flow back to the rows of a site's own comment model.
        post_save.connect(
            adapters.status_changed, sender=Comment, dispatch_uid="moderation.adapters"
        )
        decision_recorded.connect(adapters.decision_recorded, dispatch_uid="moderation.adapters")
        post_save.connect(
            notify_when_queue_grows, sender=Decision, dispatch_uid="moderation.notifications"
        )
        # Prometheus metrics (moderation.monitoring): each receiver returns at once while
        # MODERATION["METRICS"] is off, so a test or a settings change can turn them on.
        for sent, receiver in (
            (verdict_reached, instrumentation.count_verdict),
            (scoring_failed, instrumentation.count_scoring_failure),
            (comment_scored, instrumentation.observe_scoring),
            (decision_recorded, instrumentation.count_decision),
            (model_retrained, instrumentation.count_retrain),
        ):
            sent.connect(receiver, dispatch_uid="moderation.metrics")
        request_finished.connect(monitoring_logs.unbind_request_id, dispatch_uid="moderation.logs")
