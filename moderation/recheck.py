"""recheck(): score the pending queue again with the active model and file it by the new verdict.

Runs after a new model version is activated (or the model was missing at submission), from the
admin through a Job (recheck_pending) or from `manage.py recheck_comments`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet

from moderation.classifier.scoring import Score, score_comments
from moderation.conf import get_settings
from moderation.features import CommentData
from moderation.jobs import advance, start_job
from moderation.memory import Match
from moderation.models import ApiKey, Comment, Job, Status

# Submission's filing, so a recheck files a comment exactly as a new submission would.
from moderation.submission import file_comment, filing_for, find_match
from moderation.verdicts import Verdict

NOTE = "recheck"


@dataclass(frozen=True)
class RecheckResult:
    """How many comments were scored again, by outcome, and how many were left alone."""

    checked: int = 0
    published: int = 0
    held: int = 0
    spam: int = 0
    skipped: int = 0  # decided by a moderator or a rule before the recheck reached them

    def __add__(self, other: RecheckResult) -> RecheckResult:
        return RecheckResult(
            self.checked + other.checked,
            self.published + other.published,
            self.held + other.held,
            self.spam + other.spam,
            self.skipped + other.skipped,
        )

    def summary(self) -> str:
        """Return one sentence for a job result or a command's output."""
        noun = "comment" if self.checked == 1 else "comments"
        text = (
            f"Rechecked {self.checked} {noun}: {self.published} published, "
            f"{self.held} still pending, {self.spam} spam."
        )
        if self.skipped:
            text += f" Skipped {self.skipped} already decided."
        return text


def recheck(
    comments: QuerySet[Comment] | Sequence[Comment],
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 500,
) -> RecheckResult:
    """Score the still-pending `comments` with the active model and file each by its verdict.

    Comments a moderator or a rule decided are skipped, including those decided while the
    recheck runs. Raises ModelLoadError, before changing anything, when the model cannot load.
    `progress(n)` is called after each batch with the number of comments it covered.
    """
    if isinstance(comments, QuerySet):
        pks = list(comments.values_list("pk", flat=True))
    else:
        pks = [comment.pk for comment in comments]
    result = RecheckResult()
    for start in range(0, len(pks), batch_size):
        batch = pks[start : start + batch_size]
        result += _recheck_batch(batch)
        if progress is not None:
            progress(len(batch))
    return result


def _recheck_batch(pks: list[int]) -> RecheckResult:
    pending = list(Comment.objects.filter(pk__in=pks, status=Status.PENDING, rule__isnull=True))
    if not pending:
        return RecheckResult(skipped=len(pks))
    # Scored before any row is locked: moderators are not kept waiting while the model runs.
    data = [CommentData.from_comment(comment) for comment in pending]
    scores = score_comments(data)
    score_by_pk = dict(zip((comment.pk for comment in pending), scores, strict=True))
    match_by_pk = {c.pk: find_match(d, _key_id(c)) for c, d in zip(pending, data, strict=True)}
    counts = dict.fromkeys(Verdict, 0)
    with transaction.atomic():
        # Read the status again under lock: a moderator may have acted since the read above.
        locked = Comment.objects.select_for_update().filter(
            pk__in=list(score_by_pk), status=Status.PENDING, rule__isnull=True
        )
        for comment in locked:
            counts[_file(comment, score_by_pk[comment.pk], match_by_pk[comment.pk])] += 1
    checked = sum(counts.values())
    return RecheckResult(
        checked=checked,
        published=counts[Verdict.HAM],
        held=counts[Verdict.PENDING],
        spam=counts[Verdict.SPAM],
        skipped=len(pks) - checked,
    )


def _key_id(comment: Comment) -> int | None:
    """Return the API key a comment came through (it is stored on the key), else None."""
    if ContentType.objects.get_for_id(comment.content_type_id).model_class() is ApiKey:
        return int(comment.object_pk)
    return None


def _file(comment: Comment, score: Score, match: Match | None) -> Verdict:
    filing = filing_for(score, match, CommentData.from_comment(comment))
    assert filing is not None  # a score always files
    decision = file_comment(comment, filing, score, note=NOTE)
    decision.comment = comment
    decision.save()
    comment.save(
        update_fields=["status", "verdict", "spam_score", "model_version", "matched_label"]
    )
    return filing.verdict


def recheck_pending(user: AbstractBaseUser | None = None, *, background: bool | None = None) -> Job:
    """Start a "recheck" Job over every pending comment, oldest first.

    It runs in the background when there are more than RECHECK_INLINE_LIMIT comments, unless
    `background` says otherwise; a failure to load the model ends the job FAILED.
    """
    total = _pending().count()
    if background is None:
        background = total > get_settings()["RECHECK_INLINE_LIMIT"]
    return start_job("recheck", total, RECHECK_JOB, user=user, background=background)


def recheck_job(job: Job) -> str:
    """The work of a "recheck" Job: every comment still pending when it runs."""
    return recheck(_pending(), progress=lambda n: advance(job, n)).summary()


RECHECK_JOB = f"{__name__}.recheck_job"


def _pending() -> QuerySet[Comment]:
    return Comment.objects.filter(status=Status.PENDING).order_by("submitted_at", "pk")
