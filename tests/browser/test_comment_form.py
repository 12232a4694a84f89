from __future__ import annotations

import pytest

from moderation.models import Comment, Status

pytestmark = pytest.mark.browser

SPAM = "Great post!! Buy cheap replica watches at http://replica-watches.example.com best prices"
HAM = (
    "If the two leaders meet on Monday, I doubt anything will change for ordinary people "
    "in Minsk. The last summit produced nothing but photographs."
)


def post_comment(page, url, *, name, email, comment, website=""):
    page.goto(url)
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.fill("#id_website", website)
    page.fill("#id_comment", comment)
    page.click("button:has-text('Post Comment')")
    page.wait_for_load_state()


def test_reader_posts_spam_and_ham_through_the_article_page(
    live_server, page, article, active_model, screenshot
):
    url = live_server.url + article.get_absolute_url()

    post_comment(
        page,
        url,
        name="cheap replica watches",
        email="x81@example.com",
        website="http://replica-watches.example.com",
        comment=SPAM,
    )
    assert "awaiting moderation" in page.inner_text(".messages")
    post_comment(page, url, name="Anna K.", email="anna@example.org", comment=HAM)
    screenshot("article-after-posting")

    spam = Comment.objects.get(author_name="cheap replica watches")
    ham = Comment.objects.get(author_name="Anna K.")
    assert spam.status == Status.SPAM
    assert ham.status == Status.APPROVED
    shown = page.inner_text("#comments")
    assert "Anna K." in shown
    assert "replica" not in shown
    assert "Thanks, your comment is published." in page.inner_text(".messages")
