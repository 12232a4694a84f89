"""The review queue in the Django admin: pending first, why each comment was filed as it was,
one-click and keyboard decisions, rules from a comment, a recheck, and the rules and jobs."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from moderation import admin_views, dashboard, decisions, model_health, recheck, rules, why
from moderation.api import keys
from moderation.api.throttling import RATE
from moderation.classifier import artifacts, storage
from moderation.classifier.artifacts import ModelLoadError
from moderation.classifier.registry import activate_model, previous_model
from moderation.models import (
    Action,
    ApiKey,
    ApiUsage,
    Comment,
    Decision,
    Job,
    ModelVersion,
    Rule,
    RuleKind,
    Status,
)


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
class CommentAdmin(admin.ModelAdmin):
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
            path("<int:pk>/decide/", wrap(admin_views.decide_view), name="moderation_decide"),
            path("<int:pk>/add-rule/", wrap(admin_views.add_rule_view), name="moderation_add_rule"),
            path("recheck/", wrap(self.recheck_view), name="moderation_recheck"),
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
        counts = admin_views.status_counts()
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

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("moderation.moderate_comment")

    @admin.display(description="Comment, and why it was filed so")
    def why(self, comment: Comment) -> SafeString:
        return format_html(
            '{}<div class="comment-target">on {}</div>',
            why.why_html(comment, max_words=60),
            self.target(comment),
        )

    @admin.display(description="Status and score", ordering="status")
    def state(self, comment: Comment) -> SafeString:
        return format_html(
            '<span class="status-label">{}</span><br>{}',
            comment.get_status_display(),
            self.score(comment),
        )

    @admin.display(description="Why")
    def full_why(self, comment: Comment) -> SafeString:
        return why.why_html(comment)

    @admin.display(description="Author", ordering="author_name")
    def author(self, comment: Comment) -> SafeString:
        lines = [format_html("{}", comment.author_name)]
        if comment.author_email:
            lines.append(format_html("<small>{}</small>", comment.author_email))
        if comment.ip_address:
            lines.append(format_html("<small>{}</small>", comment.ip_address))
        first_seen = getattr(comment, "author_first_seen", None)
        if comment.author_email and first_seen is not None:
            lines.append(
                format_html(
                    '<small class="author-record"><a href="?{}" title="All comments by this '
                    'email">{} approved · {} spam</a> · since {}</small>',
                    urlencode({"q": comment.author_email}),
                    getattr(comment, "author_approved", None) or 0,
                    getattr(comment, "author_spam", None) or 0,
                    date_format(localtime(first_seen), "SHORT_DATE_FORMAT"),
                )
            )
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    @admin.display(description="Posted", ordering="submitted_at")
    def submitted(self, comment: Comment) -> str:
        return date_format(localtime(comment.submitted_at), "j M, H:i")

    @admin.display(description="On")
    def target(self, comment: Comment) -> SafeString:
        obj = comment.content_object
        url = getattr(obj, "get_absolute_url", None)
        if obj is None:
            shown = format_html("{}", "(deleted)")
        elif url is None:  # a client site's key: its comments live on the client's pages
            shown = format_html("{}", obj)
        else:
            shown = format_html('<a href="{}">{}</a>', url(), obj)
        # A client's permalink is untrusted: only http(s) becomes a link (never javascript:).
        if comment.permalink.startswith(("http://", "https://")) and url is None:
            shown += format_html(
                ' · <a href="{}" rel="noopener noreferrer">page</a>', comment.permalink
            )
        return shown

    @admin.display(description="The site's own row")
    def origin_row(self, comment: Comment) -> SafeString | str:
        """The row of the site's comment model this one moderates (moderation.adapters)."""
        obj = comment.origin
        if obj is None:
            return "–"
        meta = obj._meta
        try:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        except NoReverseMatch:  # its model is not in the admin
            return format_html("{} #{}", meta.verbose_name, obj.pk)
        return format_html('<a href="{}">{} #{}</a>', url, meta.verbose_name, obj.pk)

    @admin.display(description="Spam score", ordering="spam_score")
    def score(self, comment: Comment) -> SafeString:
        # The band is the verdict when the comment was filed: the classifier's, or a rule's.
        band = comment.verdict or "unscored"
        shown = "–" if comment.spam_score is None else f"{comment.spam_score:.2f}"
        # Campaign memory, not the score, decided it: the score alone would contradict the band.
        memory = ", near-duplicate" if comment.matched_label_id is not None else ""
        return format_html('<span class="score score-{}">{} {}{}</span>', band, shown, band, memory)

    @admin.display(description="Decide")
    def decide_buttons(self, comment: Comment) -> SafeString:
        url = reverse("admin:moderation_decide", args=[comment.pk])
        return format_html_join(
            "",
            '<button type="submit" class="decide decide-{}" formaction="{}" name="decision" '
            'value="{}" title="{} (key {})">{}</button>',
            ((value, url, value, title, key, short) for value, short, title, key in _BUTTONS),
        )

    @admin.display(description="Add a rule from this comment")
    def rule_buttons(self, comment: Comment) -> SafeString:
        url = reverse("admin:moderation_add_rule", args=[comment.pk])
        email = comment.author_email.casefold()
        offers = []
        if email:
            offers += [(RuleKind.ALLOW_EMAIL, email), (RuleKind.BLOCK_EMAIL, email)]
            offers.append((RuleKind.BLOCK_EMAIL_DOMAIN, email.rpartition("@")[2]))
        if comment.ip_address:
            offers.append((RuleKind.BLOCK_IP, comment.ip_address))
        offers += [(RuleKind.BLOCK_LINK_DOMAIN, d) for d in rules.link_domains(comment)]
        if not offers:
            return format_html("{}", "No email, IP address or link to make a rule from.")
        return format_html_join(
            " ",
            '<button type="submit" class="add-rule" formaction="{}" name="rule" value="{}:{}">'
            "{} {}</button>",
            ((url, kind, value, RuleKind(kind).label, value) for kind, value in offers),
        )

    def recheck_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        admin_views.require_moderator(request)
        try:
            job = recheck.recheck_pending(request.user)  # type: ignore[arg-type]
        except ModelLoadError as exc:
            self.message_user(request, f"Cannot recheck: {exc}", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:moderation_comment_changelist"))
        if job.state == Job.State.RUNNING:
            self.message_user(request, "The recheck runs in the background; this page follows it.")
            return HttpResponseRedirect(reverse("admin:moderation_job_change", args=[job.pk]))
        level = messages.SUCCESS if job.state == Job.State.DONE else messages.ERROR
        self.message_user(request, job.result, level)
        return HttpResponseRedirect(reverse("admin:moderation_comment_changelist"))

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


# value posted, button text, what it does, keyboard shortcut
_BUTTONS = (
    ("approve", "Approve", "Approve", "a"),
    ("spam", "Spam", "Mark as spam", "s"),
    ("not_spam", "Not spam", "Mark as not spam", "n"),
    ("remove", "Remove", "Remove", "r"),
)


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ("kind", "value", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") and data.get("value"):
            try:
                data["value"] = rules.normalize_value(data["kind"], data["value"])
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

    @admin.display(description="Comments decided", ordering="n_comments")
    def comment_count(self, rule: Rule) -> int:
        return rule.n_comments  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Rule, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    # Moderators manage rules without being given the Rule model's permissions one by one.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can_moderate(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _can_moderate(request) or super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can_moderate(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can_moderate(request) or super().has_delete_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _can_moderate(request) or super().has_module_permission(request)


def _can_moderate(request: HttpRequest) -> bool:
    return request.user.has_perm("moderation.moderate_comment")


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

    @admin.display(description="Progress")
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

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can_moderate(request) or super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _can_moderate(request) or super().has_module_permission(request)


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
            raise ValidationError("Write a rate such as 600/min (per s, min, hour or day).")
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

    @admin.display(description="Key")
    def key_prefix(self, api_key: ApiKey) -> str:
        return f"{api_key.prefix}…" if api_key.prefix else "(made when saved)"

    @admin.display(description="Allowed hosts")
    def hosts(self, api_key: ApiKey) -> str:
        return ", ".join(api_key.allowed_hosts.split()) or "any"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiKey]:
        month = timezone.now().strftime("%Y-%m")
        this_month = ApiUsage.objects.filter(api_key=OuterRef("pk"), month=month)
        return (
            super()
            .get_queryset(request)
            .annotate(calls=Subquery(this_month.values("api_calls")[:1]))
        )

    @admin.display(description="Calls this month", ordering="calls")
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
                f"The API key for {obj.site} is {raw} — copy it now: it is stored only as a "
                "hash and cannot be shown again.",
                messages.WARNING,
            )

    @admin.action(description="Revoke selected keys")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        active = list(queryset.filter(revoked_at__isnull=True))
        for api_key in active:
            keys.revoke(api_key)
        self.message_user(request, f"Revoked {len(active)} key{'s' if len(active) != 1 else ''}.")


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

    @admin.display(description="Retraining's judgement")
    def promotion(self, model_version: ModelVersion) -> str:
        judgement = model_version.card.get("promotion") or {}
        return str(judgement.get("reason", "–"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_promote_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("moderation.change_modelversion")

    @admin.action(permissions=["promote"], description="Make the selected version active")
    def activate_selected(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to activate.", messages.ERROR)
            return
        model_version = queryset.get()
        try:  # verified before it may score anything
            directory = storage.local_folder(
                model_version.path, model_version.storage_name, model_version.sha256
            )
            artifacts.load_model(directory, model_version.sha256)
            activate_model(model_version)
        except ModelLoadError as exc:
            self.message_user(request, f"Not activated: {exc}", messages.ERROR)
            return
        self.message_user(request, f"Active model: {model_version.version}.", messages.SUCCESS)

    @admin.action(permissions=["promote"], description="Roll back to the previously active version")
    def roll_back(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        previous = previous_model()
        if previous is None:
            self.message_user(request, "No earlier active version.", messages.ERROR)
            return
        activate_model(previous)
        self.message_user(request, f"Rolled back to {previous.version}.", messages.SUCCESS)
