"""The review queue: pending first, tabs per status, one-click and bulk decisions, rules from the
selected comments, a recheck, and each comment's history of decisions."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from moderation import dashboard, decisions, model_health, recheck
from moderation.admin import views
from moderation.admin.comment_columns import CommentColumns
from moderation.classifier.artifacts import ModelLoadError
from moderation.models import Action, ApiKey, Comment, Decision, Rule, RuleKind, Status
from moderation.permissions import can_moderate


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "created_at",
        "source",
        "action",
        "moderator",
        "api_key",
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


def _author_record(status: Status | None = None) -> Subquery:
    """The author's (by email) number of comments in `status`, or first comment date if None."""
    same_author = Comment.objects.filter(author_email=OuterRef("author_email"))
    if status is None:
        return Subquery(same_author.order_by("submitted_at").values("submitted_at")[:1])
    return Subquery(
        same_author.filter(status=status)
        .order_by()
        .values("author_email")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )


class ClientSiteFilter(admin.SimpleListFilter):
    """Comments that came through the APIs, by the client site whose key sent them."""

    title = "client site"
    parameter_name = "client_site"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(k.pk), k.site) for k in ApiKey.objects.all()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        if self.value() is None:
            return queryset
        return queryset.filter(
            content_type=ContentType.objects.get_for_model(ApiKey), object_pk=self.value()
        )


# What the request that brought the comment said about it, as the comment's page shows it.
REQUEST_FIELDS = ("ip_address", "user_agent", "referrer", "permalink", "language", "comment_type")


@admin.register(Comment)
class CommentAdmin(CommentColumns, admin.ModelAdmin):
    list_display = ("why", "author", "state", "submitted")
    list_display_links = ("submitted",)
    list_filter = (
        "status",
        "submitted_at",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ClientSiteFilter,
    )
    search_fields = ("author_name", "author_email", "author_url", "content", "ip_address")
    list_per_page = 50
    date_hierarchy = "submitted_at"
    change_list_template = "admin/moderation/comment/change_list.html"
    actions = (
        "approve_selected",
        "mark_spam_selected",
        "mark_not_spam_selected",
        "remove_selected",
        "block_ips_selected",
        "block_emails_selected",
        "allow_emails_selected",
        "recheck_selected",
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
        *REQUEST_FIELDS,
        "submitted_at",
        "status",
        "spam_score",
        "model_version",
        "rule",
        "full_why",
        "rule_buttons",
        "decide_buttons",
        "origin_row",
    )
    fieldsets = (
        (
            None,
            {"fields": ("target", "status", "spam_score", "model_version", "full_why", "content")},
        ),
        ("Author", {"fields": ("author_name", "author_email", "author_url", "user")}),
        ("Request", {"fields": REQUEST_FIELDS}),
        ("Rules", {"fields": ("rule", "rule_buttons")}),
        ("Stored as", {"fields": ("content_type", "object_pk", "submitted_at", "origin_row")}),
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
        js = ["moderation/queue.js"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return (
            super()
            .get_queryset(request)
            .select_related(
                "rule",
                "matched_label__comment",
                "matched_label__moderator",
                "matched_label__api_key",
            )
            .prefetch_related("content_object")
            .annotate(
                author_approved=_author_record(Status.APPROVED),
                author_spam=_author_record(Status.SPAM),
                author_first_seen=_author_record(),
            )
        )

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/decide/", wrap(views.decide_view), name="moderation_decide"),
            path("<int:pk>/add-rule/", wrap(views.add_rule_view), name="moderation_add_rule"),
            path("recheck/", wrap(views.recheck_view), name="moderation_recheck"),
            path(
                "dashboard/",
                wrap(partial(dashboard.dashboard_view, admin_site=self.admin_site)),
                name="moderation_dashboard",
            ),
            path(
                "dashboard/chart.png",
                wrap(dashboard.dashboard_chart_view),
                name="moderation_dashboard_chart",
            ),
            *super().get_urls(),
        ]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_moderate_permission(request):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {"fields": (*options["fields"], "decide_buttons")}), *rest]

    def get_list_display(self, request: HttpRequest) -> tuple[Any, ...]:
        shown = tuple(super().get_list_display(request))
        return (*shown, "decide_buttons") if self.has_moderate_permission(request) else shown

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        counts = views.status_counts()
        current = request.GET.get("status__exact", "")
        tabs = [
            {"status": s.value, "label": s.label, "count": counts[s.value], "current": current == s}
            for s in Status
        ]
        tabs.append(
            {"status": "", "label": "All", "count": sum(counts.values()), "current": not current}
        )
        context = {
            "title": "Comment review queue",
            "queue_tabs": tabs,
            "can_moderate": self.has_moderate_permission(request),
            "model_problem": model_health.model_problem(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)  # type: ignore[return-value]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from readers, not from the admin

    # What @admin.action(permissions=["moderate"]) asks.
    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request.user)

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

    def _add_rules(
        self, request: HttpRequest, queryset: QuerySet[Comment], kind: RuleKind, field: str
    ) -> None:
        values = {str(v).casefold() for v in queryset.values_list(field, flat=True) if v}
        for value in sorted(values):
            Rule.objects.get_or_create(
                kind=kind,
                value=value,
                defaults={"created_by": request.user},  # type: ignore[misc]  # any AUTH_USER_MODEL
            )
        action = Action.APPROVED if kind == RuleKind.ALLOW_EMAIL else Action.MARKED_SPAM
        count = decisions.record_decisions(queryset, action, request.user)  # type: ignore[arg-type]
        self.message_user(
            request,
            f"{kind.label}: {', '.join(sorted(values)) or 'none to add'}. "
            f"{Action(action).label}: {count} comment{'s' if count != 1 else ''}.",
            messages.SUCCESS,
        )

    @admin.action(permissions=["moderate"], description="Block the selected comments' IP addresses")
    def block_ips_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._add_rules(request, queryset, RuleKind.BLOCK_IP, "ip_address")

    @admin.action(permissions=["moderate"], description="Block the selected authors' emails")
    def block_emails_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._add_rules(request, queryset, RuleKind.BLOCK_EMAIL, "author_email")

    @admin.action(permissions=["moderate"], description="Always allow the selected authors")
    def allow_emails_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._add_rules(request, queryset, RuleKind.ALLOW_EMAIL, "author_email")

    @admin.action(permissions=["moderate"], description="Recheck selected comments with the model")
    def recheck_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        try:
            result = recheck.recheck(queryset.order_by("submitted_at", "pk"))
        except ModelLoadError as exc:
            self.message_user(request, f"Cannot recheck: {exc}", messages.ERROR)
            return
        self.message_user(request, result.summary(), messages.SUCCESS)
