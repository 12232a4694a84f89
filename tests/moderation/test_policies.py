"""Closing comments (policies.py): per model by a field or after N days, site-wide by
CLOSE_AFTER_DAYS; the article page without a form, and a post to it refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from moderation import policies
from moderation.models import Comment
from site_demo.articles.models import Article
from tests.factories import ArticleFactory, CommentFactory
from tests.readers import POST_URL, form_fields, post_comment

CLOSED_BY_HAND = "Comments are closed on this page."
CLOSED_AFTER_30 = "Comments are closed on this page: they close 30 days after publication."


@pytest.fixture
def reader():
    return Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) Test")


@pytest.fixture
def user_policy():
    """A policy on auth's User (it has a date and a boolean field), taken away after the test."""

    def register(**options):
        policies.register(User, **options)

    yield register
    policies.unregister(User)


def old_article(days):
    return ArticleFactory(published_at=timezone.now() - timedelta(days=days))


def test_the_demo_closes_an_article_a_month_after_publication_or_by_its_field(db):
    assert policies.policy_for(Article) == policies.ModerationPolicy(
        close_after=30, date_field="published_at", enable_field="comments_enabled"
    )
    assert policies.closure(old_article(29)) is None
    assert policies.closure(old_article(31)).reason == CLOSED_AFTER_30
    assert policies.closure(ArticleFactory(comments_enabled=False)).reason == CLOSED_BY_HAND


def test_close_after_days_closes_every_registered_model_from_its_date_field(settings, user_policy):
    user_policy(date_field="date_joined", enable_field="is_active")
    settings.MODERATION = {**settings.MODERATION, "CLOSE_AFTER_DAYS": 7}

    fresh = User(date_joined=timezone.now() - timedelta(days=6, hours=23))
    # A DateField's day counts from its start.
    stale = User(date_joined=timezone.localdate() - timedelta(days=7))

    assert policies.closure(fresh) is None
    assert policies.closure(stale).reason == (
        "Comments are closed on this page: they close 7 days after publication."
    )
    assert policies.closure(User(is_active=False)).reason == CLOSED_BY_HAND


def test_an_unregistered_model_is_always_open(settings):
    settings.MODERATION = {**settings.MODERATION, "CLOSE_AFTER_DAYS": 1}

    assert policies.closure(User(date_joined=timezone.now() - timedelta(days=999))) is None


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"date_field": "joined"}, "auth.User has no field 'joined'"),
        ({"date_field": "email"}, "auth.User.email must be a DateField or DateTimeField"),
        ({"enable_field": "email"}, "auth.User.email must be a BooleanField"),
        ({"close_after": 30}, "close_after needs a date_field to count the days from"),
        (
            {"close_after": 0, "date_field": "date_joined"},
            "close_after must be a whole number of days (1 or more), not 0",
        ),
    ],
)
def test_register_names_each_problem(options, problem):
    with pytest.raises(ImproperlyConfigured) as raised:
        policies.register(User, **options)

    assert str(raised.value) == f"moderation.policies.register(User): {problem}."
    assert policies.policy_for(User) == policies.ModerationPolicy()


def test_close_after_days_with_no_dated_policy_is_w007(settings, monkeypatch):
    monkeypatch.setattr(policies, "_POLICIES", {})
    settings.MODERATION = {**settings.MODERATION, "CLOSE_AFTER_DAYS": 30}

    [message] = policies.check_close_after()

    assert message.id == "moderation.W007"
    assert message.msg == (
        "MODERATION['CLOSE_AFTER_DAYS'] is 30, but no model is registered with a date_field, "
        "so no comments close."
    )
    assert message.hint == (
        "Register the models comments hang under, with the field holding their publication "
        "date: moderation.policies.register(Article, date_field='published_at'), in your "
        "app's AppConfig.ready()."
    )


def test_close_after_days_is_quiet_with_a_dated_policy(settings):
    settings.MODERATION = {**settings.MODERATION, "CLOSE_AFTER_DAYS": 30}

    assert policies.check_close_after() == []


# --- the article page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: old_article(45), CLOSED_AFTER_30),
        (lambda: ArticleFactory(comments_enabled=False), CLOSED_BY_HAND),
    ],
    ids=["old", "by hand"],
)
def test_a_closed_article_shows_its_comments_and_why_there_is_no_form(reader, db, make, reason):
    article = make()
    comment = CommentFactory(content_object=article, content="Said while it was open.")

    page = reader.get(article.get_absolute_url()).content.decode()

    assert f'<p class="comments-closed">{reason}</p>' in page
    assert f'id="comment-{comment.pk}"' in page
    assert "Said while it was open." in page
    assert 'name="token"' not in page
    assert "Leave a Comment" not in page
    assert 'class="comment-reply"' not in page


def test_a_post_to_an_article_closed_since_its_page_was_loaded_is_refused(
    reader, article, active_model
):
    data = form_fields(reader, article.get_absolute_url(), comment="Late to the <b>party</b>.")
    Article.objects.filter(pk=article.pk).update(comments_enabled=False)

    response = reader.post(POST_URL, data)

    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Comments are closed</h1>" in html
    assert CLOSED_BY_HAND in html
    assert "Your comment was not posted. Here is its text, to keep:" in html
    assert "readonly>Late to the &lt;b&gt;party&lt;/b&gt;.</textarea>" in html
    assert 'action="/comments/post/"' not in html
    assert not Comment.objects.exists()


def test_a_post_after_the_closing_day_is_refused(reader, active_model):
    article = old_article(29)
    data = form_fields(reader, article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(days=30))

    response = reader.post(POST_URL, data)

    assert response.status_code == 403
    assert CLOSED_AFTER_30 in response.content.decode()
    assert not Comment.objects.exists()


def test_an_open_article_still_takes_comments(reader, active_model):
    response = post_comment(reader, old_article(29).get_absolute_url())

    assert response.status_code == 302
    assert Comment.objects.count() == 1
