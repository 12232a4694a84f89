"""A repeat post: one definition (duplicates.py), refused by the form with the text offered
back; the APIs' answers are in tests/moderation/api/test_reader_side_api.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from moderation.duplicates import find_duplicate, normalised_text, text_hash
from moderation.models import Comment, Status
from site_demo.articles.models import Article
from tests.factories import ArticleFactory, CommentFactory
from tests.readers import POST_URL, form_fields, post_comment

TEXT = "I think the council should publish the full budget before the vote."


@pytest.fixture
def reader():
    return Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) Test")


def test_texts_that_differ_only_in_case_and_spacing_are_the_same_text():
    said = "Great  point,\nwell MADE. "
    again = "great point, well made."

    assert normalised_text(said) == "great point, well made."
    assert text_hash(said) == text_hash(again)
    assert text_hash(said) != text_hash("Great point, well made!")
    assert len(text_hash(said)) == 32


def test_every_stored_comment_keeps_the_hash_of_its_text(article):
    comment = CommentFactory(content_object=article, content="Hello  THERE")

    comment.content = "Something else"
    comment.save()

    assert Comment.objects.get().content_hash == text_hash("something else")


def test_a_repeat_is_the_same_authors_same_text_on_the_same_object(article):
    first = CommentFactory(content_object=article, content=TEXT, author_email="olga@example.org")
    CommentFactory(content_object=ArticleFactory(), content=TEXT, author_email="x@example.org")

    assert find_duplicate(article, content=TEXT.upper(), author_email="OLGA@example.org") == first
    assert find_duplicate(article, content=TEXT, author_email="anna@example.org") is None
    assert find_duplicate(ArticleFactory(), content=TEXT, author_email="olga@example.org") is None
    assert (
        find_duplicate(article, content=TEXT + " Really.", author_email="olga@example.org") is None
    )


def test_the_same_words_answering_two_comments_are_no_repeat(article):
    anna, boris = CommentFactory.create_batch(2, content_object=article)
    thanks = CommentFactory(
        content_object=article, content="Thanks!", parent=anna, depth=2, author_email="o@x.org"
    )

    assert find_duplicate(article, content="Thanks!", author_email="o@x.org", parent=anna) == thanks
    assert find_duplicate(article, content="Thanks!", author_email="o@x.org", parent=boris) is None
    assert find_duplicate(article, content="Thanks!", author_email="o@x.org") is None


def test_without_an_email_the_ip_address_tells_the_author(article):
    first = CommentFactory(
        content_object=article, content=TEXT, author_email="", ip_address="198.51.100.7"
    )

    assert find_duplicate(article, content=TEXT, ip_address="198.51.100.7") == first
    assert find_duplicate(article, content=TEXT, ip_address="198.51.100.8") is None
    # An author with neither cannot be told from anyone else.
    assert find_duplicate(article, content=TEXT) is None


def test_a_repeat_counts_whatever_became_of_the_first(article):
    first = CommentFactory(content_object=article, content=TEXT, status=Status.SPAM)

    assert find_duplicate(article, content=TEXT, author_email=first.author_email) == first


def test_a_repeat_is_looked_for_within_the_window_only(article, settings):
    settings.MODERATION = {**settings.MODERATION, "DUPLICATE_WINDOW": 60 * 60}
    long_ago = timezone.now() - timedelta(hours=2)
    CommentFactory(content_object=article, content=TEXT, submitted_at=long_ago)

    assert find_duplicate(article, content=TEXT, author_email="reader@example.org") is None
    assert (
        find_duplicate(
            article, content=TEXT, author_email="reader@example.org", submitted_at=long_ago
        )
        is not None
    )


def test_duplicate_window_none_turns_the_check_off(article, settings):
    settings.MODERATION = {**settings.MODERATION, "DUPLICATE_WINDOW": None}
    CommentFactory(content_object=article, content=TEXT)

    assert find_duplicate(article, content=TEXT, author_email="reader@example.org") is None


def test_looking_for_a_repeat_takes_one_query_and_reads_a_row_only_if_it_finds_one(
    article, django_assert_num_queries
):
    CommentFactory(content_object=article, content=TEXT)
    ContentType.objects.get_for_model(Article)  # cached per process, as in a running site

    with django_assert_num_queries(1):
        assert (
            find_duplicate(article, content="Something new.", author_email="a@example.org") is None
        )
    with django_assert_num_queries(2):
        assert find_duplicate(article, content=TEXT, author_email="reader@example.org")


# --- through the comment form ------------------------------------------------------------------


def test_a_repeat_post_through_the_form_is_refused_and_the_text_offered_back(
    reader, article, active_model
):
    url = article.get_absolute_url()
    first = post_comment(reader, url, comment=TEXT)

    again = post_comment(reader, url, comment=f"  {TEXT.upper()} ")

    html = again.content.decode()
    assert first.status_code == 302
    assert again.status_code == 409
    assert "<h1>You have already said that</h1>" in html
    assert (
        "Duplicate comment: it looks as though you have already said that. Your comment was not "
        "posted again; if you meant to add something, change it and post it again." in html
    )
    assert f"  {TEXT.upper()} </textarea>" in html
    assert Comment.objects.count() == 1


def test_the_refused_repeat_can_be_changed_and_posted(reader, article, active_model):
    url = article.get_absolute_url()
    post_comment(reader, url, comment=TEXT)
    refused = form_fields(reader, url, comment=TEXT)
    page = reader.post(POST_URL, refused).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]

    changed = reader.post(POST_URL, {**refused, "token": token, "comment": TEXT + " Soon."})

    assert changed.status_code == 302
    assert Comment.objects.count() == 2


def test_the_same_text_from_another_reader_is_posted(reader, article, active_model):
    url = article.get_absolute_url()
    post_comment(reader, url, comment=TEXT)

    other = post_comment(reader, url, comment=TEXT, email="anna@example.org", name="Anna")

    assert other.status_code == 302
    assert Comment.objects.count() == 2


def test_the_same_text_a_day_and_more_later_is_posted(reader, article, active_model):
    url = article.get_absolute_url()
    post_comment(reader, url, comment=TEXT)

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        later = post_comment(reader, url, comment=TEXT)

    assert later.status_code == 302
    assert Comment.objects.count() == 2


def test_the_duplicate_page_is_in_the_readers_language(german_catalog, article, active_model):
    reader = Client(headers={"Accept-Language": "de"})
    url = article.get_absolute_url()
    post_comment(reader, url, comment=TEXT)

    html = post_comment(reader, url, comment=TEXT).content.decode()

    assert "<h1>Das haben Sie schon gesagt</h1>" in html
    assert "Doppelter Kommentar" in html
