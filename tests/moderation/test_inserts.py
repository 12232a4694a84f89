"""insert() stores exactly what Model.save() stores, and sends the same signals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from moderation.inserts import insert
from moderation.models import Action, Comment, Decision, Source, Status


def new_comment(article, **fields):
    return Comment(
        content_object=article,
        author_name="Anna <b>K.</b>",
        author_email="anna@example.org",
        content="Zero\u200bwidth, \u202eRTL\u202c and ünïcödé",
        ip_address="2001:db8::7",
        submitted_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        status=Status.SPAM,
        verdict="spam",
        spam_score=0.97,
        model_version="v3",
        is_test=True,
        **fields,
    )


def stored(instance):
    """Every column of the row as read back, but the id."""
    row = type(instance).objects.get(pk=instance.pk)
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.name != "id"}


def test_a_comment_is_stored_as_save_stores_it(article):
    saved, inserted = new_comment(article), new_comment(article)
    saved.save()

    insert(inserted)

    assert inserted.pk is not None and inserted.pk != saved.pk
    assert not inserted._state.adding and inserted._state.db == "default"
    row, saved_row = stored(inserted), stored(saved)
    assert (row.pop("guid"), saved_row.pop("guid")) == (inserted.guid, saved.guid)  # uuid4 each
    assert row == saved_row
    assert Comment.objects.get(pk=inserted.pk).content_object == article


def test_a_decision_gets_its_creation_time_and_json_snapshot(article, django_user_model):
    comment = new_comment(article)
    insert(comment)
    moderator = django_user_model.objects.create(username="mod")
    decision = Decision(
        comment=comment,
        source=Source.MODERATOR,
        action=Action.APPROVED,
        moderator=moderator,
        status_before=Status.SPAM,
        status_after=Status.APPROVED,
        snapshot={"words": ["ünï", "<script>"], "score": 0.5},
    )

    insert(decision)

    row = Decision.objects.get(pk=decision.pk)
    assert row.created_at == decision.created_at is not None
    assert row.snapshot == {"words": ["ünï", "<script>"], "score": 0.5}
    assert (row.comment, row.moderator) == (comment, moderator)


def test_insert_is_one_statement_and_sends_save_signals(article):
    sent = []

    def record(signal_name):
        def receiver(sender, instance, **kwargs):
            sent.append((signal_name, sender, instance.pk, kwargs.get("created")))

        return receiver

    on_pre, on_post = record("pre_save"), record("post_save")
    pre_save.connect(on_pre, sender=Comment)
    post_save.connect(on_post, sender=Comment)
    comment = new_comment(article)
    try:
        with CaptureQueriesContext(connection) as queries:
            insert(comment)
    finally:
        pre_save.disconnect(on_pre, sender=Comment)
        post_save.disconnect(on_post, sender=Comment)

    assert [q["sql"].split()[:3] for q in queries] == [["INSERT", "INTO", '"moderation_comment"']]
    assert sent == [("pre_save", Comment, None, None), ("post_save", Comment, comment.pk, True)]


def test_a_row_with_its_primary_key_set_goes_through_save(db):
    user = get_user_model()(pk=4242, username="given-pk")

    insert(user)

    assert get_user_model().objects.get(pk=4242).username == "given-pk"


def test_an_unsaved_related_object_is_refused_as_save_refuses_it(article):
    decision = Decision(comment=new_comment(article), source=Source.MODERATOR)

    with pytest.raises(ValueError, match="unsaved related object"):
        insert(decision)
