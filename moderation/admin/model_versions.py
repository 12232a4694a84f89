"""Model versions in the admin: retraining's judgement on each, activate one, or roll back."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy

from moderation.classifier.artifacts import ModelLoadError
from moderation.classifier.registry import activate_model, previous_model
from moderation.models import ModelVersion


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "is_active", "promotion", "created_at", "activated_at")
    readonly_fields = (
        "version",
        "promotion",
        "path",
        "sha256",
        "card",
        "is_active",
        "created_at",
        "activated_at",
    )
    actions = ("activate_selected", "roll_back")

    @admin.display(description=gettext_lazy("Retraining's judgement"))
    def promotion(self, model_version: ModelVersion) -> str:
        judgement = model_version.card.get("promotion") or {}
        return str(judgement.get("reason", "–"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_promote_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("moderation.change_modelversion")

    @admin.action(
        permissions=["promote"], description=gettext_lazy("Make the selected version active")
    )
    def activate_selected(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Select exactly one version to activate."), messages.ERROR
            )
            return
        model_version = queryset.get()
        self._activate(
            request,
            model_version,
            gettext("Not activated: %(error)s"),
            gettext("Active model: %(version)s."),
        )

    @admin.action(
        permissions=["promote"],
        description=gettext_lazy("Roll back to the previously active version"),
    )
    def roll_back(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        previous = previous_model()
        if previous is None:
            self.message_user(request, gettext("No earlier active version."), messages.ERROR)
            return
        self._activate(
            request,
            previous,
            gettext("Not rolled back: %(error)s"),
            gettext("Rolled back to %(version)s."),
        )

    def _activate(
        self, request: HttpRequest, model_version: ModelVersion, refused: str, done: str
    ) -> None:
        try:
            activate_model(model_version)
        except ModelLoadError as exc:  # its file does not verify
            self.message_user(request, refused % {"error": exc}, messages.ERROR)
        else:
            self.message_user(request, done % {"version": model_version.version}, messages.SUCCESS)
