"""Decisions: the history of each comment; a moderator's or client's decision is a label."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models.comments import Comment, Status


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
