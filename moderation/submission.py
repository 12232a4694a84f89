"""submit_comment(): rules -> score -> verdict, then the comment and its verdict stored together.

Never loses a comment: one that cannot be scored is stored pending, and one that cannot be
stored is not acknowledged (the caller's error page offers the text again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from moderation import rules
from moderation.classifier.artifacts import ModelLoadError
from moderation.classifier.scoring import Score, score_comment
from moderation.features import CommentData
from moderation.inserts import insert
from moderation.models import Action, Comment, Decision, Rule, Source, Status
from moderation.signals import comment_scored, verdict_reached
from moderation.verdicts import Verdict, is_discardable, verdict_for

logger = logging.getLogger(__name__)

STATUS_FOR_VERDICT = {
    Verdict.HAM: (Status.APPROVED, Action.PUBLISHED),
    Verdict.PENDING: (Status.PENDING, Action.HELD),
    Verdict.SPAM: (Status.SPAM, Action.FLAGGED),
}


@dataclass(frozen=True)
class Submission:
    """What happened to a submitted comment. `verdict` is None when it could not be scored."""

    comment: Comment
    verdict: Verdict | None
    is_discarded: bool = False


def submit_comment(
    target: models.Model,
    in_transaction: Callable[[Submission], object] | None = None,
    /,
    **fields: Any,
) -> Submission:
    """Score a new comment on `target` and store it, filed by the verdict.

    `fields` are Comment fields (author_name, content, ip_address, ...). A moderator's rule
    decides before the classifier. When scoring fails for any reason the comment is stored
    pending and the error is logged. The comment and its history row are written in one
    transaction, with `in_transaction(submission)` if given (an API key's usage count): a
    database that fails leaves nothing half-filed, and raises.
    """
    comment = Comment(content_object=target, status=Status.PENDING, **fields)
    # A fresh uuid4 guid needs no uniqueness query (bench/http_load.py: one SELECT per comment).
    # An adapter's origin is the site's own row, already stored: the one constraint, on the
    # origin, needs no check either.
    comment.full_clean(
        exclude=["content_type", "object_pk", "guid", "origin_type", "origin_pk"],
        validate_constraints=False,
    )

    # Decided before anything is written: the write lock is then held only for the INSERTs.
    score: Score | None = None
    error: Exception | None = None
    try:
        rule = rules.matching_rule(comment)
        if rule is None:
            score = score_comment(CommentData.from_comment(comment))
    except Exception as exc:
        rule, error = None, exc
    if rule is not None:
        verdict, decision = _by_rule(comment, rule)
    elif score is not None:
        verdict, decision = _by_score(comment, score)
    else:
        verdict, decision = None, _unscored(comment, error)

    with transaction.atomic():
        insert(comment)
        decision.comment = comment
        insert(decision)
        submission = Submission(comment, verdict)
        if in_transaction is not None:
            in_transaction(submission)

    if error is not None:
        # Missing or corrupt model, a bug in scoring, or the database gone for a moment: the
        # reader must not notice. A model file problem is explained by its message; anything
        # else needs the traceback.
        logger.error(
            "Could not score comment %s; holding it for review: %s",
            comment.pk,
            error,
            exc_info=None if isinstance(error, ModelLoadError) else error,
        )
        return submission
    if score is not None:
        comment_scored.send(sender=Comment, comment=comment, score=score)
    # A row that came through an adapter is the site's: it is filed as spam, never deleted.
    discard = (
        score is not None
        and verdict == Verdict.SPAM
        and is_discardable(score.spam_probability)
        and comment.origin_type_id is None
    )
    if discard:
        # The setting asks not to keep blatant spam; the log keeps the record of it.
        logger.warning(
            "Discarded blatant spam comment %s on %s (score %.4f, model %s, author %r): %r",
            comment.pk,
            comment.content_type.natural_key(),
            comment.spam_score,
            comment.model_version,
            comment.author_name,
            comment.content[:200],
        )
        comment.delete()
        submission = Submission(comment, verdict, is_discarded=True)
    verdict_reached.send(sender=Comment, comment=comment, verdict=verdict, discarded=discard)
    return submission


def _by_rule(comment: Comment, rule: Rule) -> tuple[Verdict, Decision]:
    verdict = Verdict.SPAM if rule.is_block else Verdict.HAM
    comment.status = Status.SPAM if rule.is_block else Status.APPROVED
    comment.verdict, comment.rule = verdict, rule
    return verdict, Decision(
        source=Source.RULE,
        action=Action.BLOCKED_BY_RULE if rule.is_block else Action.ALLOWED_BY_RULE,
        status_before="",
        status_after=comment.status,
        note=rules.describe(rule),
    )


def _by_score(comment: Comment, score: Score) -> tuple[Verdict, Decision]:
    verdict = verdict_for(score.spam_probability, score.thresholds)
    status, action = STATUS_FOR_VERDICT[verdict]
    comment.status, comment.verdict = status, verdict
    comment.spam_score, comment.model_version = score.spam_probability, score.model_version
    return verdict, Decision(
        source=Source.CLASSIFIER,
        action=action,
        status_before="",
        status_after=status,
        spam_score=score.spam_probability,
        model_version=score.model_version,
    )


def _unscored(comment: Comment, error: Exception | None) -> Decision:
    # Stored pending, in the review queue; a recheck scores it later.
    return Decision(
        source=Source.CLASSIFIER,
        action=Action.UNCHECKED,
        status_before="",
        status_after=Status.PENDING,
        note=f"{type(error).__name__}: {error}",
    )
