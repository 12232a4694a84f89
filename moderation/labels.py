"""Labels: the site's own moderated comments, as the classifier's training rows.

A comment's label is its latest moderator decision that says spam or not spam (a removal says
neither). This is what retraining learns the site's own spam from. When retention has deleted
the comment, the label's text comes from the snapshot taken just before (retention.py).
"""

from __future__ import annotations

from django.db.models import QuerySet

from moderation.features import CommentData
from moderation.models import LABEL_FOR_ACTION, LABEL_SOURCES, Decision


def label_decisions() -> QuerySet[Decision]:
    """Return the decisions that are labels (Decision.is_label), test traffic left out."""
    return Decision.objects.filter(
        source__in=LABEL_SOURCES, action__in=list(LABEL_FOR_ACTION)
    ).exclude(comment__is_test=True)


def labelled_comments() -> list[tuple[CommentData, int]]:
    """Return (comment, 1 spam / 0 ham) for every comment a moderator has labelled."""
    # A deleted comment's labels no longer share a comment_id; retention snapshots only the
    # latest of them, so keying those by their own pk still gives one label per comment.
    latest: dict[tuple[str, int], tuple[CommentData, int]] = {}
    for decision in label_decisions().select_related("comment").order_by("created_at", "pk"):
        label = int(LABEL_FOR_ACTION[decision.action])
        comment = decision.comment
        if comment is not None:
            latest["comment", comment.pk] = (CommentData.from_comment(comment), label)
        elif decision.snapshot is not None:
            latest["decision", decision.pk] = (CommentData(**decision.snapshot), label)
    return list(latest.values())
