"""Labels: the site's own moderated comments, as the classifier's training rows.

A comment's label is its latest moderator decision that says spam or not spam (a removal says
neither). This is what retraining learns the site's own spam from.
"""

from __future__ import annotations

from moderation.features import CommentData
from moderation.models import LABEL_FOR_ACTION, Decision, Source


def labelled_comments() -> list[tuple[CommentData, int]]:
    """Return (comment, 1 spam / 0 ham) for every comment a moderator has labelled."""
    latest: dict[int, Decision] = {}
    decisions = (
        Decision.objects.filter(source=Source.MODERATOR, action__in=list(LABEL_FOR_ACTION))
        .select_related("comment")
        .order_by("created_at", "pk")
    )
    for decision in decisions:
        latest[decision.comment_id] = decision
    return [
        (CommentData.from_comment(d.comment), int(LABEL_FOR_ACTION[d.action]))
        for d in latest.values()
    ]
