"""Client sites' API keys in the admin: make one (shown once), its usage per month, revoke it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from moderation.api import keys
from moderation.models import ApiKey, ApiUsage
from moderation.rate_limits import RATE


class ApiUsageInline(admin.TabularInline):
    model = ApiUsage
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "month",
        "api_calls",
        "spam",
        "ham",
        "missed_spam",
        "false_positives",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ("site", "allowed_hosts", "rate_limit", "is_trusted")

    def clean_rate_limit(self) -> str:
        rate: str = self.cleaned_data["rate_limit"].strip()
        if rate and not RATE.match(rate):
            raise ValidationError(
                gettext("Write a rate such as 600/min (per s, min, hour or day).")
            )
        return rate


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = (
        "site",
        "key_prefix",
        "hosts",
        "is_trusted",
        "calls_this_month",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    inlines = (ApiUsageInline,)
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "is_trusted")
    search_fields = ("site", "prefix", "allowed_hosts")
    fields = (
        "site",
        "allowed_hosts",
        "rate_limit",
        "is_trusted",
        "key_prefix",
        "created_at",
        "revoked_at",
    )
    readonly_fields = ("key_prefix", "created_at", "revoked_at")
    actions = ("revoke_selected",)

    @admin.display(description=gettext_lazy("Key"))
    def key_prefix(self, api_key: ApiKey) -> str:
        return f"{api_key.prefix}…" if api_key.prefix else gettext("(made when saved)")

    @admin.display(description=gettext_lazy("Allowed hosts"))
    def hosts(self, api_key: ApiKey) -> str:
        return ", ".join(api_key.allowed_hosts.split()) or gettext("any")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiKey]:
        month = timezone.now().strftime("%Y-%m")
        this_month = ApiUsage.objects.filter(api_key=OuterRef("pk"), month=month)
        return (
            super()
            .get_queryset(request)
            .annotate(calls=Subquery(this_month.values("api_calls")[:1]))
        )

    @admin.display(description=gettext_lazy("Calls this month"), ordering="calls")
    def calls_this_month(self, api_key: ApiKey) -> int:
        return getattr(api_key, "calls", None) or 0

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        raw = None
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
            raw = keys.set_new_key(obj)
        obj.allowed_hosts = "\n".join(obj.allowed_hosts.casefold().split())
        super().save_model(request, obj, form, change)
        if raw is not None:
            self.message_user(
                request,
                gettext(
                    "The API key for %(site)s is %(key)s — copy it now: it is stored only as a "
                    "hash and cannot be shown again."
                )
                % {"site": obj.site, "key": raw},
                messages.WARNING,
            )

    # A revoke cannot be undone here: only who may change keys may revoke them (issue 18).
    @admin.action(permissions=["change"], description=gettext_lazy("Revoke selected keys"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        active = list(queryset.filter(revoked_at__isnull=True))
        for api_key in active:
            keys.revoke(api_key)
        count = len(active)
        message = ngettext("Revoked %(count)d key.", "Revoked %(count)d keys.", count)
        self.message_user(request, message % {"count": count})
