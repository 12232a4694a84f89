"""The review queue in the Django admin: pending first, scores shown, decisions as actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from moderation import decisions
from moderation.models import Action, Comment, Decision, ModelVersion, Status


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "created_at",
        "source",
        "action",
        "moderator",
        "status_before",
        "status_after",
        "spam_score",
        "model_version",
        "note",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The history is part of the comment: whoever may see the comment sees its history.
        user = request.user
        return user.has_perm("moderation.view_comment") or user.has_perm(
            "moderation.change_comment"
        )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "excerpt",
        "author",
        "target",
        "status",
        "score",
        "submitted_at",
    )
    list_filter = ("status", "submitted_at", ("content_type", admin.RelatedOnlyFieldListFilter))
    search_fields = ("author_name", "author_email", "author_url", "content", "ip_address")
    list_per_page = 50
    date_hierarchy = "submitted_at"
    actions = (
        "approve_selected",
        "mark_spam_selected",
        "mark_not_spam_selected",
        "remove_selected",
    )
    inlines = (DecisionInline,)
    readonly_fields = (
        "content_type",
        "object_pk",
        "target",
        "author_name",
        "author_email",
        "author_url",
        "content",
        "user",
        "ip_address",
        "user_agent",
        "referrer",
        "permalink",
        "language",
        "submitted_at",
        "status",
        "spam_score",
        "model_version",
    )
    fieldsets = (
        (None, {"fields": ("target", "status", "spam_score", "model_version", "content")}),
        ("Author", {"fields": ("author_name", "author_email", "author_url", "user")}),
        (
            "Request",
            {"fields": ("ip_address", "user_agent", "referrer", "permalink", "language")},
        ),
        ("Stored as", {"fields": ("content_type", "object_pk", "submitted_at")}),
    )

    # Pending first, then oldest first: the order a moderator works the queue in.
    ordering = (
        Case(
            When(status=Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ).asc(),
        "submitted_at",
        "pk",
    )

    class Media:
        css = {"all": ["moderation/admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return super().get_queryset(request).prefetch_related("content_object")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        return super().changelist_view(  # type: ignore[return-value]
            request, {"title": "Comment review queue", **(extra_context or {})}
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from readers, not from the admin

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("moderation.moderate_comment")

    @admin.display(description="Comment")
    def excerpt(self, comment: Comment) -> str:
        text = comment.content if len(comment.content) <= 120 else comment.content[:119] + "…"
        return text  # the changelist escapes plain strings

    @admin.display(description="Author", ordering="author_name")
    def author(self, comment: Comment) -> SafeString:
        return format_html(
            "{}<br><small>{}</small><br><small>{}</small>",
            comment.author_name,
            comment.author_email,
            comment.ip_address or "",
        )

    @admin.display(description="On")
    def target(self, comment: Comment) -> SafeString | str:
        obj = comment.content_object
        if obj is None:
            return "(deleted)"
        url = getattr(obj, "get_absolute_url", None)
        if url is None:
            return str(obj)
        return format_html('<a href="{}">{}</a>', url(), obj)

    @admin.display(description="Spam score", ordering="spam_score")
    def score(self, comment: Comment) -> SafeString:
        # The band is the classifier's verdict when it scored the comment.
        band = comment.verdict or "unscored"
        shown = "–" if comment.spam_score is None else f"{comment.spam_score:.2f}"
        return format_html('<span class="score score-{}">{} {}</span>', band, shown, band)

    def _decide(self, request: HttpRequest, queryset: QuerySet[Comment], action: Action) -> None:
        count = decisions.record_decisions(queryset, action, request.user)  # type: ignore[arg-type]
        self.message_user(
            request,
            f"{Action(action).label}: {count} comment{'s' if count != 1 else ''}.",
            messages.SUCCESS,
        )

    @admin.action(permissions=["moderate"], description="Approve selected comments")
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._decide(request, queryset, Action.APPROVED)

    @admin.action(permissions=["moderate"], description="Mark selected comments as spam")
    def mark_spam_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._decide(request, queryset, Action.MARKED_SPAM)

    @admin.action(permissions=["moderate"], description="Mark selected comments as not spam")
    def mark_not_spam_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._decide(request, queryset, Action.MARKED_NOT_SPAM)

    @admin.action(permissions=["moderate"], description="Remove selected comments")
    def remove_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._decide(request, queryset, Action.REMOVED)


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "is_active", "created_at", "activated_at", "sha256")
    readonly_fields = (
        "version",
        "path",
        "sha256",
        "card",
        "is_active",
        "created_at",
        "activated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
