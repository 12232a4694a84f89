"""A site's own comment model (tests/blog), registered with moderation.adapters: its rows are
scored, queued, moderated and learned from, with every status written back to the row."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from moderation import adapters, decisions
from moderation.labels import labels
from moderation.models import Action, Comment, Status
from moderation.recheck import recheck
from tests.blog.apps import BlogConfig
from tests.blog.models import Post, PostComment
from tests.examples import HAM, SPAM


@pytest.fixture
def post(db):
    return Post.objects.create(title="The council's budget")


@pytest.fixture
def leave_comment(post, django_capture_on_commit_callbacks):
    """Save a row as the blog's own view would, and let its transaction commit."""

    def leave(body: str, **fields) -> PostComment:
        with django_capture_on_commit_callbacks(execute=True):
            row = PostComment.objects.create(post=post, body=body, **{"name": "Olga", **fields})
        row.refresh_from_db()
        return row

    return leave


def moderated(row: PostComment) -> Comment:
    return Comment.objects.get(origin_pk=str(row.pk))


def test_a_new_row_is_scored_and_shown_or_hidden_by_the_verdict(active_model, leave_comment, post):
    ham = leave_comment(HAM[0], email="olga@example.org", ip="203.0.113.9")
    spam = leave_comment(SPAM[0], website="http://cheap-pills.example.com")

    assert (ham.approved, spam.approved) == (True, False)
    ours = moderated(ham)
    assert (ours.status, ours.content_object, ours.origin) == (Status.APPROVED, post, ham)
    assert (ours.content, ours.author_name, ours.author_email, ours.ip_address) == (
        HAM[0],
        "Olga",
        "olga@example.org",
        "203.0.113.9",
    )
    assert ours.model_version == "tiny-test-model"
    assert moderated(spam).status == Status.SPAM
    assert moderated(spam).author_url == "http://cheap-pills.example.com"


def test_moderators_decisions_are_written_back_and_become_labels(
    active_model, leave_comment, admin_user
):
    row = leave_comment(SPAM[1])
    assert not row.approved

    decisions.mark_not_spam(moderated(row), admin_user)
    row.refresh_from_db()
    assert row.approved
    decisions.remove(moderated(row), admin_user)
    row.refresh_from_db()
    assert not row.approved
    [label] = [label for label in labels() if label.comment.content == SPAM[1]]
    assert label.is_spam == 0  # "not spam" is the label; removal is not one


def test_a_recheck_writes_its_new_status_back(no_model, leave_comment, tiny_model_dir):
    row = leave_comment(HAM[1])
    assert (moderated(row).status, row.approved) == (Status.PENDING, False)

    from moderation.classifier.registry import activate_model, register_model

    activate_model(register_model(tiny_model_dir))
    recheck([moderated(row)])
    row.refresh_from_db()
    assert (moderated(row).status, row.approved) == (Status.APPROVED, True)


def test_a_row_that_cannot_be_scored_waits_hidden_in_the_queue(no_model, leave_comment, caplog):
    row = leave_comment(HAM[2])

    assert not row.approved
    ours = moderated(row)
    assert ours.status == Status.PENDING
    assert ours.history.get().action == Action.UNCHECKED


def test_values_our_comment_cannot_hold_are_left_out_not_the_comment(
    active_model, leave_comment, caplog
):
    with caplog.at_level(logging.WARNING, logger="moderation.adapters"):
        row = leave_comment(HAM[3], email="not an email", website=None)

    ours = moderated(row)
    assert (ours.content, ours.author_email, ours.author_url) == (HAM[3], "", "")
    assert "author_email" in caplog.text


def test_long_or_missing_names_are_cut_or_filled_in(active_model, leave_comment):
    long = leave_comment(HAM[4], name="x" * 300)
    nameless = leave_comment(HAM[5], name="")

    assert moderated(long).author_name == "x" * 100
    assert moderated(nameless).author_name == "Anonymous"


def test_a_row_rolled_back_by_the_site_is_never_submitted(active_model, post):
    with pytest.raises(RuntimeError), transaction.atomic():
        PostComment.objects.create(post=post, body=HAM[0], name="Olga")
        raise RuntimeError("the site's view failed after saving")

    assert not Comment.objects.exists()


def test_deleting_the_row_deletes_ours_and_keeps_its_label(active_model, leave_comment, admin_user):
    row = leave_comment(SPAM[2])
    decisions.mark_spam(moderated(row), admin_user)

    row.delete()

    assert not Comment.objects.exists()
    [label] = [label for label in labels() if label.comment.content == SPAM[2]]
    assert label.is_spam == 1


def test_editing_a_row_does_not_submit_it_again(active_model, leave_comment):
    row = leave_comment(HAM[6])
    row.body = "edited"
    row.save()

    assert Comment.objects.count() == 1


def test_register_says_what_is_wrong_with_an_adapter(db):
    class Wrong(adapters.CommentAdapter):
        fields = {"author_name": "nickname", "colour": "name"}
        status_field = "visible"
        status_values = {"published": True}

    with pytest.raises(ImproperlyConfigured) as error:
        adapters.register(Post, Wrong)

    message = str(error.value)
    assert "fields has no 'content'" in message
    assert "unknown Comment fields ['colour']" in message
    assert "Post has no field 'nickname'" in message
    assert "Post has no field 'visible'" in message
    assert "not statuses: ['published']" in message
    assert Post not in adapters._registry


def test_a_model_is_registered_once(db):
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        BlogConfig.ready(BlogConfig.create("tests.blog"))


def test_unregistered_rows_are_left_alone(active_model, post, django_capture_on_commit_callbacks):
    adapter = adapters._registry[PostComment]
    adapters.unregister(PostComment)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            PostComment.objects.create(post=post, body=HAM[0], name="Olga")
    finally:
        adapters.register(PostComment, type(adapter))

    assert not Comment.objects.exists()


def test_discarding_blatant_spam_never_deletes_the_sites_row(active_model, leave_comment, settings):
    settings.MODERATION = {
        **settings.MODERATION,
        "DISCARD_BLATANT_SPAM": True,
        "DISCARD_THRESHOLD": 0.5,
    }

    row = leave_comment(SPAM[3])

    assert PostComment.objects.filter(pk=row.pk).exists()
    assert not row.approved
    assert moderated(row).status == Status.SPAM
