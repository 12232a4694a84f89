"""comment-check, submit-spam and submit-ham: a check goes through submit_comment() on the
client's ApiKey (a recheck of a stored comment scores it again; a repeat of one is answered as
it is filed), a report records a Source.API decision, which is a label.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import InterfaceError, OperationalError, transaction

from moderation import threads
from moderation.api.akismet.fields import comment_fields, fixed_verdict
from moderation.api.keys import check_outcome, record_usage, report_outcome
from moderation.classifier.artifacts import ModelLoadError
from moderation.decisions import record_decision
from moderation.duplicates import repeat_of
from moderation.models import Action, ApiKey, Comment, Decision, Source, Status
from moderation.recheck import recheck
from moderation.signals import verdict_reached
from moderation.submission import Submission, submit_comment
from moderation.verdicts import Verdict, is_blatant

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    """A comment-check's outcome: the stored comment and what the client is told."""

    comment: Comment
    is_spam: bool
    is_discard: bool = False
    is_unscored: bool = False


def check_comment(api_key: ApiKey, form: Mapping[str, str]) -> Check:
    """Store and score the comment the parameters describe; count it in the key's usage.

    The usage count is written in the comment's own transaction: one commit per check.
    """
    fields = comment_fields(form)
    if form.get("recheck_reason"):
        known = find_reported_comment(api_key, form.get("guid", ""), fields)
        if known is not None:
            return check_again(api_key, known)
    fixed = fixed_verdict(form)
    if fixed is not None:
        is_spam = fixed == Verdict.SPAM
        return Check(store_test_comment(api_key, fields, fixed), is_spam=is_spam)
    fields.update(parent_fields(api_key, form.get("comment_parent", "")))
    repeated = repeat_of(api_key, fields)
    if repeated is not None:
        return answer_as_filed(api_key, repeated)

    def count(submission: Submission) -> None:
        count_check(api_key, is_spam=submission.verdict == Verdict.SPAM)

    submission = submit_comment(api_key, count, **fields)
    is_spam = submission.verdict == Verdict.SPAM
    return Check(
        submission.comment,
        is_spam=is_spam,
        is_discard=is_discard(submission.comment),
        is_unscored=submission.verdict is None,
    )


def count_check(api_key: ApiKey, *, is_spam: bool) -> None:
    """Count one comment-check in the key's usage, with the answer it got."""
    record_usage(api_key, **check_outcome(is_spam=is_spam))


def is_discard(comment: Comment) -> bool:
    """Whether to tell the client it may drop `comment`: spam the model found blatant."""
    score = comment.spam_score
    return comment.status == Status.SPAM and score is not None and is_blatant(score)


def check_again(api_key: ApiKey, comment: Comment) -> Check:
    """Answer a client's recheck (`recheck_reason`) of a comment stored here, without storing
    it again: WordPress asks every 20 minutes about a comment that could not be scored, and
    again for its whole queue on "Check for Spam".

    A pending comment is scored again; one a moderator, a rule or the model filed is answered
    as it is filed. The call is counted in the key's usage.
    """
    if comment.status == Status.PENDING:
        try:
            recheck([comment])
        except (InterfaceError, OperationalError):
            raise  # the API's 503, logged there: the client retries
        except Exception as error:  # it stays pending, as it was; the client asks again later
            logger.error(
                "Could not score comment %s again; it stays pending: %s",
                comment.pk,
                error,
                exc_info=None if isinstance(error, ModelLoadError) else error,
                extra={"comment_guid": str(comment.guid)},
            )
        comment.refresh_from_db()
    return answer_as_filed(api_key, comment)


def answer_as_filed(api_key: ApiKey, comment: Comment) -> Check:
    """Answer a check with `comment` as it is filed now, without storing anything: a repeat
    of a comment checked before (duplicates.py) gets the answer and headers its first check
    got, unless a moderator has decided it since. The call is counted in the key's usage."""
    is_spam = comment.status == Status.SPAM
    count_check(api_key, is_spam=is_spam)
    return Check(
        comment,
        is_spam=is_spam,
        is_discard=is_discard(comment),
        is_unscored=comment.status == Status.PENDING and not comment.verdict,
    )


def store_test_comment(api_key: ApiKey, fields: dict[str, Any], verdict: Verdict) -> Comment:
    """Store a comment whose verdict an Akismet test value fixed, without scoring it.

    Guaranteed spam is filed as spam and marked is_test (it is test traffic by definition);
    an administrator's comment is published. The history says which test value decided, and
    neither row is a label. The call is counted in the key's usage.
    """
    is_spam = verdict == Verdict.SPAM
    status = Status.SPAM if is_spam else Status.APPROVED
    with transaction.atomic():
        comment = new_comment(
            api_key, {**fields, "is_test": fields["is_test"] or is_spam}, status, verdict
        )
        Decision(
            comment=comment,
            source=Source.API,
            action=Action.BLOCKED_BY_RULE if is_spam else Action.ALLOWED_BY_RULE,
            status_before="",
            status_after=status,
            note="Akismet test value: guaranteed spam"
            if is_spam
            else "Akismet test value: user_role administrator",
        ).save(force_insert=True)
        count_check(api_key, is_spam=is_spam)
    verdict_reached.send(sender=Comment, comment=comment, verdict=verdict, discarded=False)
    return comment


def new_comment(
    api_key: ApiKey, fields: dict[str, Any], status: Status, verdict: Verdict | str
) -> Comment:
    comment = Comment(content_object=api_key, status=status, verdict=verdict, **fields)
    comment.full_clean(exclude=["content_type", "object_pk", "guid"])  # a fresh uuid4
    comment.save(force_insert=True)
    return comment


def report_comment(api_key: ApiKey, form: Mapping[str, str], *, is_spam: bool) -> Decision | None:
    """Record a client's submit-spam / submit-ham as a label on the comment it reports.

    The comment is found by `guid`, else as this key's latest with the same content, author
    and IP; when there is none (checked elsewhere, or deleted) it is stored now, unscored, so
    the label is kept. Return None when there is nothing to find and no content to store.
    """
    fields = comment_fields(form)
    comment = find_reported_comment(api_key, form.get("guid", ""), fields)
    action = Action.MARKED_SPAM if is_spam else Action.MARKED_NOT_SPAM
    outcome: dict[str, int] = {}
    if comment is None:
        if not fields["content"]:
            return None
        # Never checked here: there was no filing to contradict.
        comment = new_comment(api_key, fields, Status.PENDING, "")
    else:
        outcome = report_outcome(comment.verdict, action)
    decision = record_decision(comment, action, None, report_note(form), api_key=api_key)
    record_usage(api_key, **outcome)
    return decision


def parent_fields(api_key: ApiKey, comment_parent: str) -> dict[str, Any]:
    """Return the reply fields for Akismet's `comment_parent`.

    A client knows a comment stored here by its guid (X-akismet-guid), which makes the reply's
    parent that comment; any other value is the client's own id for a comment (WordPress's
    comment ID), kept as `parent_ref`. "" and "0" (WordPress's top level) are no parent.
    """
    value = comment_parent.strip()
    if value in ("", "0"):
        return {}
    parent = by_guid(api_key, value)
    if parent is not None:
        return threads.reply_fields(parent)
    # Not a comment stored here, so its level is unknown: a reply, below the top level.
    return {"parent_ref": value[:64], "depth": 2}


def by_guid(api_key: ApiKey, guid: str) -> Comment | None:
    """Return the key's comment whose X-akismet-guid is `guid`, if there is one."""
    try:
        return Comment.objects.for_object(api_key).filter(guid=uuid.UUID(guid)).first()
    except ValueError:  # not a UUID: no query
        return None


def find_reported_comment(api_key: ApiKey, guid: str, fields: Mapping[str, Any]) -> Comment | None:
    known = by_guid(api_key, guid) if guid else None
    if known is not None:
        return known
    if not fields["content"]:
        return None
    same = Comment.objects.for_object(api_key).filter(
        content=fields["content"],
        author_name=fields["author_name"],
        ip_address=fields["ip_address"],
    )
    return same.order_by("-pk").first()


def report_note(form: Mapping[str, str]) -> str:
    parts = ["Reported through the Akismet API"]
    parts += [
        f"{name}: {form[name]}" for name in ("reporter", "comment_check_response") if form.get(name)
    ]
    return "; ".join(parts)
