"""Repeats and replies through the two APIs: a repeat is answered as the first check was and
not stored again (duplicates.py); Akismet's comment_parent and the JSON API's parent."""

from __future__ import annotations

import pytest

from moderation.api.keys import create_key
from moderation.decisions import mark_spam
from moderation.models import ApiUsage, Comment, Status
from tests.moderation.api.test_akismet import check as akismet_check
from tests.moderation.api.test_json_api import HAM_TEXT, SPAM_TEXT, check, client_for, url

REPEATED_HEADERS = ("X-akismet-guid", "X-akismet-pro-tip", "X-akismet-recheck-after")


@pytest.fixture
def site(db):
    return create_key("Riverside Gazette", ["news.example"])


@pytest.fixture
def api(site):
    return client_for(site[1])


def headers_of(response):
    return {name: response.get(name) for name in REPEATED_HEADERS}


# --- Akismet: a repeat -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [HAM_TEXT, SPAM_TEXT], ids=["ham", "spam"])
def test_an_akismet_repeat_gets_the_first_answer_and_is_not_stored_again(
    client, site, active_model, text
):
    api_key, raw = site
    first = akismet_check(client, raw, comment_content=text, comment_author="Sam")

    again = akismet_check(client, raw, comment_content=f" {text.upper()}", comment_author="Sam")

    assert (again.status_code, again.content) == (200, first.content)
    assert headers_of(again) == headers_of(first)
    assert Comment.objects.count() == 1
    assert ApiUsage.objects.get(api_key=api_key).api_calls == 2


def test_an_akismet_repeat_of_an_unscored_check_is_told_to_ask_again_later(client, site, no_model):
    _, raw = site
    first = akismet_check(client, raw, comment_content=HAM_TEXT)

    again = akismet_check(client, raw, comment_content=HAM_TEXT)

    assert again.content == first.content == b"false"
    assert again["X-akismet-recheck-after"] == first["X-akismet-recheck-after"] == "1200"
    assert again["X-akismet-guid"] == first["X-akismet-guid"]
    assert Comment.objects.get().status == Status.PENDING


def test_the_same_text_from_another_author_or_key_is_checked_and_stored(client, site, active_model):
    _, raw = site
    _, other = create_key("Evening Post", ["news.example"])
    answers = [
        akismet_check(client, raw, comment_content=HAM_TEXT, user_ip="203.0.113.7"),
        akismet_check(client, raw, comment_content=HAM_TEXT, user_ip="203.0.113.8"),
        akismet_check(
            client,
            raw,
            comment_content=HAM_TEXT,
            user_ip="203.0.113.7",
            comment_author_email="sam@example.org",
        ),
        akismet_check(client, other, comment_content=HAM_TEXT, user_ip="203.0.113.7"),
    ]

    assert len({answer["X-akismet-guid"] for answer in answers}) == 4
    assert Comment.objects.count() == 4


def test_an_akismet_repeat_dated_by_the_client_is_compared_at_that_date(client, site, active_model):
    _, raw = site
    first = akismet_check(
        client, raw, comment_content=HAM_TEXT, comment_date_gmt="2024-03-02 14:29:13"
    )

    again = akismet_check(
        client, raw, comment_content=HAM_TEXT, comment_date_gmt="2024-03-02T15:00:00Z"
    )

    assert again["X-akismet-guid"] == first["X-akismet-guid"]
    assert Comment.objects.count() == 1


def test_an_akismet_thanks_to_two_of_the_clients_comments_is_stored_twice(
    client, site, active_model
):
    _, raw = site

    for parent in ("4711", "4712", "4712"):
        akismet_check(client, raw, comment_content="Thanks!", comment_parent=parent)

    assert sorted(Comment.objects.values_list("parent_ref", flat=True)) == ["4711", "4712"]


# --- Akismet: comment_parent -------------------------------------------------------------------


def test_akismet_comment_parent_naming_a_guid_of_the_key_makes_a_reply(client, site, active_model):
    _, raw = site
    guid = akismet_check(client, raw, comment_content=HAM_TEXT)["X-akismet-guid"]

    akismet_check(client, raw, comment_content="I agree with that.", comment_parent=guid)

    parent, reply = Comment.objects.order_by("pk")
    assert (reply.parent, reply.depth, reply.parent_ref) == (parent, 2, "")


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("4711", ("4711", 2)), ("0", ("", 1)), ("", ("", 1))],
    ids=["the client's id", "WordPress's top level", "empty"],
)
def test_akismet_comment_parent_of_the_clients_own_is_kept_as_sent(
    client, site, active_model, sent, stored
):
    _, raw = site
    _, other = create_key("Evening Post", ["news.example"])
    elsewhere = akismet_check(client, other, comment_content=HAM_TEXT)["X-akismet-guid"]

    akismet_check(client, raw, comment_content="A reply.", comment_parent=sent)
    akismet_check(client, raw, comment_content="Another.", comment_parent=elsewhere)

    reply, to_another_key = (
        Comment.objects.filter(content="A reply."),
        Comment.objects.filter(content="Another."),
    )
    assert (reply.get().parent_ref, reply.get().depth) == stored
    assert reply.get().parent is None
    # Another key's comment is not this key's to answer: kept as the client's reference.
    assert (to_another_key.get().parent, to_another_key.get().parent_ref) == (None, elsewhere)


# --- the JSON API ------------------------------------------------------------------------------


def test_a_json_repeat_is_answered_with_the_first_comment_and_200(api, site, active_model):
    first = check(api, author_email="anna@example.org")

    again = check(api, author_email="ANNA@example.org", content=f"{HAM_TEXT}  ")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Comment.objects.count() == 1
    assert ApiUsage.objects.get(api_key=site[0]).api_calls == 2


def test_a_json_repeat_says_how_the_first_is_filed_now(api, active_model, admin_user):
    first = check(api, user_ip="198.51.100.7").json()
    mark_spam(Comment.objects.get(), admin_user)

    again = check(api, user_ip="198.51.100.7").json()

    assert (again["id"], again["status"], again["verdict"]) == (first["id"], "spam", "ham")


def test_the_json_api_stores_a_reply_to_one_of_the_keys_comments(api, active_model):
    parent = check(api, author_email="anna@example.org").json()

    response = check(api, content="Thanks, Anna.", parent=parent["id"])

    reply = Comment.objects.get(content="Thanks, Anna.")
    assert response.status_code == 201
    assert (reply.parent_id, reply.depth) == (parent["id"], 2)
    assert api.get(url("comment-detail", reply.pk)).json()["parent"] == parent["id"]


def test_the_json_api_answers_404_for_a_parent_that_is_not_the_keys(api, active_model):
    other_api = client_for(create_key("Evening Post")[1])
    elsewhere = check(other_api).json()["id"]

    responses = [check(api, content="A reply.", parent=pk) for pk in (elsewhere, 999999)]

    assert [r.status_code for r in responses] == [404, 404]
    assert responses[0].json() == {"detail": f"This key's site has no comment {elsewhere}."}
    assert not Comment.objects.filter(content="A reply.").exists()


def test_the_json_api_refuses_a_reply_below_the_last_level(api, active_model, settings):
    settings.MODERATION = {**settings.MODERATION, "REPLY_DEPTH": 2}
    top = check(api, content="Top.").json()["id"]
    second = check(api, content="Second.", parent=top).json()["id"]

    response = check(api, content="Third.", parent=second)

    assert response.status_code == 400
    assert response.json() == {
        "parent": [
            "Replies go only 2 levels deep, and that comment is already at the last level. "
            "Reply to the comment it answers, or post a comment of your own."
        ]
    }
    assert Comment.objects.count() == 2


def test_a_json_parent_must_be_a_whole_number(api, active_model):
    response = check(api, parent="twelve")

    assert response.status_code == 400
    assert list(response.json()) == ["parent"]
    assert not Comment.objects.exists()
