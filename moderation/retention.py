"""Retention: delete spam and removed comments once RETENTION_DAYS have passed, keeping labels.

The end of a comment's life in the flow: its text goes, but the moderator's label (the text
snapshotted into the Decision row) stays for retraining.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from moderation.conf import get_settings
from moderation.features import CommentData
from moderation.labels import label_decisions
from moderation.models import Comment, Decision, Job, Status
from moderation.privacy import anonymise_old

PURGEABLE = [Status.SPAM, Status.REMOVED]
# Comments deleted per query: bounds memory and the size of `IN (...)` lists.
CHUNK_SIZE = 500


@dataclass(frozen=True)
class PurgeResult:
    """How many comments were (or, in a dry run, would be) deleted, and labels kept of them."""

    deleted: int
    labels_kept: int


def purge(
    days: int | None = None, *, now: datetime.datetime | None = None, dry_run: bool = False
) -> PurgeResult:
    """Delete spam and removed comments untouched for more than `days` (RETENTION_DAYS if None).

    A comment's age runs from its latest decision, or its submission if it has none. Its label,
    if a moderator gave one, keeps a snapshot of the text. Nothing is purged when the days are
    None (keep for ever); `dry_run` only counts.
    """
    if days is None:
        days = get_settings()["RETENTION_DAYS"]
        if days is None:
            return PurgeResult(deleted=0, labels_kept=0)
    if days < 0:
        raise ValueError(f"Retention days must be 0 or more, not {days}.")
    expired = _expired(cutoff=(now or timezone.now()) - datetime.timedelta(days=days))
    if dry_run:
        labelled = expired.filter(Exists(label_decisions().filter(comment=OuterRef("pk"))))
        return PurgeResult(deleted=expired.count(), labels_kept=labelled.count())

    deleted = labels_kept = 0
    # One transaction: a failure half-way leaves every comment and label as it was.
    with transaction.atomic():
        while pks := list(expired.select_for_update().values_list("pk", flat=True)[:CHUNK_SIZE]):
            labels_kept += delete_keeping_labels(pks)
            deleted += len(pks)
    return PurgeResult(deleted=deleted, labels_kept=labels_kept)


def purge_job(job: Job) -> str:
    """The work of a "purge" Job (the daily Celery beat task)."""
    result = purge()
    anonymised = anonymise_old()
    return (
        f"Deleted {result.deleted} spam and removed comments; kept {result.labels_kept} labels. "
        f"Cleared the personal data of {anonymised} old comments."
    )


def _expired(cutoff: datetime.datetime) -> QuerySet[Comment]:
    latest_decision = (
        Decision.objects.filter(comment=OuterRef("pk")).order_by("-created_at").values("created_at")
    )
    return (
        Comment.objects.filter(status__in=PURGEABLE)
        .alias(last_touched=Coalesce(Subquery(latest_decision[:1]), "submitted_at"))
        .filter(last_touched__lt=cutoff)
        .order_by("pk")
    )


def delete_keeping_labels(pks: list[int]) -> int:
    """Delete these comments, their text kept in their labels; return how many labels were kept."""
    labels_kept = _snapshot_labels(pks)
    Comment.objects.filter(pk__in=pks).delete()
    return labels_kept


def _snapshot_labels(pks: list[int]) -> int:
    """Copy each comment's text into its latest label; return how many labels were kept."""
    latest: dict[int, tuple[Decision, Comment]] = {}
    labels = label_decisions().filter(comment__in=pks).select_related("comment")
    for decision in labels.order_by("created_at", "pk"):
        if decision.comment is not None:  # always, by the filter
            latest[decision.comment.pk] = (decision, decision.comment)
    # Only the latest: earlier labels of the comment were overruled by the moderator, and
    # without a shared comment_id they would read as separate, contradicting labels.
    for decision, comment in latest.values():
        decision.snapshot = dataclasses.asdict(CommentData.from_comment(comment))
    Decision.objects.bulk_update([decision for decision, _ in latest.values()], ["snapshot"])
    return len(latest)
