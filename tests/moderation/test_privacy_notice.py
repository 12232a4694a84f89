"""The default privacy page (moderation:privacy): what it tells a reader, from the settings."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


def page_text(client):
    response = client.get(reverse("moderation:privacy"))
    assert response.status_code == 200
    # Sentences as a reader sees them, whatever the template's line breaks.
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_page_is_at_privacy_under_the_apps_urls():
    assert reverse("moderation:privacy") == "/comments/privacy/"


def test_it_says_what_a_comment_stores_and_that_nothing_leaves_the_site(client, db):
    text = page_text(client)

    assert "How your comment data is processed" in text
    assert "checked for spam by Hamlet, a spam filter that runs on this site's own server" in text
    assert "Nothing you send with a comment is passed to another company or service." in text
    assert "the name, email address and website you enter, and your comment;" in text
    assert (
        "your IP address, your browser's user agent (the name and version it reports) and the "
        "page you came from;" in text
    )
    assert "Your email address and IP address are never shown." in text


def test_it_says_how_long_by_the_retention_settings(client, settings):
    settings.MODERATION = {**settings.MODERATION, "PERSONAL_DATA_DAYS": 30, "RETENTION_DAYS": 7}

    text = page_text(client)

    assert (
        "Your IP address, email address, user agent and the page you came from are erased "
        "30 days after you comment." in text
    )
    assert (
        "A comment filed as spam or removed by a moderator is deleted 7 days after the last "
        "decision on it." in text
    )
    assert "The email address in that copy is erased as above." in text


def test_one_day_is_said_in_the_singular(client, settings):
    settings.MODERATION = {**settings.MODERATION, "PERSONAL_DATA_DAYS": 1, "RETENTION_DAYS": 1}

    text = page_text(client)

    assert "are erased 1 day after you comment." in text
    assert "is deleted 1 day after the last decision on it." in text


def test_it_says_so_when_nothing_is_deleted_on_a_schedule(client, settings):
    settings.MODERATION = {
        **settings.MODERATION,
        "PERSONAL_DATA_DAYS": None,
        "RETENTION_DAYS": None,
    }

    text = page_text(client)

    assert (
        "Your IP address, email address, user agent and the page you came from are kept as "
        "long as your comment." in text
    )
    assert (
        "A comment filed as spam or removed by a moderator is kept until someone deletes it."
        in text
    )
    assert "erased as above" not in text


def test_it_says_how_to_ask_for_a_copy_or_erasure(client, db):
    text = page_text(client)

    assert (
        "Write to the people who run this site and give the email address you commented with "
        "(or the IP address you commented from). They can send you a copy of everything stored "
        "about your comments, or erase it" in text
    )


def test_the_product_name_is_the_sites(client, settings):
    settings.MODERATION = {**settings.MODERATION, "PRODUCT_NAME": "Ledger Guard"}

    assert "checked for spam by Ledger Guard, a spam filter" in page_text(client)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_answers_get_and_head(client, db, method):
    response = getattr(client, method)(reverse("moderation:privacy"))

    assert response.status_code == 405
