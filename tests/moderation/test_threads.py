"""Replies (threads.py): through the article page without JavaScript, the depth limit, what is
shown when a comment above a reply is filed as spam, and the links to a comment's anchor."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client

from moderation import threads
from moderation.decisions import mark_spam, remove
from moderation.models import Comment, Status
from tests.factories import ArticleFactory, CommentFactory
from tests.readers import POST_URL, form_fields, post_comment

REPLY = "Good question: the answer is in the budget papers, page twelve."


@pytest.fixture
def reader():
    return Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) Test")


def reply_to(parent, content="A reply.", **fields):
    return CommentFactory(
        content_object=parent.content_object,
        content=content,
        author_email=f"{content[:5].lower().replace(' ', '')}@example.org",
        **threads.reply_fields(parent),
        **fields,
    )


def thread_of(html, comment):
    """The HTML of `comment`'s article element, its replies included."""
    start = html.index(f'id="comment-{comment.pk}"')
    return html[start:]


def test_a_reply_is_one_level_below_its_parent():
    parent = Comment(depth=2)

    assert threads.reply_fields(None) == {"parent": None, "depth": 1}
    assert threads.reply_fields(parent) == {"parent": parent, "depth": 3}


def test_the_reply_link_opens_the_form_as_a_reply_to_that_comment(reader, article):
    olga = CommentFactory(content_object=article, author_name="Olga <b>K</b>")
    url = article.get_absolute_url()

    page = reader.get(url).content.decode()
    link = re.search(r'<p class="comment-reply"><a href="([^"]+)"', page).group(1)
    replying = reader.get(url + link.replace("&amp;", "&")).content.decode()

    assert link == f"?comments_page=1&amp;replytocom={olga.pk}#respond"
    assert "<h2>Leave a Reply</h2>" in replying
    assert f'<input type="hidden" name="parent" value="{olga.pk}"' in replying
    assert "Replying to Olga &lt;b&gt;K&lt;/b&gt;" in replying
    assert f'<a href="{url}?comments_page=1#respond" rel="nofollow">Cancel reply</a>' in replying


def test_a_reply_posted_through_the_page_is_scored_stored_and_shown_under_its_parent(
    reader, article, active_model
):
    olga = CommentFactory(content_object=article, author_name="Olga")
    url = f"{article.get_absolute_url()}?replytocom={olga.pk}"

    response = post_comment(reader, url, comment=REPLY, name="Anna")
    page = reader.get(response["Location"]).content.decode()

    reply = Comment.objects.get(author_name="Anna")
    assert (reply.parent, reply.depth, reply.status) == (olga, 2, Status.APPROVED)
    assert reply.spam_score is not None  # scored like any comment
    assert response["Location"] == (
        f"{article.get_absolute_url()}?comments_page=1#comment-{reply.pk}"
    )
    nested = '<div class="comment-replies">\n    <article class="comment comment-level-2" id='
    assert f'{nested}"comment-{reply.pk}">' in thread_of(page, olga)
    assert "<h2>2 comments</h2>" in page


def test_a_reply_returns_the_reader_to_its_threads_page(reader, article, active_model, settings):
    settings.MODERATION = {**settings.MODERATION, "COMMENTS_PER_PAGE": 2}
    first, *_ = CommentFactory.create_batch(5, content_object=article)
    url = f"{article.get_absolute_url()}?replytocom={first.pk}"

    response = post_comment(reader, url, comment=REPLY, name="Anna")

    reply = Comment.objects.get(author_name="Anna")
    assert response["Location"].endswith(f"?comments_page=1#comment-{reply.pk}")
    assert f'id="comment-{reply.pk}"' in reader.get(response["Location"]).content.decode()


def test_a_comment_at_the_last_level_has_no_reply_link_and_a_reply_to_it_is_refused(
    reader, article, active_model, settings
):
    settings.MODERATION = {**settings.MODERATION, "REPLY_DEPTH": 2}
    top = CommentFactory(content_object=article)
    last = reply_to(top, "At the last level.")
    page = reader.get(article.get_absolute_url()).content.decode()
    data = form_fields(reader, article.get_absolute_url(), comment=REPLY, parent=str(last.pk))

    response = reader.post(POST_URL, data)

    html = response.content.decode()
    assert f"replytocom={top.pk}#respond" in page
    assert f"replytocom={last.pk}" not in page
    assert response.status_code == 400
    assert (
        "Replies go only 2 levels deep, and that comment is already at the last level. Reply "
        "to the comment it answers, or post a comment of your own." in html
    )
    # Posted again as it stands, it becomes a comment of its own.
    assert '<input type="hidden" name="parent" id="id_parent">' in html
    assert Comment.objects.count() == 2


@pytest.mark.parametrize("where", ["spam", "pending", "other article", "no such"])
def test_a_reply_to_a_comment_not_shown_on_the_page_is_refused(
    reader, article, active_model, where
):
    other = ArticleFactory()
    parent = CommentFactory(
        content_object=other if where == "other article" else article,
        status={"spam": Status.SPAM, "pending": Status.PENDING}.get(where, Status.APPROVED),
    )
    parent_id = "99999" if where == "no such" else str(parent.pk)
    data = form_fields(reader, article.get_absolute_url(), comment=REPLY, parent=parent_id)

    response = reader.post(POST_URL, data)

    assert response.status_code == 400
    assert (
        "The comment you are replying to is no longer shown, so your reply was not posted under "
        "it. You can post it as a comment of its own." in response.content.decode()
    )
    assert Comment.objects.count() == 1


def test_a_made_up_replytocom_shows_the_plain_form(reader, article):
    spam = CommentFactory(content_object=article, status=Status.SPAM)

    for asked in (str(spam.pk), "x", "1" * 40):
        page = reader.get(article.get_absolute_url(), {"replytocom": asked}).content.decode()

        assert "<h2>Leave a Comment</h2>" in page
        assert '<input type="hidden" name="parent" id="id_parent">' in page


@pytest.mark.parametrize("decide", [mark_spam, remove])
def test_replies_to_a_comment_later_filed_as_spam_or_removed_stay_stored_but_hidden(
    reader, article, admin_user, decide
):
    top = CommentFactory(content_object=article, content="The first comment.")
    answer = reply_to(top, "An answer to it.")
    deeper = reply_to(answer, "And an answer to that.")
    other = CommentFactory(content_object=article, content="Another comment.")

    decide(top, admin_user)

    page = reader.get(article.get_absolute_url()).content.decode()
    assert (
        Comment.objects.filter(pk__in=[answer.pk, deeper.pk], status=Status.APPROVED).count() == 2
    )
    assert "An answer to it." not in page
    assert "And an answer to that." not in page
    assert f'id="comment-{other.pk}"' in page
    assert "<h2>1 comment</h2>" in page
    assert threads.shown(Comment.objects.all()).get() == other


def test_a_reply_whose_parent_was_deleted_stays_hidden(reader, article):
    top = CommentFactory(content_object=article, content="The first comment.")
    answer = reply_to(top, "An answer to it.")

    top.delete()  # retention, or a reader's erasure

    answer.refresh_from_db()
    assert (answer.parent, answer.depth) == (None, 2)
    assert "An answer to it." not in reader.get(article.get_absolute_url()).content.decode()


def test_replies_deeper_than_reply_depth_are_not_shown(article, settings):
    top = CommentFactory(content_object=article)
    second = reply_to(top, "Second level.")
    reply_to(second, "Third level.")

    settings.MODERATION = {**settings.MODERATION, "REPLY_DEPTH": 2}

    assert set(threads.shown(Comment.objects.all())) == {top, second}


def test_the_comment_count_counts_shown_comments_only(article):
    top = CommentFactory(content_object=article)
    reply_to(top, "Shown.")
    hidden_parent = CommentFactory(content_object=article, status=Status.SPAM)
    reply_to(hidden_parent, "Hidden.")

    rendered = Template("{% load moderation_tags %}{% get_comment_count article %}").render(
        Context({"article": article})
    )

    assert rendered == "2"


def test_a_comment_link_leads_to_the_comment_on_its_page(client, article, settings):
    settings.MODERATION = {**settings.MODERATION, "COMMENTS_PER_PAGE": 2}
    first, second, third = CommentFactory.create_batch(3, content_object=article)
    answer = reply_to(first, "An answer.")
    held = CommentFactory(content_object=article, status=Status.PENDING)

    links = {c: client.get(f"/comments/link/{c.pk}/") for c in (first, third, answer, held)}

    url = article.get_absolute_url()
    assert links[first]["Location"] == f"{url}?comments_page=1#comment-{first.pk}"
    assert links[third]["Location"] == f"{url}?comments_page=2#comment-{third.pk}"
    assert links[answer]["Location"] == f"{url}?comments_page=1#comment-{answer.pk}"
    assert links[held].status_code == 404


# --- the review queue --------------------------------------------------------------------------


def test_the_queue_says_what_a_reply_answers_escaped(client, moderator, article):
    parent = CommentFactory(
        content_object=article,
        author_name="<b>Olga</b>",
        content="The <script>budget</script>   should be\npublished " + "word " * 40,
    )
    reply = reply_to(parent, "A held reply.", status=Status.PENDING)
    client.force_login(moderator)

    html = client.get("/admin/moderation/comment/", {"status__exact": "pending"}).content.decode()

    row = html[html.index("A held reply.") :]
    assert (
        '<div class="comment-parent">in reply to &lt;b&gt;Olga&lt;/b&gt;: The '
        "&lt;script&gt;budget&lt;/script&gt; should be published word word" in row
    )
    assert "<script>budget" not in html
    # A held comment has no anchor on the page yet: "on" links the article.
    assert f'on <a href="{article.get_absolute_url()}">' in row
    assert reply.depth == 2


def test_the_queue_links_a_published_comment_to_its_anchor(client, moderator, article):
    comment = CommentFactory(content_object=article, content="Published.")
    client.force_login(moderator)

    html = client.get("/admin/moderation/comment/", {"status__exact": "approved"}).content.decode()

    assert f'on <a href="/comments/link/{comment.pk}/">' in html


def test_the_queue_says_a_reply_to_a_client_sites_comment_or_a_deleted_one(
    client, moderator, article
):
    CommentFactory(content_object=article, content="To the client's.", parent_ref="4711", depth=2)
    CommentFactory(content_object=article, content="Orphaned.", depth=2)
    client.force_login(moderator)

    html = client.get("/admin/moderation/comment/", {"status__exact": "approved"}).content.decode()

    assert "in reply to the client site&#x27;s comment 4711" in html
    assert "in reply to a comment since deleted" in html
