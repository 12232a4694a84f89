from __future__ import annotations

import ipaddress

from moderation.decisions import mark_spam
from moderation.models import Comment, Status
from site_demo.articles.demo_content import ARTICLES
from site_demo.articles.models import Article
from site_demo.articles.seed import load_demo_content

DOCUMENTATION_NETWORKS = [
    ipaddress.ip_network("192.0.2.0/24"),
    ipaddress.ip_network("198.51.100.0/24"),
    ipaddress.ip_network("203.0.113.0/24"),
]
N_COMMENTS = sum(len(demo.comments) for demo in ARTICLES)


def test_load_demo_content_creates_every_article_and_comment(active_model):
    created = load_demo_content()

    assert created == len(ARTICLES) + N_COMMENTS
    assert Article.objects.count() == len(ARTICLES)
    assert Comment.objects.count() == N_COMMENTS
    for article in Article.objects.all():
        assert Comment.objects.for_object(article).count() >= 3


def test_load_demo_content_includes_the_lukashenko_story_in_world(active_model):
    load_demo_content()

    article = Article.objects.get(title="Lukashenko will meet with Putin in Russia on Monday")

    assert article.section == "World"
    assert len(article.paragraphs()) >= 3


def test_load_demo_content_scores_comments_with_the_active_model(active_model):
    load_demo_content()

    versions = set(Comment.objects.values_list("model_version", flat=True))
    assert versions == {"tiny-test-model"}
    assert not Comment.objects.filter(spam_score__isnull=True).exists()


def test_load_demo_content_twice_creates_nothing_more(active_model):
    load_demo_content()

    created = load_demo_content()

    assert created == 0
    assert Article.objects.count() == len(ARTICLES)
    assert Comment.objects.count() == N_COMMENTS


def test_load_demo_content_again_leaves_moderator_decisions_alone(active_model, admin_user):
    load_demo_content()
    comment = Comment.objects.exclude(status=Status.SPAM).first()
    mark_spam(comment, admin_user)

    load_demo_content()

    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert comment.history.count() == 2


def test_load_demo_content_keeps_comments_pending_without_a_model(no_model):
    created = load_demo_content()

    assert created == len(ARTICLES) + N_COMMENTS
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_demo_comments_use_documentation_addresses_only(active_model):
    load_demo_content()

    for comment in Comment.objects.all():
        address = ipaddress.ip_address(comment.ip_address)
        assert any(address in network for network in DOCUMENTATION_NETWORKS), address
        domain = comment.author_email.rsplit("@", 1)[1]
        assert domain.endswith((".example", "example.com", "example.net", "example.org")), domain
        assert comment.permalink.endswith(comment.content_object.get_absolute_url())
