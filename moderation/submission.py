"""submit_comment(): store the comment, then score -> verdict -> queue. Never loses a comment."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, models, transaction

from moderation import rules
from moderation.classifier.artifacts import ModelLoadError
from moderation.classifier.scoring import Score, score_comment
from moderation.features import CommentData
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


def submit_comment(target: models.Model, **fields: Any) -> Submission:
    """Store a new comment on `target`, score it and file it by the verdict.

    `fields` are Comment fields (author_name, content, ip_address, ...). A moderator's rule
    decides before the classifier. When scoring fails for any reason the comment stays pending
    and the error is logged.
    """
    comment = Comment(content_object=target, status=Status.PENDING, **fields)
    # A fresh uuid4 guid needs no uniqueness query (bench/http_load.py: one SELECT per comment).
    # An adapter's origin is the site's own row, already stored (no query to check it).
    comment.full_clean(exclude=["content_type", "object_pk", "guid", "origin_type", "origin_pk"])
    comment.save()

    try:
        rule = rules.matching_rule(comment)
        if rule is not None:
            return _apply_rule(comment, rule)
        score = score_comment(CommentData.from_comment(comment))
    except Exception as exc:
        return _hold_unscored(comment, exc)

    comment_scored.send(sender=Comment, comment=comment, score=score)
    return _apply_verdict(comment, score)


def _hold_unscored(comment: Comment, exc: Exception) -> Submission:
    # Missing or corrupt model, a bug in scoring, or the database gone after the comment was
    # stored: the reader must not notice. A model file problem is explained by its message;
    # anything else needs the traceback.
    logger.error(
        "Could not score comment %s; holding it for review: %s",
        comment.pk,
        exc,
        exc_info=not isinstance(exc, ModelLoadError),
    )
    # A verdict or rule that could not be saved was rolled back: the stored row is pending.
    comment.status, comment.verdict, comment.rule = Status.PENDING, "", None
    comment.spam_score, comment.model_version = None, ""
    try:
        Decision.objects.create(
            comment=comment,
            source=Source.CLASSIFIER,
            action=Action.UNCHECKED,
            status_before="",
            status_after=Status.PENDING,
            note=f"{type(exc).__name__}: {exc}",
        )
    except DatabaseError:
        # Still gone: the comment is stored and pending all the same, which is what counts.
        logger.exception("Could not record why comment %s is unscored.", comment.pk)
    return Submission(comment, None)


def _apply_rule(comment: Comment, rule: Rule) -> Submission:
    verdict = Verdict.SPAM if rule.is_block else Verdict.HAM
    status = Status.SPAM if rule.is_block else Status.APPROVED
    with transaction.atomic():
        comment.status, comment.verdict, comment.rule = status, verdict, rule
        comment.save(update_fields=["status", "verdict", "rule"])
        Decision.objects.create(
            comment=comment,
            source=Source.RULE,
            action=Action.BLOCKED_BY_RULE if rule.is_block else Action.ALLOWED_BY_RULE,
            status_before="",
            status_after=status,
            note=rules.describe(rule),
        )
    verdict_reached.send(sender=Comment, comment=comment, verdict=verdict, discarded=False)
    return Submission(comment, verdict)


def _apply_verdict(comment: Comment, score: Score) -> Submission:
    verdict = verdict_for(score.spam_probability, score.thresholds)
    status, action = STATUS_FOR_VERDICT[verdict]
    try:
        with transaction.atomic():
            comment.status = status
            comment.verdict = verdict
            comment.spam_score = score.spam_probability
            comment.model_version = score.model_version
            comment.save(update_fields=["status", "verdict", "spam_score", "model_version"])
            Decision.objects.create(
                comment=comment,
                source=Source.CLASSIFIER,
                action=action,
                status_before="",
                status_after=status,
                spam_score=score.spam_probability,
                model_version=score.model_version,
            )
    except DatabaseError as exc:
        return _hold_unscored(comment, exc)

    # A row that came through an adapter is the site's: it is filed as spam, never deleted.
    discard = (
        verdict == Verdict.SPAM
        and is_discardable(score.spam_probability)
        and comment.origin_type_id is None
    )
    if discard:
        # The setting asks not to keep blatant spam; the log keeps the record of it.
        logger.warning(
            "Discarded blatant spam comment %s on %s (score %.4f, model %s, author %r): %r",
            comment.pk,
            comment.content_type.natural_key(),
            score.spam_probability,
            score.model_version,
            comment.author_name,
            comment.content[:200],
        )
        comment.delete()
    verdict_reached.send(sender=Comment, comment=comment, verdict=verdict, discarded=discard)
    return Submission(comment, verdict, discard)
