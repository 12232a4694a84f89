"""Labels: the site's own moderated comments, as the classifier's training rows.

A comment's label is its latest decision that says spam or not spam (a removal says neither),
by a moderator or through the API. This is what retraining learns the site's own spam from;
an API key's labels count for it only when the key is trusted (ApiKey.is_trusted). When
retention has deleted the comment, the label's text comes from the snapshot taken just before
(retention.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from moderation.features import CommentData
from moderation.models import LABEL_FOR_ACTION, LABEL_SOURCES, Decision, Source


def label_decisions() -> QuerySet[Decision]:
    """Return the decisions that are labels (Decision.is_label), test traffic left out."""
    return Decision.objects.filter(
        source__in=LABEL_SOURCES, action__in=list(LABEL_FOR_ACTION)
    ).exclude(comment__is_test=True)


# Labels that speak for every site: a moderator's, or a trusted API key's (the query form of
# is_trusted_label).
TRUSTED = Q(source=Source.MODERATOR) | Q(source=Source.API, api_key__is_trusted=True)


def is_trusted_label(source: str, key_is_trusted: bool | None) -> bool:
    """Return whether a label speaks for every site: a moderator's, or a trusted key's."""
    return source == Source.MODERATOR or (source == Source.API and bool(key_is_trusted))


@dataclass(frozen=True)
class Label:
    """A comment as the classifier sees it, whether a person said it is spam, when, and who."""

    comment: CommentData
    is_spam: int  # 1 spam, 0 ham
    decided_at: datetime
    api_key_id: int | None = None  # the trusted key that gave it; None: a moderator


def labels() -> list[Label]:
    """Return every comment labelled by a moderator or a trusted key once, by its latest such
    label, oldest decision first."""
    # A deleted comment's labels no longer share a comment_id; retention snapshots only the
    # latest of them, so keying those by their own pk still gives one label per comment.
    latest: dict[tuple[str, int], Label] = {}
    decisions = label_decisions().filter(TRUSTED).select_related("comment")
    for decision in decisions.order_by("created_at", "pk"):
        is_spam = int(LABEL_FOR_ACTION[decision.action])
        comment = decision.comment
        if comment is not None:
            key, data = ("comment", comment.pk), CommentData.from_comment(comment)
        elif decision.snapshot is not None:
            key, data = ("decision", decision.pk), CommentData(**decision.snapshot)
        else:
            continue
        latest.pop(key, None)  # re-inserted last: the dict stays in decision order
        latest[key] = Label(data, is_spam, decision.created_at, decision.api_key_id)
    return list(latest.values())


def labelled_comments() -> list[tuple[CommentData, int]]:
    """Return (comment, 1 spam / 0 ham) for every comment labelled by a moderator or a trusted
    key."""
    return [(label.comment, label.is_spam) for label in labels()]


def label_rows() -> Iterator[dict[str, Any]]:
    """Yield every label decision (not only the latest per comment) as a JSON-ready dict."""
    decisions = (
        label_decisions()
        .select_related("comment", "moderator", "api_key")
        .order_by("created_at", "pk")
    )
    for decision in decisions.iterator(chunk_size=500):
        comment = decision.comment
        data = (
            CommentData.from_comment(comment)
            if comment
            else CommentData(**decision.snapshot or {"content": ""})
        )
        yield {
            "comment_id": decision.comment_id,
            "content": data.content,
            "author_name": data.author_name,
            "author_email": data.author_email,
            "author_url": data.author_url,
            "label": "spam" if LABEL_FOR_ACTION[decision.action] else "ham",
            "decision": decision.action,
            "source": decision.source,
            "status_before": decision.status_before,
            "verdict_before": comment.verdict if comment else None,
            "spam_score": decision.spam_score,
            "model_version": decision.model_version,
            "moderator": decision.moderator.get_username() if decision.moderator else None,
            "api_key": decision.api_key.site if decision.api_key else None,
            # Whether it teaches the shared model (a moderator's, or a trusted key's).
            "trusted": is_trusted_label(
                decision.source, decision.api_key is not None and decision.api_key.is_trusted
            ),
            "note": decision.note,
            "decided_at": decision.created_at.isoformat(),
        }
