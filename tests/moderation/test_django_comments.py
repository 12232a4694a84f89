"""django-contrib-comments moderated by Hamlet (moderation.contrib.django_comments): comments
posted through its own form are scored, and decisions flow both ways with its flags."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_comments.forms import CommentForm
from django_comments.models import Comment as DjangoComment
from django_comments.models import CommentFlag

from moderation import decisions
from moderation.models import Action, Comment, Source, Status
from tests.examples import HAM, SPAM


@pytest.fixture
def post_comment(client, article, django_capture_on_commit_callbacks):
    """Post through django-contrib-comments' form view, as its form in a page would."""

    def post(text: str, **fields) -> DjangoComment:
        data = {
            **CommentForm(article).initial,
            "name": "Olga",
            "email": "olga@example.org",
            "url": "",
            "comment": text,
            "honeypot": "",
            **fields,
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("comments-post-comment"), data)
        assert response.status_code == 302, response.content.decode()[:500]
        return DjangoComment.objects.get(comment=text)

    return post


def moderated(comment: DjangoComment) -> Comment:
    return Comment.objects.get(origin_pk=str(comment.pk))


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("mira", password="pw", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="moderate_comment"),
        Permission.objects.get(codename="can_moderate"),
    )
    return user


def test_comments_from_its_form_are_scored_and_shown_by_the_verdict(
    active_model, post_comment, article
):
    ham = post_comment(HAM[0])
    spam = post_comment(SPAM[0], url="http://cheap-pills.example.com")

    assert (ham.is_public, ham.is_removed) == (True, False)
    assert (spam.is_public, spam.is_removed) == (False, False)
    assert moderated(ham).status == Status.APPROVED
    assert moderated(ham).content_object == article
    assert (moderated(spam).status, moderated(spam).author_url) == (
        Status.SPAM,
        "http://cheap-pills.example.com",
    )
    assert moderated(spam).spam_score > moderated(ham).spam_score


def test_an_unscored_comment_stays_hidden_and_pending(no_model, post_comment):
    comment = post_comment(HAM[1])

    assert not comment.is_public
    assert moderated(comment).status == Status.PENDING


def test_its_comments_keep_the_reader_behind_a_trusted_proxy_as_our_form_does(
    active_model, client, post_comment, settings
):
    settings.MODERATION = {**settings.MODERATION, "TRUSTED_PROXIES": ["10.0.0.5"]}
    client.defaults.update(
        REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9"
    )

    comment = post_comment(HAM[2])

    assert (comment.ip_address, moderated(comment).ip_address) == ("203.0.113.9", "203.0.113.9")


def test_our_decisions_set_its_visibility_and_leave_its_moderator_flags(
    active_model, post_comment, moderator
):
    comment = post_comment(SPAM[1])

    decisions.mark_not_spam(moderated(comment), moderator)
    comment.refresh_from_db()
    assert (comment.is_public, comment.is_removed) == (True, False)
    decisions.remove(moderated(comment), moderator)
    comment.refresh_from_db()
    assert (comment.is_public, comment.is_removed) == (False, True)
    assert set(comment.flags.values_list("user__username", "flag")) == {
        ("mira", CommentFlag.MODERATOR_APPROVAL),
        ("mira", CommentFlag.MODERATOR_DELETION),
    }


def test_an_approval_in_its_own_moderation_view_is_recorded_in_our_queue(
    active_model, post_comment, moderator, client
):
    comment = post_comment(SPAM[2])
    client.force_login(moderator)

    response = client.post(reverse("comments-approve", args=[comment.pk]))

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_public
    ours = moderated(comment)
    assert ours.status == Status.APPROVED
    decision = ours.history.latest("created_at")
    assert (decision.action, decision.source, decision.moderator) == (
        Action.APPROVED,
        Source.MODERATOR,
        moderator,
    )


def test_its_comments_show_in_our_queue(active_model, post_comment, admin_client):
    ours = moderated(post_comment(HAM[3]))

    response = admin_client.get(
        reverse("admin:moderation_comment_changelist") + "?status__exact=approved"
    )

    html = response.content.decode()
    assert reverse("admin:moderation_comment_change", args=[ours.pk]) in html
    assert "grandmother" in html


def test_our_comment_links_to_its_row_in_its_admin(active_model, post_comment, admin_client):
    comment = post_comment(HAM[4])

    response = admin_client.get(
        reverse("admin:moderation_comment_change", args=[moderated(comment).pk])
    )

    assert reverse("admin:django_comments_comment_change", args=[comment.pk]) in (
        response.content.decode()
    )
