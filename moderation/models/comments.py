"""Comments: the stored comment, its statuses and the queue's order."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
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
