"""submit_comment(): rules -> campaign memory and score -> verdict, then the comment and its
verdict stored together.

Never loses a comment: one that cannot be scored is stored pending, and one that cannot be
stored is not acknowledged (the caller's error page offers the text again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from django.db import InterfaceError, OperationalError, models, transaction

from moderation import features, memory, rules
from moderation.classifier.artifacts import ModelLoadError
from moderation.classifier.scoring import Score, score_comment
from moderation.features import CommentData
from moderation.memory import Match
from moderation.models import Action, ApiKey, Comment, Decision, Rule, Source, Status
from moderation.signals import comment_scored, scoring_failed, verdict_reached
from moderation.verdicts import Verdict, is_discardable, verdict_for

logger = logging.getLogger(__name__)

STATUS_FOR_VERDICT = {
    Verdict.HAM: (Status.APPROVED, Action.PUBLISHED),
    Verdict.PENDING: (Status.PENDING, Action.HELD),
    Verdict.SPAM: (Status.SPAM, Action.FLAGGED),
}


@dataclass(frozen=True)
class Filing:
    """Where a comment goes on campaign memory's and the model's word, and who decided."""

    verdict: Verdict
    status: Status
    action: Action
    source: Source
    match: Match | None = None


def filing_for(score: Score | None, match: Match | None, comment: CommentData) -> Filing | None:
    """Return how a comment is filed; None when neither memory nor the model can say.

    A near-duplicate of reported spam is spam whatever the model says. A comment the model
    would file as spam is only held when a moderator approved a near-duplicate of it: an API
    key's approval never overrules the model (no single key can make spam ham).
    """
    if match is not None and match.is_spam:
        return Filing(Verdict.SPAM, Status.SPAM, Action.MATCHED_SPAM, Source.MEMORY, match)
    if score is None:
        return None
    verdict = verdict_for(
        score.spam_probability, score.thresholds, advertises=features.advertises(comment)
    )
    if verdict == Verdict.SPAM and match is not None and match.is_moderator:
        return Filing(Verdict.PENDING, Status.PENDING, Action.MATCHED_HAM, Source.MEMORY, match)
    status, action = STATUS_FOR_VERDICT[verdict]
    return Filing(verdict, status, action, Source.CLASSIFIER)


def file_comment(
    comment: Comment, filing: Filing, score: Score | None, *, note: str = ""
) -> Decision:
    """Set the comment's status and verdict by `filing`; return its (unsaved) history row."""
    decision = Decision(
        source=filing.source,
        action=filing.action,
        status_before=comment.status if comment.pk else "",
        status_after=filing.status,
        note="; ".join(filter(None, [note, memory.describe(filing.match) if filing.match else ""])),
    )
    comment.status, comment.verdict = filing.status, filing.verdict
    comment.matched_label_id = filing.match.decision_id if filing.match else None
    if score is not None:
        comment.spam_score = decision.spam_score = score.spam_probability
        comment.model_version = decision.model_version = score.model_version
    return decision


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
    match: Match | None = None
    error: Exception | None = None
    data = CommentData.from_comment(comment)
    started = perf_counter()
    try:
        rule = rules.matching_rule(comment)
        if rule is None:
            match = find_match(data, target.pk if isinstance(target, ApiKey) else None)
            score = score_comment(data)
    except Exception as exc:
        rule, error = None, exc
    seconds = perf_counter() - started
    filing = filing_for(score, match, data)
    verdict: Verdict | None
    if rule is not None:
        verdict, decision = _by_rule(comment, rule)
    elif filing is not None:
        verdict, decision = filing.verdict, file_comment(comment, filing, score)
    else:
        verdict, decision = None, _unscored(comment, error)

    with transaction.atomic():
        comment.save(force_insert=True)
        decision.comment = comment
        decision.save(force_insert=True)
        submission = Submission(comment, verdict)
        if in_transaction is not None:
            in_transaction(submission)

    if error is not None:
        # Missing or corrupt model, a bug in scoring, or the database gone for a moment: the
        # reader must not notice. A model file problem is explained by its message; anything
        # else needs the traceback.
        logger.error(
            "Could not score comment %s; %s: %s",
            comment.pk,
            "holding it for review" if verdict is None else "campaign memory filed it",
            error,
            exc_info=None if isinstance(error, ModelLoadError) else error,
            extra={"comment_guid": str(comment.guid)},
        )
        scoring_failed.send(sender=Comment, comment=comment, error=error)
        if verdict is None:
            return submission
    if score is not None:
        comment_scored.send(sender=Comment, comment=comment, score=score, seconds=seconds)
    # A row that came through an adapter is the site's: it is filed as spam, never deleted.
    discard = (
        score is not None
        and verdict == Verdict.SPAM
        and is_discardable(score.spam_probability)
        and comment.origin_type_id is None
    )
    if discard:
        # The setting asks not to keep blatant spam; the log keeps the record of it, without
        # the text or the author (no personal data in logs: docs/monitoring.md).
        logger.warning(
            "Discarded blatant spam comment %s on %s (score %.4f, model %s)",
            comment.pk,
            comment.content_type.natural_key(),
            comment.spam_score,
            comment.model_version,
            extra={"comment_guid": str(comment.guid)},
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


def find_match(comment: CommentData, api_key_id: int | None) -> Match | None:
    """Return campaign memory's match; a memory that cannot be read leaves it to the model."""
    try:
        return memory.find_match(comment, api_key_id)
    except (InterfaceError, OperationalError):
        raise  # the database is gone: the comment cannot be stored either, and says so
    except Exception as exc:
        logger.error("Campaign memory could not be read; the model alone decides: %s", exc)
        return None


def _unscored(comment: Comment, error: Exception | None) -> Decision:
    # Stored pending, in the review queue; a recheck scores it later.
    return Decision(
        source=Source.CLASSIFIER,
        action=Action.UNCHECKED,
        status_before="",
        status_after=Status.PENDING,
        note=f"{type(error).__name__}: {error}",
    )
