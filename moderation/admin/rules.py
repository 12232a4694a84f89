"""Moderators' allow and block rules in the admin, each with how many comments it decided."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from moderation.models import Rule
from moderation.permissions import can_moderate
from moderation.rules import normalize_value


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ("kind", "value", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") and data.get("value"):
            try:
                data["value"] = normalize_value(data["kind"], data["value"])
            except ValidationError as exc:
                self.add_error("value", exc)
            else:
                self.instance.value = data["value"]
        return data


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = ("kind", "value", "note", "created_by", "created_at", "comment_count")
    list_filter = ("kind",)
    search_fields = ("value", "note")
    fields = ("kind", "value", "note")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rule]:
        return super().get_queryset(request).annotate(n_comments=Count("comments"))

    @admin.display(description=gettext_lazy("Comments decided"), ordering="n_comments")
    def comment_count(self, rule: Rule) -> int:
        return rule.n_comments  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Rule, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    # Moderators manage rules without being given the Rule model's permissions one by one.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_moderate(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request.user) or super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_moderate(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_moderate(request.user) or super().has_delete_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request.user) or super().has_module_permission(request)
