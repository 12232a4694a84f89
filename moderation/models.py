"""Stored state of the flow: comments, their decision history (the labels), and model versions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation.verdicts import Verdict


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    SPAM = "spam", _("Spam")
    REMOVED = "removed", _("Removed")


class CommentQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> CommentQuerySet:
        """Return the comments attached to `obj`."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
        )

    def published(self) -> CommentQuerySet:
        return self.filter(status=Status.APPROVED)


class PendingFirst(models.Func):
    """0 for a pending comment, 1 for any other: the review queue lists what waits first.

    Literals, not query parameters: SQLite uses an index on an expression only for a query
    that has the same expression, and a parameter is not the value it will be bound to.
    """

    template = f"CASE WHEN %(expressions)s = '{Status.PENDING}' THEN 0 ELSE 1 END"
    output_field = models.IntegerField()

    def __init__(self) -> None:
        super().__init__(models.F("status"))


# The name of an author who gave none: Comment.author_name is required, an API's author is not.
ANONYMOUS = "Anonymous"


class Comment(models.Model):
    """A reader comment under any object, with what an Akismet-style check looks at."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("content type")
    )
    # A string so objects with UUID or slug keys can have comments too.
    object_pk = models.CharField(_("object ID"), max_length=64)
    content_object = GenericForeignKey("content_type", "object_pk")

    author_name = models.CharField(_("author name"), max_length=100)
    author_email = models.EmailField(_("author email"), blank=True)
    author_url = models.URLField(_("author website"), max_length=500, blank=True)
    content = models.TextField(_("comment"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderated_comments",
        verbose_name=_("user"),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.TextField(_("user agent"), blank=True)
    referrer = models.TextField(_("referrer"), blank=True)
    permalink = models.TextField(_("permalink"), blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    # What an API client says the text is (Akismet's comment_type: comment, reply, trackback,
    # pingback, contact-form, ...); empty for the site's own form.
    comment_type = models.CharField(_("comment type"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    # The comment this one answers (threads.py). A reply outlives its parent (retention,
    # erasure), and its depth still says it was one, so it never shows as a comment of its own.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    depth = models.PositiveSmallIntegerField(_("thread level"), default=1)  # 1: not a reply
    # Akismet's comment_parent when it names no comment stored here (the client's own id).
    parent_ref = models.CharField(_("client's parent ID"), max_length=64, blank=True)
    # duplicates.text_hash(content), kept by a pre_save receiver: finds a repeat in one query.
    content_hash = models.CharField(_("text hash"), max_length=32, blank=True, editable=False)

    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    # What the classifier said at submission, kept when a moderator later changes the status.
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict, blank=True)
    spam_score = models.FloatField(_("spam score"), null=True, blank=True)
    model_version = models.CharField(_("model version"), max_length=64, blank=True)
    # The id an API client gets back (X-akismet-guid) and may quote in submit-spam / submit-ham.
    guid = models.UUIDField(_("GUID"), default=uuid.uuid4, unique=True, editable=False)
    # Sent by an API client as test traffic: never a label for retraining.
    is_test = models.BooleanField(_("test"), default=False)
    # The moderator's rule that decided this comment instead of the classifier, if any.
    rule = models.ForeignKey(
        "Rule",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        verbose_name=_("rule"),
    )
    # The site's own comment row this one moderates, when an adapter registered its model
    # (moderation.adapters): that row stays the site's, and our verdicts are written back to it.
    origin_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("origin type"),
    )
    origin_pk = models.CharField(_("origin ID"), max_length=64, blank=True)
    origin = GenericForeignKey("origin_type", "origin_pk")
    # The label (reported spam, or an approved comment) this comment is a near-duplicate of,
    # when campaign memory (memory.py) decided it: the queue's "why" names it.
    matched_label = models.ForeignKey(
        "Decision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("matched label"),
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["submitted_at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_pk", "status"]),
            # The review queue's pages (issue 17): a status tab, oldest first; every comment,
            # pending first; an author's record, from the index alone; a search for an email
            # (in any case) or an IP address. The indexes for searching the text are not the
            # same on PostgreSQL and SQLite, so migration 0008 adds them outside the state.
            models.Index(fields=["status", "submitted_at", "id"]),
            models.Index(PendingFirst(), "submitted_at", "id", name="moderation_queue_order"),
            models.Index(fields=["author_email", "status", "submitted_at"]),
            models.Index(Lower("author_email"), name="moderation_author_email_ci"),
            models.Index(fields=["ip_address"]),
            models.Index(fields=["content_hash", "object_pk"], name="moderation_duplicates"),
        ]
        permissions = [("moderate_comment", "Can moderate comments")]
        constraints = [
            models.UniqueConstraint(
                fields=["origin_type", "origin_pk"],
                condition=models.Q(origin_type__isnull=False),
                name="one_comment_per_origin",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.content[:50]}"


class Source(models.TextChoices):
    CLASSIFIER = "classifier", _("Classifier")
    MODERATOR = "moderator", _("Moderator")
    RULE = "rule", _("Rule")
    API = "api", _("API client")  # a client site's submit-spam / submit-ham or JSON API decision
    MEMORY = "memory", _("Campaign memory")  # a near-duplicate of a labelled comment (memory.py)


class Action(models.TextChoices):
    # What the classifier did on submit.
    PUBLISHED = "published", _("Published by the classifier")
    HELD = "held", _("Held for review by the classifier")
    FLAGGED = "flagged", _("Flagged as spam by the classifier")
    UNCHECKED = "unchecked", _("Held for review: the classifier could not score it")
    # What a moderator's allow or block rule did on submit, before the classifier.
    ALLOWED_BY_RULE = "allowed_by_rule", _("Published by an allow rule")
    BLOCKED_BY_RULE = "blocked_by_rule", _("Filed as spam by a block rule")
    # What campaign memory did on submit: the comment is a near-duplicate of a labelled one.
    MATCHED_SPAM = "matched_spam", _("Filed as spam: a near-duplicate of reported spam")
    MATCHED_HAM = (
        "matched_ham",
        _("Held, not filed as spam: a near-duplicate of an approved comment"),
    )
    # What a moderator did; these rows are the labels retraining learns from.
    APPROVED = "approved", _("Approved")
    MARKED_SPAM = "marked_spam", _("Marked as spam")
    MARKED_NOT_SPAM = "marked_not_spam", _("Marked as not spam")
    REMOVED = "removed", _("Removed")


# Sources whose decisions are labels: people, here or on a client site, not our own verdicts.
LABEL_SOURCES = (Source.MODERATOR, Source.API)

# Moderator actions that say whether the text is spam; "removed" says nothing about that.
LABEL_FOR_ACTION: dict[str, bool] = {
    Action.APPROVED: False,
    Action.MARKED_NOT_SPAM: False,
    Action.MARKED_SPAM: True,
}


class Decision(models.Model):
    """One entry of a comment's history: a classifier verdict or a moderator decision."""

    # Null once retention has deleted the comment: the decision, and a label's text, stay.
    comment = models.ForeignKey(
        Comment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="history",
        verbose_name=_("comment"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source)
    action = models.CharField(_("action"), max_length=24, choices=Action)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("moderator"),
    )
    # The client site whose submit-spam / submit-ham (Source.API) this is: who gave the label.
    api_key = models.ForeignKey(
        "ApiKey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
        verbose_name=_("API key"),
    )
    status_before = models.CharField(_("status before"), max_length=16, choices=Status, blank=True)
    status_after = models.CharField(_("status after"), max_length=16, choices=Status)
    # The score and model at the time of the decision, so a label keeps its context.
    spam_score = models.FloatField(_("spam score"), null=True, blank=True)
    model_version = models.CharField(_("model version"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    # For labels whose comment was deleted: the CommentData fields retraining reads.
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at", "pk"]
        indexes = [
            # Campaign memory reads the recent labels every few seconds; they are a small
            # share of all decisions (one classifier row per comment), so only they are indexed.
            models.Index(
                fields=["created_at"],
                condition=models.Q(source__in=LABEL_SOURCES),
                name="moderation_recent_labels",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_label(self) -> bool:
        return self.source in LABEL_SOURCES and self.action in LABEL_FOR_ACTION


class ModelVersion(models.Model):
    """A trained model file on disk, its checksum, and whether it scores new comments."""

    version = models.CharField(_("version"), max_length=64, unique=True)
    path = models.CharField(_("path"), max_length=500, help_text=_("Folder holding model.joblib."))
    # Where every server finds the files (MODERATION["MODEL_STORAGE"]); empty: only `path`.
    storage_name = models.CharField(_("storage name"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    card = models.JSONField(_("model card"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="moderation_one_active_model",
            )
        ]

    def __str__(self) -> str:
        if self.is_active:
            return gettext("%(version)s (active)") % {"version": self.version}
        return self.version


class RuleKind(models.TextChoices):
    ALLOW_EMAIL = "allow_email", _("Always allow author email")
    BLOCK_EMAIL = "block_email", _("Block author email")
    BLOCK_EMAIL_DOMAIN = "block_email_domain", _("Block email domain")
    BLOCK_IP = "block_ip", _("Block IP address")
    BLOCK_LINK_DOMAIN = "block_link_domain", _("Block link domain")


class Rule(models.Model):
    """A moderator's standing decision about an author or source, applied before the classifier."""

    kind = models.CharField(_("kind"), max_length=24, choices=RuleKind)
    value = models.CharField(
        _("value"),
        max_length=254,
        help_text=_("An email, a domain (subdomains match too) or an IP address."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="moderation_unique_rule")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    @property
    def is_block(self) -> bool:
        return self.kind != RuleKind.ALLOW_EMAIL


class Job(models.Model):
    """Long work started from the admin (a queue recheck), with progress a page can poll."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=32)
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.RUNNING)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    result = models.TextField(_("result"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M} ({self.get_state_display()})"


class ApiKey(models.Model):
    """A client site's key to the REST and Akismet-compatible APIs. Only its hash is stored."""

    site = models.CharField(
        _("site"), max_length=100, help_text=_("The client site's name, shown in the queue.")
    )
    # The first characters of the key, to find its row without trying every hash.
    prefix = models.CharField(_("prefix"), max_length=4, db_index=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    allowed_hosts = models.TextField(
        _("allowed hosts"),
        blank=True,
        help_text=_(
            "One host per line (example.com also allows its subdomains). The blog URL a "
            "client sends must be on one of them. Empty: any host."
        ),
    )
    # Untrusted by default: a key is handed to another site's software, and its reports must
    # not decide for everyone (a leaked key, or one site's odd moderation). Trusted, they teach
    # the shared model and every site's campaign memory, as a moderator's decisions do.
    is_trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_(
            "Its submit-spam / submit-ham teach the shared model and campaign memory for "
            "every site. Untrusted, they count only for this key's own checks."
        ),
    )
    rate_limit = models.CharField(
        _("rate limit"),
        max_length=20,
        blank=True,
        help_text=_("Requests per period, such as 600/min; empty: MODERATION['API_RATE']."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["site", "pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return self.site

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiUsage(models.Model):
    """One key's calls and outcomes in one month: the usage counts and Akismet's key-sites."""

    api_key = models.ForeignKey(
        ApiKey, on_delete=models.CASCADE, related_name="usage", verbose_name=_("API key")
    )
    month = models.CharField(_("month"), max_length=7)  # YYYY-MM
    api_calls = models.PositiveBigIntegerField(_("API calls"), default=0)
    spam = models.PositiveBigIntegerField(_("spam"), default=0)
    ham = models.PositiveBigIntegerField(_("ham"), default=0)
    # submit-spam of a comment we passed; submit-ham of one we flagged.
    missed_spam = models.PositiveBigIntegerField(_("missed spam"), default=0)
    false_positives = models.PositiveBigIntegerField(_("false positives"), default=0)

    class Meta:
        verbose_name = _("monthly usage")
        verbose_name_plural = _("monthly usage")
        ordering = ["-month", "api_key"]
        constraints = [
            models.UniqueConstraint(fields=["api_key", "month"], name="moderation_usage_month")
        ]

    def __str__(self) -> str:
        return f"{self.api_key} {self.month}"
