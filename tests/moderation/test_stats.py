from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import timezone

from moderation.models import Action, Decision, Source, Status
from moderation.stats import ActivityCounts, daily_activity, pending_count, totals
from tests.factories import CommentFactory

TODAY = date(2025, 3, 10)

_SOURCE = {
    Action.ALLOWED_BY_RULE: Source.RULE,
    Action.BLOCKED_BY_RULE: Source.RULE,
    Action.APPROVED: Source.MODERATOR,
    Action.MARKED_SPAM: Source.MODERATOR,
    Action.MARKED_NOT_SPAM: Source.MODERATOR,
    Action.REMOVED: Source.MODERATOR,
}


def decide(action, before, after, at, comment=None):
    return Decision.objects.create(
        comment=comment or CommentFactory(status=after),
        source=_SOURCE.get(action, Source.CLASSIFIER),
        action=action,
        status_before=before,
        status_after=after,
        created_at=at,
    )


def utc(day, hour=12, minute=0):
    return datetime(2025, 3, day, hour, minute, tzinfo=UTC)


def counts(day_stats, *names):
    return {name: getattr(day_stats, name) for name in names}


@pytest.fixture
def week(db):
    """Decisions on three days of the week ending TODAY, and one either side of it."""
    decide(Action.PUBLISHED, "", Status.APPROVED, utc(3))  # the day before the week
    decide(Action.PUBLISHED, "", Status.APPROVED, utc(4, 0, 5))
    decide(Action.ALLOWED_BY_RULE, "", Status.APPROVED, utc(4))
    decide(Action.FLAGGED, "", Status.SPAM, utc(4))
    decide(Action.BLOCKED_BY_RULE, "", Status.SPAM, utc(4))
    decide(Action.HELD, "", Status.PENDING, utc(6))
    decide(Action.UNCHECKED, "", Status.PENDING, utc(6))
    decide(Action.APPROVED, Status.PENDING, Status.APPROVED, utc(6))
    decide(Action.APPROVED, Status.SPAM, Status.APPROVED, utc(6))
    decide(Action.MARKED_NOT_SPAM, Status.SPAM, Status.APPROVED, utc(6))
    decide(Action.MARKED_SPAM, Status.APPROVED, Status.SPAM, utc(10, 23, 59))
    decide(Action.MARKED_SPAM, Status.PENDING, Status.SPAM, utc(10))
    decide(Action.MARKED_SPAM, Status.SPAM, Status.SPAM, utc(10))
    decide(Action.REMOVED, Status.APPROVED, Status.REMOVED, utc(10))
    decide(Action.PUBLISHED, "", Status.APPROVED, utc(11))  # the day after


def test_daily_activity_has_every_day_oldest_first_with_zeros_on_empty_days(week):
    activity = daily_activity(7, today=TODAY)

    assert [row.day for row in activity] == [date(2025, 3, day) for day in range(4, 11)]
    assert [row.received for row in activity] == [4, 0, 2, 0, 0, 0, 0]
    empty = activity[1]
    assert all(getattr(empty, name) == 0 for name in ActivityCounts.__dataclass_fields__)


def test_daily_activity_counts_arrivals_by_classifier_and_rules(week):
    first = daily_activity(7, today=TODAY)[0]

    assert counts(
        first, "published", "allowed_by_rule", "flagged", "blocked_by_rule", "spam_caught"
    ) == {
        "published": 1,
        "allowed_by_rule": 1,
        "flagged": 1,
        "blocked_by_rule": 1,
        "spam_caught": 2,
    }
    assert (first.published_on_arrival, first.held_on_arrival, first.spam_on_arrival) == (2, 0, 2)


def test_daily_activity_counts_rescued_false_positives(week):
    sixth = daily_activity(7, today=TODAY)[2]

    assert counts(
        sixth, "held", "unchecked", "approved", "marked_not_spam", "false_positives_rescued"
    ) == {
        "held": 1,
        "unchecked": 1,
        "approved": 2,
        "marked_not_spam": 1,
        "false_positives_rescued": 2,
    }
    assert (sixth.held_on_arrival, sixth.spam_caught, sixth.missed_spam) == (2, 0, 0)


def test_daily_activity_counts_missed_spam_and_spam_caught_by_moderators(week):
    last = daily_activity(7, today=TODAY)[-1]

    # Marking spam a comment already in spam catches nothing; only the published one was missed.
    assert counts(last, "marked_spam", "spam_caught", "missed_spam", "removed") == {
        "marked_spam": 3,
        "spam_caught": 2,
        "missed_spam": 1,
        "removed": 1,
    }


def test_daily_activity_uses_one_query(week, django_assert_num_queries):
    with django_assert_num_queries(1):
        daily_activity(365, today=TODAY)


def test_daily_activity_groups_by_the_local_date_of_the_current_time_zone(db):
    decide(Action.PUBLISHED, "", Status.APPROVED, utc(9, 23, 30))

    in_utc = daily_activity(7, today=TODAY)
    with timezone.override("Europe/Paris"):
        in_paris = daily_activity(7, today=TODAY)

    assert [row.day for row in in_utc if row.published] == [date(2025, 3, 9)]
    assert [row.day for row in in_paris if row.published] == [date(2025, 3, 10)]


def test_daily_activity_still_counts_decisions_whose_comment_was_deleted(db):
    decision = decide(Action.FLAGGED, "", Status.SPAM, utc(10))
    decision.comment.delete()

    [today] = daily_activity(1, today=TODAY)

    assert Decision.objects.get(pk=decision.pk).comment is None
    assert (today.flagged, today.spam_caught) == (1, 1)


def test_daily_activity_ends_today_in_the_current_time_zone_by_default(db):
    decide(Action.HELD, "", Status.PENDING, utc(10))

    with time_machine.travel(utc(10, 18), tick=False):
        activity = daily_activity(7)

    assert activity[-1].day == TODAY
    assert activity[-1].held == 1


def test_daily_activity_refuses_an_empty_period(db):
    with pytest.raises(ValueError, match="at least 1"):
        daily_activity(0)


def test_totals_add_up_the_days(week):
    summary = totals(daily_activity(7, today=TODAY))

    assert summary.received == 6
    assert (summary.spam_caught, summary.false_positives_rescued, summary.missed_spam) == (4, 2, 1)
    assert (summary.approved, summary.marked_spam, summary.removed) == (2, 3, 1)


def test_pending_count_counts_only_comments_waiting_now(db):
    CommentFactory.create_batch(2, status=Status.PENDING)
    CommentFactory(status=Status.APPROVED)
    CommentFactory(status=Status.SPAM)

    assert pending_count() == 2
