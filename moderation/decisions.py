"""Moderator decisions: each updates a comment's status and records a Decision row (the label)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from moderation.models import Action, ApiKey, Comment, Decision, Source, Status
from moderation.signals import decision_recorded

# A moderator's decisions by the names the queue's buttons and the JSON API post, in the order
# the queue shows them.
ACTION_FOR_NAME: dict[str, Action] = {
    "approve": Action.APPROVED,
    "spam": Action.MARKED_SPAM,
    "not_spam": Action.MARKED_NOT_SPAM,
    "remove": Action.REMOVED,
}

STATUS_AFTER: dict[str, Status] = {
    Action.APPROVED: Status.APPROVED,
    Action.MARKED_SPAM: Status.SPAM,
    Action.MARKED_NOT_SPAM: Status.APPROVED,
    Action.REMOVED: Status.REMOVED,
}


def record_decision(
    comment: Comment,
    action: Action,
    moderator: AbstractBaseUser | None,
    note: str = "",
    *,
    api_key: ApiKey | None = None,
) -> Decision:
    """Apply a moderator's `action` to `comment` and record it in the comment's history.

    With `api_key` it is that client site's decision (submit-spam, the JSON API): Source.API,
    and the label says which key gave it.
    """
    if action not in STATUS_AFTER:
        raise ValueError(f"{action!r} is not a moderator action.")
    with transaction.atomic():
        # Lock the row so two moderators acting at once each see the other's result.
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        decision = Decision.objects.create(
            comment=locked,
            source=Source.MODERATOR if api_key is None else Source.API,
            action=action,
            moderator=moderator,  # type: ignore[misc]  # any AUTH_USER_MODEL
            api_key=api_key,
            status_before=locked.status,
            status_after=STATUS_AFTER[action],
            spam_score=locked.spam_score,
            model_version=locked.model_version,
            note=note,
        )
        locked.status = STATUS_AFTER[action]
        locked.save(update_fields=["status"])
    comment.status = locked.status
    decision_recorded.send(sender=Comment, comment=locked, decision=decision)
    return decision


def record_decisions(
    comments: Iterable[Comment], action: Action, moderator: AbstractBaseUser | None
) -> int:
    """Apply `action` to every comment; return how many were decided."""
    count = 0
    for comment in comments:
        record_decision(comment, action, moderator)
        count += 1
    return count


def approve(comment: Comment, moderator: AbstractBaseUser | None) -> Decision:
    return record_decision(comment, Action.APPROVED, moderator)


def mark_spam(comment: Comment, moderator: AbstractBaseUser | None) -> Decision:
    return record_decision(comment, Action.MARKED_SPAM, moderator)


def mark_not_spam(comment: Comment, moderator: AbstractBaseUser | None) -> Decision:
    return record_decision(comment, Action.MARKED_NOT_SPAM, moderator)


def remove(comment: Comment, moderator: AbstractBaseUser | None) -> Decision:
    return record_decision(comment, Action.REMOVED, moderator)
