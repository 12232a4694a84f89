"""Background jobs (a recheck of the queue) in the admin, read-only, with their progress."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from moderation.models import Job
from moderation.permissions import can_moderate


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("kind", "state", "progress", "started_by", "started_at", "finished_at")
    list_filter = ("kind", "state")
    fields = readonly_fields = (
        "kind",
        "state",
        "progress",
        "result",
        "started_by",
        "started_at",
        "finished_at",
    )

    @admin.display(description=gettext_lazy("Progress"))
    def progress(self, job: Job) -> SafeString:
        return format_html(
            '<progress value="{}" max="{}"></progress> {} / {}',
            job.done,
            job.total or 1,
            job.done,
            job.total,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # Moderators follow the rechecks they start.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_moderate(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request.user) or super().has_module_permission(request)
