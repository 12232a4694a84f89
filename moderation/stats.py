"""Moderation statistics per local day, computed from Decision rows (they outlive comments)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from moderation.models import Action, Comment, Decision, Status


@dataclasses.dataclass(frozen=True, kw_only=True)
class ActivityCounts:
    """Decision counts over a period.

    Arrival decisions (one per submitted comment): `published`, `held`, `flagged` and
    `unchecked` come from the classifier, `allowed_by_rule` and `blocked_by_rule` from a
    moderator's rule applied before it. Moderator decisions: `approved`, `marked_spam`,
    `marked_not_spam`, `removed`. Derived outcomes:

    - `spam_caught`: decisions that moved a comment into spam from any other status (or from
      none, on arrival): classifier flags, block rules, and moderators marking spam.
    - `false_positives_rescued`: a moderator approved or marked not spam a comment that was spam.
    - `missed_spam`: a moderator marked spam a comment that was published (approved).
    """

    published: int
    held: int
    flagged: int
    unchecked: int
    allowed_by_rule: int
    blocked_by_rule: int
    approved: int
    marked_spam: int
    marked_not_spam: int
    removed: int
    spam_caught: int
    false_positives_rescued: int
    missed_spam: int

    # What happened to new comments on arrival, whoever decided: the dashboard's three series.
    @property
    def published_on_arrival(self) -> int:
        return self.published + self.allowed_by_rule

    @property
    def held_on_arrival(self) -> int:
        return self.held + self.unchecked

    @property
    def spam_on_arrival(self) -> int:
        return self.flagged + self.blocked_by_rule

    @property
    def received(self) -> int:
        """Return the number of arrival decisions: one per submitted comment."""
        return self.published_on_arrival + self.held_on_arrival + self.spam_on_arrival


@dataclasses.dataclass(frozen=True, kw_only=True)
class DayStats(ActivityCounts):
    """The counts of one local calendar day."""

    day: date


# One conditional count per field, so a single grouped query yields every figure of every day.
# The dataclass has no defaults, so a count without an aggregate (or the reverse) fails at once.
_AGGREGATES = {
    "published": Count("pk", filter=Q(action=Action.PUBLISHED)),
    "held": Count("pk", filter=Q(action=Action.HELD)),
    "flagged": Count("pk", filter=Q(action=Action.FLAGGED)),
    "unchecked": Count("pk", filter=Q(action=Action.UNCHECKED)),
    "allowed_by_rule": Count("pk", filter=Q(action=Action.ALLOWED_BY_RULE)),
    "blocked_by_rule": Count("pk", filter=Q(action=Action.BLOCKED_BY_RULE)),
    "approved": Count("pk", filter=Q(action=Action.APPROVED)),
    "marked_spam": Count("pk", filter=Q(action=Action.MARKED_SPAM)),
    "marked_not_spam": Count("pk", filter=Q(action=Action.MARKED_NOT_SPAM)),
    "removed": Count("pk", filter=Q(action=Action.REMOVED)),
    "spam_caught": Count("pk", filter=Q(status_after=Status.SPAM) & ~Q(status_before=Status.SPAM)),
    "false_positives_rescued": Count(
        "pk",
        filter=Q(action__in=[Action.APPROVED, Action.MARKED_NOT_SPAM], status_before=Status.SPAM),
    ),
    "missed_spam": Count("pk", filter=Q(action=Action.MARKED_SPAM, status_before=Status.APPROVED)),
}
_ZEROS = dict.fromkeys(_AGGREGATES, 0)


def daily_activity(days: int = 30, *, today: date | None = None) -> list[DayStats]:
    """Return one DayStats per local day, oldest first, for the `days` days ending `today`.

    Days are calendar days in the current time zone; days without decisions are included
    with zero counts.
    """
    if days < 1:
        raise ValueError("days must be at least 1.")
    last = today or timezone.localdate()
    first = last - timedelta(days=days - 1)
    tz = timezone.get_current_timezone()
    # Typed as plain mappings: the stubs cannot see the keys that annotate(**_AGGREGATES) adds.
    rows: Iterable[Mapping[str, Any]] = (
        Decision.objects.filter(
            created_at__gte=_local_midnight(first), created_at__lt=_local_midnight(last, 1)
        )
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(**_AGGREGATES)
        .order_by("day")
    )
    by_day = {row["day"]: {name: row[name] for name in _AGGREGATES} for row in rows}
    return [
        DayStats(day=day, **by_day.get(day, _ZEROS))
        for day in (first + timedelta(days=offset) for offset in range(days))
    ]


def totals(days: Iterable[ActivityCounts]) -> ActivityCounts:
    """Return the sum of per-day counts (e.g. those daily_activity() returned)."""
    sums = dict(_ZEROS)
    for counts in days:
        for name in sums:
            sums[name] += getattr(counts, name)
    return ActivityCounts(**sums)


def pending_count() -> int:
    """Return the number of comments waiting for a moderator now."""
    return Comment.objects.filter(status=Status.PENDING).count()


def _local_midnight(day: date, plus_days: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=plus_days), time.min))
