"""The review queue: pending first, tabs per status, one-click and bulk decisions, rules from the
selected comments, a recheck, and each comment's history of decisions."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, ngettext

from moderation import dashboard, decisions, model_health, recheck
from moderation.admin import comment_list, views
from moderation.admin.comment_columns import CommentColumns
from moderation.classifier.artifacts import ModelLoadError
from moderation.models import (
    Action,
    ApiKey,
    Comment,
    Decision,
    PendingFirst,
    Rule,
    RuleKind,
    Status,
)
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


class ClientSiteFilter(admin.SimpleListFilter):
    """Comments that came through the APIs, by the client site whose key sent them."""

    title = gettext_lazy("client site")
    parameter_name = "client_site"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(k.pk), k.site) for k in ApiKey.objects.all()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        if self.value() is None:
            return queryset
        return queryset.filter(
            content_type=ContentType.objects.get_for_model(ApiKey), object_pk=self.value()
        )


# The queue's tabs filter on the status. The bare URL opens on Pending while anything waits
# (issue 17), so "All" asks for it: a status lookup every comment passes, which Django's status
# filter reads, and keeps in its sorting, paging and filter links.
STATUS_PARAM = "status__exact"
ALL_QUERY = "status__isnull=False"

# What the request that brought the comment said about it, as the comment's page shows it.
REQUEST_FIELDS = ("ip_address", "user_agent", "referrer", "permalink", "language", "comment_type")


@admin.register(Comment)
class CommentAdmin(CommentColumns, admin.ModelAdmin):
    list_display = ("why", "author", "state", "submitted")
    list_display_links = ("submitted",)
    list_filter = (
        "status",
        "submitted_at",
        comment_list.ContentTypeFilter,
        ClientSiteFilter,
    )
    # An email or an IP address is looked up in its index (get_search_results); any other term
    # is matched in these, through PostgreSQL's trigram indexes where it has them.
    search_fields = ("author_name", "author_email", "author_url", "content")
    list_per_page = 50
    # Issue 17: with many comments, what reads the whole list costs seconds: the count of all
    # comments beside the filtered count, per-choice counts, and date_hierarchy's list of dates
    # (the "submitted at" filter covers dates without one).
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
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
        (gettext_lazy("Author"), {"fields": ("author_name", "author_email", "author_url", "user")}),
        (gettext_lazy("Request"), {"fields": REQUEST_FIELDS}),
        (gettext_lazy("Rules"), {"fields": ("rule", "rule_buttons")}),
        (
            gettext_lazy("Stored as"),
            {"fields": ("content_type", "object_pk", "submitted_at", "origin_row")},
        ),
    )

    # Pending first, then oldest first: the order a moderator works the queue in. Both it and
    # a status tab's order (get_ordering) are an index's, so a page reads only its own rows.
    ordering = (PendingFirst().asc(), "submitted_at", "pk")
    paginator = comment_list.QueuePaginator

    class Media:
        css = {"all": ["moderation/admin.css"]}
        js = ["moderation/queue.js"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return (
            super()
            .get_queryset(request)
            .select_related(
                "parent",
                "rule",
                "matched_label__comment",
                "matched_label__moderator",
                "matched_label__api_key",
            )
            .prefetch_related("content_object")
        )

    def get_ordering(self, request: HttpRequest) -> tuple[Any, ...]:
        # In a status tab "pending first" is the same for every row, but the database would
        # still sort the whole tab by it: the (status, submitted_at, id) index has the order.
        return ("submitted_at", "pk") if request.GET.get(STATUS_PARAM) else self.ordering

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return comment_list.QueueChangeList

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Comment], search_term: str
    ) -> tuple[QuerySet[Comment], bool]:
        found = comment_list.find_by_address(queryset, search_term)
        if found is None:
            found = comment_list.find_text(queryset, search_term)
        if found is not None:
            return found, False
        return super().get_search_results(request, queryset, search_term)

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
    ) -> HttpResponse:
        counts = views.status_counts()
        # Issue 17: the queue opens on what waits for a decision. Only the bare URL does: a
        # search, a filter or a page number means the moderator asked for that list.
        if request.method == "GET" and not request.GET and counts[Status.PENDING]:
            return HttpResponseRedirect(f"{request.path}?{STATUS_PARAM}={Status.PENDING}")
        current = request.GET.get(STATUS_PARAM, "")
        choices: list[tuple[str, str | Promise, int, str]] = [
            (s.value, s.label, counts[s.value], f"{STATUS_PARAM}={s.value}") for s in Status
        ]
        choices.append(("", gettext("All"), sum(counts.values()), ALL_QUERY))
        tabs = [
            {"status": s, "label": label, "count": n, "query": query, "current": current == s}
            for s, label, n, query in choices
        ]
        context = {
            "title": gettext("Comment review queue"),
            "queue_tabs": tabs,
            "can_moderate": self.has_moderate_permission(request),
            "model_problem": model_health.model_problem(),
            **(extra_context or {}),
        }
        response = super().changelist_view(request, context)
        if isinstance(response, TemplateResponse) and response.context_data:
            # The tabs are the status filter; the bar above the list holds the others, and
            # its summary names those in use, so a collapsed bar still says what it hides.
            cl = response.context_data["cl"]
            shown = [f for f in cl.filter_specs if getattr(f, "lookup_kwarg", "") != STATUS_PARAM]
            response.context_data["queue_filters"] = shown
            response.context_data["active_filters"] = [
                (f.title, choice["display"])
                for f in shown
                if f.used_parameters
                for choice in f.choices(cl)
                if choice["selected"]
            ]
        return response

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from readers, not from the admin

    # What @admin.action(permissions=["moderate"]) asks.
    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request.user)

    def _decide(self, request: HttpRequest, queryset: QuerySet[Comment], action: Action) -> None:
        count = decisions.record_decisions(queryset, action, request.user)  # type: ignore[arg-type]
        self.message_user(request, _decided(action, count), messages.SUCCESS)

    @admin.action(
        permissions=["moderate"],
        description=gettext_lazy("Approve selected comments"),
    )
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._decide(request, queryset, Action.APPROVED)

    @admin.action(
        permissions=["moderate"],
        description=gettext_lazy("Mark selected comments as spam"),
    )
    def mark_spam_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._decide(request, queryset, Action.MARKED_SPAM)

    @admin.action(
        permissions=["moderate"],
        description=gettext_lazy("Mark selected comments as not spam"),
    )
    def mark_not_spam_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._decide(request, queryset, Action.MARKED_NOT_SPAM)

    @admin.action(
        permissions=["moderate"],
        description=gettext_lazy("Remove selected comments"),
    )
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
            # Translators: a rule kind, then the values it was made for.
            gettext("%(kind)s: %(values)s.")
            % {"kind": kind.label, "values": ", ".join(sorted(values)) or gettext("none to add")}
            + " "
            + _decided(action, count),
            messages.SUCCESS,
        )

    @admin.action(
        permissions=["moderate"],
        description=gettext_lazy("Block the selected comments' IP addresses"),
    )
    def block_ips_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._add_rules(request, queryset, RuleKind.BLOCK_IP, "ip_address")

    @admin.action(
        permissions=["moderate"],
        description=gettext_lazy("Block the selected authors' emails"),
    )
    def block_emails_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._add_rules(request, queryset, RuleKind.BLOCK_EMAIL, "author_email")

    @admin.action(
        permissions=["moderate"],
        description=gettext_lazy("Always allow the selected authors"),
    )
    def allow_emails_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._add_rules(request, queryset, RuleKind.ALLOW_EMAIL, "author_email")

    @admin.action(
        permissions=["moderate"],
        description=gettext_lazy("Recheck selected comments with the model"),
    )
    def recheck_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        try:
            result = recheck.recheck(queryset.order_by("submitted_at", "pk"))
        except ModelLoadError as exc:
            self.message_user(
                request, gettext("Cannot recheck: %(error)s") % {"error": exc}, messages.ERROR
            )
            return
        self.message_user(request, result.summary(), messages.SUCCESS)


def _decided(action: Action, count: int) -> str:
    """Return the message after a bulk decision: 'Approved: 3 comments.'"""
    return ngettext("%(action)s: %(count)d comment.", "%(action)s: %(count)d comments.", count) % {
        "action": Action(action).label,
        "count": count,
    }
