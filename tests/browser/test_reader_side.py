"""A reader in Chromium: replying through a comment's Reply link, and an article whose comments
are closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from moderation.models import Comment, Status
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.browser

QUESTION = "Does the early boat take bicycles too? The old one only had room for two or three."
ANSWER = "It does: there is a rack for ten bikes on the new deck, and I have not seen it full yet."


def test_a_reader_replies_through_the_reply_link_and_sees_the_reply_under_the_comment(
    live_server, page, article, active_model, screenshot
):
    question = CommentFactory(content_object=article, author_name="Rosa Lind", content=QUESTION)
    page.goto(live_server.url + article.get_absolute_url())

    page.click(f"#comment-{question.pk} .comment-reply a")
    assert "Replying to Rosa Lind" in page.inner_text("#respond")
    assert page.inner_text("#respond h2") == "Leave a Reply"
    page.fill("#id_name", "Peter Wallis")
    page.fill("#id_email", "p.wallis@example.org")
    page.fill("#id_comment", ANSWER)
    page.click("button:has-text('Post Comment')")
    page.wait_for_load_state()
    screenshot("reader-reply")

    reply = Comment.objects.get(author_name="Peter Wallis")
    assert (reply.parent, reply.status) == (question, Status.APPROVED)
    assert page.url.endswith(f"#comment-{reply.pk}")
    nested = page.locator(f"#comment-{question.pk} .comment-replies #comment-{reply.pk}")
    assert ANSWER in nested.inner_text()
    assert "Thanks, your comment is published." in page.inner_text(".messages")


def test_a_reader_who_cancels_a_reply_gets_the_plain_form(live_server, page, article):
    question = CommentFactory(content_object=article, content=QUESTION)
    page.goto(live_server.url + article.get_absolute_url())
    page.click(f"#comment-{question.pk} .comment-reply a")

    page.click("text=Cancel reply")

    assert page.inner_text("#respond h2") == "Leave a Comment"
    assert page.input_value("#id_parent") == ""


def test_a_closed_article_shows_its_comments_and_why_it_takes_no_more(
    live_server, page, screenshot
):
    article = ArticleFactory(
        title="Harbour ferry returns to service after a three-month refit",
        published_at=timezone.now() - timedelta(days=45),
    )
    CommentFactory(content_object=article, author_name="Maggie Doyle", content=QUESTION)

    page.goto(live_server.url + article.get_absolute_url())
    screenshot("reader-closed-article")

    assert page.inner_text(".comments-closed") == (
        "Comments are closed on this page: they close 30 days after publication."
    )
    assert "Maggie Doyle" in page.inner_text("#comments")
    assert page.locator("#respond form").count() == 0
    assert page.locator(".comment-reply").count() == 0
