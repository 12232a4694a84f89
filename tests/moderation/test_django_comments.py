"""django-contrib-comments moderated by Hamlet (moderation.contrib.django_comments): comments
posted through its own form are scored, and decisions flow both ways with its flags."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_comments import moderation as django_comments_moderation
from django_comments.forms import CommentForm
from django_comments.models import Comment as DjangoComment
from django_comments.models import CommentFlag
from django_comments.moderation import CommentModerator

from moderation import decisions
from moderation.classifier.registry import activate_model, register_model
from moderation.models import Action, Comment, Source, Status
from moderation.recheck import recheck
from site_demo.articles.models import Article
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


class HoldEveryComment(CommentModerator):
    """A site's own moderator, as the outside tester's: every comment waits for a person, and
    articles older than 30 days take no more comments."""

    auto_close_field = "published_at"
    close_after = 30

    def moderate(self, comment, content_object, request):
        return True


class HoldAndTell(HoldEveryComment):
    """The same, and the managers hear of each new comment."""

    email_notification = True


@pytest.fixture
def site_moderator():
    django_comments_moderation.moderator.register(Article, HoldEveryComment)
    yield
    django_comments_moderation.moderator.unregister(Article)


@pytest.fixture
def notification_template(settings):
    """The site's comments/comment_notification_email.txt, which its moderator's emails need."""
    [engine] = settings.TEMPLATES
    loaders = [
        ("django.template.loaders.locmem.Loader", {NOTIFICATION: "New: {{ comment.comment }}"}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    settings.TEMPLATES = [
        {**engine, "APP_DIRS": False, "OPTIONS": {**engine["OPTIONS"], "loaders": loaders}}
    ]


NOTIFICATION = "comments/comment_notification_email.txt"


def test_a_comment_the_sites_moderator_holds_stays_hidden_though_we_find_it_ham(
    active_model, site_moderator, post_comment
):
    comment = post_comment(HAM[0])

    comment.refresh_from_db()
    assert (comment.is_public, comment.is_removed) == (False, False)
    assert moderated(comment).status == Status.APPROVED  # our verdict, recorded as it was


def test_spam_the_sites_moderator_holds_is_still_filed_as_spam(
    active_model, site_moderator, post_comment
):
    comment = post_comment(SPAM[0], url="http://cheap-pills.example.com")

    assert (comment.is_public, comment.is_removed) == (False, False)
    assert moderated(comment).status == Status.SPAM


def test_a_recheck_that_finds_a_held_comment_ham_does_not_show_it(
    no_model, site_moderator, post_comment, tiny_model_dir
):
    comment = post_comment(HAM[1])
    assert moderated(comment).status == Status.PENDING
    activate_model(register_model(tiny_model_dir))

    result = recheck(Comment.objects.filter(pk=moderated(comment).pk))

    assert result.published == 1
    comment.refresh_from_db()
    assert not comment.is_public


def test_our_moderators_approval_shows_what_the_sites_moderator_held(
    active_model, site_moderator, post_comment, moderator
):
    comment = post_comment(SPAM[1])

    decisions.mark_not_spam(moderated(comment), moderator)

    comment.refresh_from_db()
    assert (comment.is_public, comment.is_removed) == (True, False)


def test_an_approval_in_its_own_view_shows_a_held_comment_and_is_recorded(
    active_model, site_moderator, post_comment, moderator, client
):
    comment = post_comment(HAM[2])
    client.force_login(moderator)

    response = client.post(reverse("comments-approve", args=[comment.pk]))

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_public
    decision = moderated(comment).history.latest("created_at")
    assert (decision.action, decision.moderator) == (Action.APPROVED, moderator)


def test_after_an_approval_a_removal_and_a_new_approval_work_as_for_any_comment(
    active_model, site_moderator, post_comment, moderator
):
    comment = post_comment(HAM[3])
    ours = moderated(comment)

    decisions.approve(ours, moderator)
    decisions.remove(ours, moderator)
    comment.refresh_from_db()
    assert (comment.is_public, comment.is_removed) == (False, True)
    decisions.approve(ours, moderator)
    comment.refresh_from_db()
    assert (comment.is_public, comment.is_removed) == (True, False)


def test_the_sites_moderator_still_refuses_comments_on_a_closed_article(
    active_model, site_moderator, client, article
):
    article.published_at = timezone.now() - datetime.timedelta(days=31)
    article.save()
    data = {**CommentForm(article).initial, "name": "Olga", "email": "olga@example.org"}

    response = client.post(reverse("comments-post-comment"), {**data, "comment": HAM[4]})

    assert response.status_code == 400
    assert not DjangoComment.objects.exists()
    assert not Comment.objects.exists()


def test_the_sites_moderator_still_tells_the_managers(
    active_model, post_comment, notification_template, settings, article
):
    settings.MANAGERS = [("Editors", "editors@example.org")]
    django_comments_moderation.moderator.register(Article, HoldAndTell)
    try:
        comment = post_comment(HAM[4])
    finally:
        django_comments_moderation.moderator.unregister(Article)

    [email] = mail.outbox
    assert (email.to, email.body) == (["editors@example.org"], f"New: {HAM[4]}")
    assert email.subject == f'[example.com] New comment posted on "{article}"'
    assert not comment.is_public


def test_a_row_the_site_saves_hidden_is_not_shown_by_our_ham_verdict(
    active_model, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = DjangoComment.objects.create(
            content_type=ContentType.objects.get_for_model(article),
            object_pk=str(article.pk),
            site_id=1,
            user_name="Olga",
            comment=HAM[5],
            is_public=False,
        )

    comment.refresh_from_db()
    assert not comment.is_public
    assert moderated(comment).status == Status.APPROVED


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_sites_hold_is_known_before_our_verdict(
    active_model, post_comment, article
):
    # Without ATOMIC_REQUESTS the row is scored the moment it is saved, not on commit.
    shown = post_comment(HAM[6])
    django_comments_moderation.moderator.register(Article, HoldEveryComment)
    try:
        held = post_comment(HAM[7])
    finally:
        django_comments_moderation.moderator.unregister(Article)

    shown.refresh_from_db(), held.refresh_from_db()
    assert (shown.is_public, held.is_public) == (True, False)
    assert moderated(held).status == Status.APPROVED
