from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from moderation import decisions
from moderation.labels import labelled_comments
from moderation.models import Comment, Decision, Status
from moderation.retention import PurgeResult, purge
from tests.factories import CommentFactory

NOW = datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC)


def days_ago(n):
    return NOW - datetime.timedelta(days=n)


def posted(days, content, status=Status.PENDING):
    return CommentFactory(content=content, status=status, submitted_at=days_ago(days))


def decided(days, decide, comment, moderator):
    with time_machine.travel(days_ago(days), tick=False):
        decide(comment, moderator)


@pytest.fixture
def comments(db, admin_user):
    """Comments of every kind around the 15-day retention line, by content."""
    marked_spam_16 = posted(20, "Cheap replica watches, old")
    decided(16, decisions.mark_spam, marked_spam_16, admin_user)
    marked_spam_14 = posted(20, "Cheap replica watches, recent")
    decided(14, decisions.mark_spam, marked_spam_14, admin_user)
    removed_16 = posted(20, "Off-topic rant")
    decided(16, decisions.remove, removed_16, admin_user)
    approved_30 = posted(30, "A thoughtful remark")
    decided(30, decisions.approve, approved_30, admin_user)
    posted(16, "Filed as spam, never decided", status=Status.SPAM)
    posted(14, "Filed as spam recently, never decided", status=Status.SPAM)
    posted(16, "Still waiting for a moderator")
    return {c.content: c for c in Comment.objects.all()}


def remaining():
    return set(Comment.objects.values_list("content", flat=True))


def test_purge_deletes_spam_and_removed_comments_older_than_retention(comments):
    result = purge(now=NOW)

    assert result == PurgeResult(deleted=3, labels_kept=1)
    assert remaining() == {
        "Cheap replica watches, recent",
        "A thoughtful remark",
        "Filed as spam recently, never decided",
        "Still waiting for a moderator",
    }


def test_purge_keeps_the_label_text_for_retraining(comments):
    before = sorted(labelled_comments(), key=str)

    purge(now=NOW)

    assert sorted(labelled_comments(), key=str) == before
    orphan = Decision.objects.get(comment=None, action="marked_spam")
    assert orphan.snapshot == {
        "content": "Cheap replica watches, old",
        "author_name": "Reader",
        "author_email": "reader@example.org",
        "author_url": "",
    }


def test_purge_keeps_only_the_latest_label_of_a_comment(db, admin_user):
    comment = posted(30, "First approved, then seen to be spam")
    decided(25, decisions.approve, comment, admin_user)
    decided(20, decisions.mark_spam, comment, admin_user)

    purge(now=NOW)

    assert [(c.content, label) for c, label in labelled_comments()] == [
        ("First approved, then seen to be spam", 1)
    ]


def test_purge_counts_age_from_the_latest_decision(db, admin_user):
    comment = posted(30, "Spam a moderator only just confirmed", status=Status.SPAM)
    decided(10, decisions.mark_spam, comment, admin_user)

    assert purge(now=NOW) == PurgeResult(deleted=0, labels_kept=0)


def test_purge_takes_explicit_days_over_the_setting(comments):
    result = purge(13, now=NOW)

    assert result == PurgeResult(deleted=5, labels_kept=2)


def test_purge_keeps_everything_when_retention_days_is_none(comments, settings):
    settings.MODERATION = {**settings.MODERATION, "RETENTION_DAYS": None}

    assert purge(now=NOW) == PurgeResult(deleted=0, labels_kept=0)
    assert len(remaining()) == 7


def test_purge_dry_run_counts_but_deletes_nothing(comments):
    result = purge(now=NOW, dry_run=True)

    assert result == PurgeResult(deleted=3, labels_kept=1)
    assert len(remaining()) == 7
    assert not Decision.objects.exclude(snapshot=None).exists()


def test_purge_rejects_negative_days(db):
    with pytest.raises(ValueError, match="0 or more, not -1"):
        purge(-1)


def test_purge_works_through_more_comments_than_one_chunk(article):
    Comment.objects.bulk_create(
        CommentFactory.build(content_object=article, status=Status.SPAM, submitted_at=days_ago(20))
        for _ in range(1203)
    )

    assert purge(now=NOW).deleted == 1203
    assert not Comment.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_purge_comments_command_prints_a_summary_line_for_each_kind_of_data(comments):
    out = StringIO()

    call_command("purge_comments", stdout=out)

    assert out.getvalue() == (
        "Deleted 3 spam and removed comments older than 15 days; kept 1 moderator labels.\n"
        "Cleared the personal data of 0 comments older than 90 days.\n"
    )


@time_machine.travel(NOW, tick=False)
def test_purge_comments_command_dry_run_with_days(comments):
    out = StringIO()

    call_command("purge_comments", "--days", "13", "--dry-run", stdout=out)

    assert out.getvalue() == (
        "Would delete 5 spam and removed comments older than 13 days; kept 2 moderator labels.\n"
    )
    assert len(remaining()) == 7


def test_purge_comments_command_rejects_negative_days(db):
    with pytest.raises(CommandError, match="--days must be 0 or more, not -3."):
        call_command("purge_comments", "--days", "-3")


def test_purge_comments_command_says_when_retention_is_off(comments, settings):
    settings.MODERATION = {**settings.MODERATION, "RETENTION_DAYS": None}
    out = StringIO()

    call_command("purge_comments", stdout=out)

    assert out.getvalue().splitlines()[0] == (
        "RETENTION_DAYS is None: comments are kept for ever. Nothing purged."
    )
    assert len(remaining()) == 7
