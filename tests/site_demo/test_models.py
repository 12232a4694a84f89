from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from site_demo.articles.models import Article
from tests.factories import ArticleFactory


def make_article(slug, **fields):
    return ArticleFactory(slug=slug, **fields)


def test_article_url_is_articles_slug(article):
    url = article.get_absolute_url()

    assert url == "/articles/lukashenko-putin-monday/"


def test_paragraphs_split_body_on_blank_lines_and_unwrap_lines():
    article = Article(body="First line\nstill first.\r\n\r\nSecond.\n\n\n\nThird.\n")

    paragraphs = article.paragraphs()

    assert paragraphs == ["First line still first.", "Second.", "Third."]


def test_articles_are_listed_newest_first(db):
    now = timezone.now()
    old = make_article("old-news", published_at=now - timedelta(days=2))
    new = make_article("fresh-news", published_at=now)
    middle = make_article("middling-news", published_at=now - timedelta(days=1))

    articles = list(Article.objects.all())

    assert articles == [new, middle, old]
