"""The Atom feeds of shown comments (feeds.py): site-wide and per object, escaped, each entry
linking to the comment's anchor on its page; and the <link> that announces them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.test import Client

from moderation import threads
from moderation.api.keys import create_key
from moderation.models import Comment, Status
from tests.factories import ArticleFactory, CommentFactory

ATOM = "{http://www.w3.org/2005/Atom}"
LATEST = "/comments/feeds/latest/"


def feed_url(obj):
    return f"/comments/feeds/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


def entries(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    return feed, [
        {
            "title": entry.find(f"{ATOM}title").text,
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.find(f"{ATOM}summary").text,
            "author": entry.find(f"{ATOM}author/{ATOM}name").text,
        }
        for entry in feed.iter(f"{ATOM}entry")
    ]


def test_the_latest_comments_feed_lists_shown_comments_newest_first(client, article):
    older = CommentFactory(content_object=article, author_name="Olga", content="First.")
    newer = CommentFactory(content_object=ArticleFactory(title="Budget"), content="Second.")
    CommentFactory(content_object=article, status=Status.SPAM, content="Spam.")
    CommentFactory(content_object=article, status=Status.PENDING, content="Held.")
    hidden_parent = CommentFactory(content_object=article, status=Status.REMOVED)
    CommentFactory(
        content_object=article,
        content="Under a removed one.",
        **threads.reply_fields(hidden_parent),
    )

    feed, items = entries(client.get(LATEST))

    assert feed.find(f"{ATOM}title").text == "Latest comments"
    assert [item["summary"] for item in items] == ["<p>Second.</p>", "<p>First.</p>"]
    # The site's domain: django.contrib.sites' Site where it is installed (as in the tests).
    assert items[1] == {
        "title": f"Olga on {article.title}",
        "link": f"http://example.com{article.get_absolute_url()}?comments_page=1#comment-{older.pk}",
        "summary": "<p>First.</p>",
        "author": "Olga",
    }
    assert items[0]["link"].endswith(f"#comment-{newer.pk}")


def test_a_feed_escapes_what_readers_typed(client, article):
    CommentFactory(
        content_object=article,
        author_name="<img src=x onerror=alert(1)>",
        content="<script>alert(1)</script>\n\nSecond paragraph & more",
    )

    _, [item] = entries(client.get(LATEST))

    # The summary is HTML: the reader's markup arrives as text, never as markup.
    assert item["summary"] == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n\n<p>Second paragraph &amp; more</p>"
    )
    assert item["author"] == "<img src=x onerror=alert(1)>"  # text, as XML escapes it
    assert b"<script>" not in client.get(LATEST).content


def test_the_latest_feed_leaves_out_api_clients_comments(client, article):
    api_key, _ = create_key("Evening Post")
    CommentFactory(content_object=api_key, content="A client site's comment.")

    _, items = entries(client.get(LATEST))

    assert items == []


def test_an_objects_feed_lists_its_own_comments_only(client, article):
    mine = CommentFactory(content_object=article, content="On this article.")
    CommentFactory(content_object=ArticleFactory(), content="On another.")

    feed, items = entries(client.get(feed_url(article)))

    assert feed.find(f"{ATOM}title").text == f"Comments on {article.title}"
    assert [item["summary"] for item in items] == ["<p>On this article.</p>"]
    assert items[0]["link"].endswith(
        f"{article.get_absolute_url()}?comments_page=1#comment-{mine.pk}"
    )


def test_a_feed_holds_the_latest_twenty(client, article):
    CommentFactory.create_batch(25, content_object=article)

    _, items = entries(client.get(feed_url(article)))

    assert len(items) == 20


@pytest.mark.parametrize("what", ["api key", "no such object", "no such type", "bad pk"])
def test_a_feed_of_something_that_is_not_a_page_is_a_404(client, article, what):
    api_key, _ = create_key("Evening Post")
    CommentFactory(content_object=api_key, content="A client site's comment.")
    article_type = ContentType.objects.get_for_model(article).pk
    url = {
        "api key": feed_url(api_key),
        "no such object": f"/comments/feeds/{article_type}/999999/",
        "no such type": "/comments/feeds/999999/1/",
        "bad pk": f"/comments/feeds/{article_type}/x/",
    }[what]

    assert client.get(url).status_code == 404


def test_the_page_announces_its_feeds_and_the_list_links_its_own(client, article):
    html = client.get(article.get_absolute_url()).content.decode()

    assert (
        '<link rel="alternate" type="application/atom+xml" title="Latest comments" '
        f'href="{LATEST}">' in html
    )
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        f'title="Comments on {article.title}" href="{feed_url(article)}">' in html
    )
    assert f'<a href="{feed_url(article)}" type="application/atom+xml">' in html


def test_the_feed_link_tag_escapes_the_objects_name(article):
    article.title = '"><script>x</script>'

    html = Template("{% load moderation_tags %}{% comment_feed_link article %}").render(
        Context({"article": article})
    )

    assert 'title="Comments on &quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


def test_feeds_list_comments_in_the_readers_language(german_catalog, article):
    CommentFactory(content_object=article, author_name="Olga")

    feed, [item] = entries(Client(headers={"Accept-Language": "de"}).get(LATEST))

    assert feed.find(f"{ATOM}title").text == "Neueste Kommentare"
    assert item["title"] == f"Olga zu {article.title}"
    assert Comment.objects.count() == 1
