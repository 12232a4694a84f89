from __future__ import annotations

import re

import pytest

from moderation.forms import sign_target
from moderation.models import Comment, Status
from site_demo.articles.seed import load_demo_content
from tests.factories import CommentFactory


def add_comment(article, content, status):
    return CommentFactory(content_object=article, content=content, status=status)


def test_home_lists_seeded_articles_newest_first(client, active_model):
    load_demo_content()

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    titles = [
        "Lukashenko will meet with Putin in Russia on Monday",
        "Harbourton council passes $412 million budget after eight-hour session",
        "Late-night library pilot draws 11,000 visitors in its first three months",
    ]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)
    assert 'href="/articles/lukashenko-will-meet-with-putin-in-russia-on-monday/"' in html


def test_home_shows_section_standfirst_and_published_comment_count(client, article):
    add_comment(article, "Published one.", Status.APPROVED)
    add_comment(article, "Published two.", Status.APPROVED)
    add_comment(article, "Still waiting.", Status.PENDING)
    add_comment(article, "Spam.", Status.SPAM)

    response = client.get("/")

    html = response.content.decode()
    assert "World" in html
    assert "The two leaders are expected to discuss trade and security." in html
    assert "2 comments" in html


def test_article_page_shows_breadcrumbs_and_comment_form(client, article):
    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="/">Home</a> » World' in html
    assert "<h1>Lukashenko will meet with Putin in Russia on Monday</h1>" in html
    assert "By Staff reporter" in html
    assert "<p>First paragraph.</p>" in html
    assert "<p>Second paragraph.</p>" in html
    assert "Leave a Comment" in html
    assert 'action="/comments/post/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    for field in ["name", "email", "website", "comment"]:
        assert f'name="{field}"' in html


def test_article_page_shows_privacy_notice_linking_privacy_page(client, article):
    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert "This site uses Hamlet to reduce spam." in html
    assert '<a href="/privacy/">Learn how your comment data is processed.</a>' in html


def test_article_page_shows_published_comments_only(client, article):
    add_comment(article, "A published reader comment.", Status.APPROVED)
    add_comment(article, "A comment waiting for review.", Status.PENDING)
    add_comment(article, "A comment filed as spam.", Status.SPAM)

    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert "A published reader comment." in html
    assert "A comment waiting for review." not in html
    assert "A comment filed as spam." not in html


def test_unknown_article_is_not_found(client, db):
    response = client.get("/articles/no-such-story/")

    assert response.status_code == 404


def test_posting_a_comment_returns_to_the_article_with_a_thank_you(client, active_model, article):
    url = article.get_absolute_url()
    data = {
        "name": "Ann Reader",
        "email": "ann@example.org",
        "website": "",
        "comment": "Thanks for the clear write-up of the background to these talks.",
        "token": sign_target(article),
        "next": url,
    }

    response = client.post("/comments/post/", data, follow=True)

    comment = Comment.objects.for_object(article).get()
    assert response.redirect_chain[-1][0] == f"{url}?comments_page=1#comment-{comment.pk}"
    assert "Thanks, your comment is published." in response.content.decode()
    assert comment.author_name == "Ann Reader"


def test_privacy_page_says_nothing_leaves_the_site(client, db):
    response = client.get("/privacy/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing leaves this site." in html
    assert "no third-party service is called" in html
    assert "Your email address is never shown publicly." in html
    assert "kept until a moderator deletes them" in html


def test_every_page_links_the_privacy_page_in_its_footer(client, article):
    for url in ["/", article.get_absolute_url(), "/privacy/"]:
        response = client.get(url)

        assert '<a href="/privacy/">Privacy: how your comment data is processed</a>' in (
            response.content.decode()
        )


def shown_comments(html):
    return re.findall(r"<p>(Reader comment \d+)\.</p>", html)


@pytest.fixture
def five_per_page(settings):
    settings.MODERATION = {**settings.MODERATION, "COMMENTS_PER_PAGE": 5}


def test_comments_come_in_pages_with_the_newest_page_first(client, article, five_per_page):
    for n in range(1, 13):
        add_comment(article, f"Reader comment {n}.", Status.APPROVED)
    add_comment(article, "Held back.", Status.PENDING)

    newest = client.get(article.get_absolute_url()).content.decode()
    oldest = client.get(article.get_absolute_url(), {"comments_page": "1"}).content.decode()

    assert "<h2>12 comments</h2>" in newest
    assert shown_comments(newest) == ["Reader comment 11", "Reader comment 12"]
    assert "Page 3 of 3" in newest
    assert 'href="?comments_page=2#comments" rel="prev">« Older comments</a>' in newest
    assert "Newer comments" not in newest
    assert shown_comments(oldest) == [f"Reader comment {n}" for n in range(1, 6)]
    assert 'href="?comments_page=2#comments" rel="next">Newer comments »</a>' in oldest
    assert "Older comments" not in oldest


@pytest.mark.parametrize(("asked", "shown"), [("99", "Page 3 of 3"), ("x", "Page 1 of 3")])
def test_a_comment_page_out_of_range_shows_the_nearest(
    client, article, five_per_page, asked, shown
):
    for n in range(1, 13):
        add_comment(article, f"Reader comment {n}.", Status.APPROVED)

    response = client.get(article.get_absolute_url(), {"comments_page": asked})

    assert response.status_code == 200
    assert shown in response.content.decode()


def test_page_links_keep_the_other_query_parameters_escaped(client, article, five_per_page):
    for n in range(1, 7):
        add_comment(article, f"Reader comment {n}.", Status.APPROVED)

    html = client.get(article.get_absolute_url(), {"ref": '"><script>x'}).content.decode()

    assert 'href="?ref=%22%3E%3Cscript%3Ex&amp;comments_page=1#comments"' in html
    assert "<script>x" not in html


def test_a_single_page_of_comments_has_no_page_links(client, article, five_per_page):
    for n in range(1, 6):
        add_comment(article, f"Reader comment {n}.", Status.APPROVED)

    html = client.get(article.get_absolute_url()).content.decode()

    assert len(shown_comments(html)) == 5
    assert 'class="comment-pages"' not in html


def test_posting_from_an_older_page_returns_to_the_newest(client, active_model, article):
    page = client.get(article.get_absolute_url(), {"comments_page": "1", "ref": "home"})

    assert 'name="next" value="/articles/lukashenko-putin-monday/?ref=home"' in (
        page.content.decode()
    )


def test_comments_per_page_none_shows_them_all_on_one_page(client, article, settings):
    settings.MODERATION = {**settings.MODERATION, "COMMENTS_PER_PAGE": None}
    for n in range(1, 61):
        add_comment(article, f"Reader comment {n}.", Status.APPROVED)

    html = client.get(article.get_absolute_url()).content.decode()

    assert len(shown_comments(html)) == 60
    assert 'class="comment-pages"' not in html
