from __future__ import annotations

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

    assert response.redirect_chain[-1][0] == f"{url}#comments"
    assert "Thanks, your comment is" in response.content.decode()
    assert Comment.objects.for_object(article).get().author_name == "Ann Reader"


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
