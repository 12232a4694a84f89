"""The Akismet-compatible API on the wire: exact bodies and headers, what is stored and counted."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection
from django.test import Client

from moderation.api.akismet.fields import clean_url, parse_gmt
from moderation.api.akismet.views import THANKS
from moderation.api.keys import create_key, record_usage, revoke
from moderation.classifier.registry import activate_model, register_model
from moderation.decisions import approve
from moderation.labels import label_decisions
from moderation.models import Action, ApiKey, ApiUsage, Comment, Decision, Source, Status
from moderation.verdicts import Verdict
from tests.faults import database_down_from

SPAM_TEXT = "Buy cheap viagra online at http://cheap-pills.example.com best prices no prescription"
HAM_TEXT = "I think the council should publish the full budget before the vote, not after."
BLOG = "https://news.example/"
FORM = "application/x-www-form-urlencoded"
DEBUG = "X-akismet-debug-help"


@pytest.fixture
def site(db):
    """A key for news.example, and the key itself."""
    return create_key("Riverside Gazette", ["news.example"])


def call(client, path, body=None, *, content_type=FORM, **extra):
    """POST Akismet parameters the way clients do: urlencoded."""
    data = body if isinstance(body, bytes) else urlencode(body or {})
    return client.post(f"/akismet/{path}", data, content_type=content_type, **extra)


def check(client, raw, **params):
    """comment-check with a key, blog and IP; a None drops a field, HTTP_* are headers."""
    return akismet_post(client, "1.1/comment-check", raw, params)


def submit(client, raw, kind, **params):
    return akismet_post(client, f"1.1/submit-{kind}", raw, params)


def akismet_post(client, path, raw, params):
    fields = {"api_key": raw, "blog": BLOG, "user_ip": "203.0.113.7", **params}
    body = {k: v for k, v in fields.items() if v is not None and not k.startswith("HTTP_")}
    headers = {k: v for k, v in fields.items() if k.startswith("HTTP_")}
    return call(client, path, body, **headers)


def usage(api_key):
    return ApiUsage.objects.get(api_key=api_key)


# verify-key


@pytest.mark.parametrize("field", ["key", "api_key"])
def test_verify_key_answers_valid_for_a_known_key_and_allowed_blog(client, site, field):
    _, raw = site

    response = call(client, "1.1/verify-key", {field: raw, "blog": BLOG})

    assert response.status_code == 200
    assert response.content == b"valid"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert DEBUG not in response


@pytest.mark.parametrize(
    ("key", "blog", "help_text"),
    [
        ("wrongkey1234", BLOG, "Invalid key"),
        ("short", BLOG, "Invalid key"),
        (None, BLOG, "Invalid key"),
        ("RAW", "https://elsewhere.example/", "This key is not allowed for this blog URL"),
        ("RAW", None, "This key is not allowed for this blog URL"),
    ],
)
def test_verify_key_answers_invalid_with_the_reason(client, site, key, blog, help_text):
    _, raw = site
    params = {"key": raw if key == "RAW" else key, "blog": blog}

    response = call(client, "1.1/verify-key", {k: v for k, v in params.items() if v is not None})

    assert response.status_code == 200
    assert response.content == b"invalid"
    assert response[DEBUG] == help_text


def test_a_revoked_key_is_invalid(client, site):
    api_key, raw = site
    revoke(api_key)

    response = call(client, "1.1/verify-key", {"key": raw, "blog": BLOG})

    assert response.content == b"invalid"


def test_a_key_for_any_host_is_valid_for_any_blog(client, db):
    _, raw = create_key("Anywhere")

    response = call(client, "1.1/verify-key", {"key": raw, "blog": "http://blog.example/"})

    assert response.content == b"valid"


# comment-check


def test_comment_check_answers_true_for_spam_and_stores_it_on_the_key(client, site, active_model):
    api_key, raw = site

    response = check(client, raw, comment_content=SPAM_TEXT, comment_author="pills")

    comment = Comment.objects.get()
    assert response.status_code == 200
    assert response.content == b"true"
    assert response["X-akismet-guid"] == str(comment.guid)
    assert DEBUG not in response
    assert "X-akismet-recheck-after" not in response
    assert comment.content_object == api_key
    assert (comment.status, comment.verdict) == (Status.SPAM, Verdict.SPAM)
    assert comment.history.get().source == Source.CLASSIFIER


@pytest.mark.django_db(transaction=True)
def test_a_comment_check_writes_the_comment_its_verdict_and_the_usage_in_one_transaction(
    client, active_model
):
    api_key, raw = create_key("Riverside Gazette", ["news.example"])
    check(client, raw, comment_content=HAM_TEXT)  # the month's usage row and last_used_at
    writes = []

    def record(execute, sql, params, many, context):
        if match := re.match(r'(INSERT INTO|UPDATE|DELETE FROM) "(\w+)"', sql):
            transaction = connection.atomic_blocks[0] if connection.atomic_blocks else None
            writes.append((match[1], match[2], id(transaction) if transaction else None))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = check(client, raw, comment_content=SPAM_TEXT)

    assert response.content == b"true"
    assert [(verb, table) for verb, table, _ in writes] == [
        ("INSERT INTO", "moderation_comment"),
        ("INSERT INTO", "moderation_decision"),
        ("UPDATE", "moderation_apiusage"),
    ]
    assert writes[0][2] is not None
    assert len({transaction for _, _, transaction in writes}) == 1
    assert (usage(api_key).api_calls, usage(api_key).spam) == (2, 1)


def test_a_comment_check_while_the_database_is_down_is_a_503_to_retry_and_stores_nothing(
    client, site, active_model
):
    api_key, raw = site

    with database_down_from('INSERT INTO "moderation_comment"'):
        response = check(client, raw, comment_content=HAM_TEXT)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.content.startswith(b"The database did not answer; nothing was stored.")
    assert response[DEBUG].startswith("The database did not answer")
    assert not Comment.objects.exists()
    assert not ApiUsage.objects.exists()


def test_comment_check_answers_false_for_ham_with_no_extra_headers(client, site, active_model):
    _, raw = site

    response = check(client, raw, comment_content=HAM_TEXT, comment_author="Anna K.")

    comment = Comment.objects.get()
    assert response.content == b"false"
    assert response["X-akismet-guid"] == str(comment.guid)
    for header in (DEBUG, "X-akismet-pro-tip", "X-akismet-recheck-after", "X-akismet-alert-code"):
        assert header not in response
    assert comment.status == Status.APPROVED


@pytest.mark.parametrize(("threshold", "tip"), [(0.5, "discard"), (1.0, None)])
def test_spam_scoring_at_or_above_the_discard_threshold_gets_the_pro_tip(
    client, site, active_model, settings, threshold, tip
):
    settings.MODERATION = {**settings.MODERATION, "DISCARD_THRESHOLD": threshold}
    _, raw = site

    response = check(client, raw, comment_content=SPAM_TEXT)

    assert response.content == b"true"
    assert response.get("X-akismet-pro-tip") == tip


def test_comment_check_stores_what_the_client_sent(client, site, active_model):
    _, raw = site

    check(
        client,
        raw,
        comment_content=HAM_TEXT,
        comment_author="Anna K.",
        comment_author_email="anna@example.org",
        comment_author_url="https://anna.example/",
        user_agent="Mozilla/5.0",
        referrer="https://news.example/story",
        permalink="https://news.example/story-1",
        blog_lang="en_gb, fr",
        comment_type="trackback",
        comment_date_gmt="2026-03-02 14:29:13",
        is_test="1",
    )

    comment = Comment.objects.get()
    assert comment.comment_type == "trackback"
    assert comment.author_name == "Anna K."
    assert comment.author_email == "anna@example.org"
    assert comment.author_url == "https://anna.example/"
    assert comment.ip_address == "203.0.113.7"
    assert comment.user_agent == "Mozilla/5.0"
    assert comment.referrer == "https://news.example/story"
    assert comment.permalink == "https://news.example/story-1"
    assert comment.language == "en_gb"
    assert comment.is_test is True
    assert comment.submitted_at == datetime(2026, 3, 2, 14, 29, 13, tzinfo=UTC)


def test_a_sloppy_client_gets_an_answer_and_its_fields_are_cleaned(client, site, active_model):
    _, raw = site

    response = check(
        client,
        raw,
        comment_content=HAM_TEXT,
        comment_author="A" * 150,
        comment_author_email="not an email",
        comment_author_url="anna.example/blog",
        user_ip="198.51.100.4, 10.0.0.1",
        blog_lang="a-very-long-language-tag",
    )

    comment = Comment.objects.get()
    assert response.content == b"false"
    assert comment.author_name == "A" * 100
    assert comment.author_email == ""
    assert comment.author_url == "http://anna.example/blog"
    assert comment.ip_address == "198.51.100.4"
    assert comment.language == "a-very-long-lang"


def test_no_author_and_an_ip_that_is_not_one_are_stored_as_anonymous_and_empty(
    client, site, active_model
):
    _, raw = site

    response = check(client, raw, comment_content=HAM_TEXT, user_ip="unknown")

    comment = Comment.objects.get()
    assert response.content == b"false"
    assert (comment.author_name, comment.ip_address) == ("Anonymous", None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("anna.example", "http://anna.example"),
        ("//anna.example/x", "http://anna.example/x"),
        ("https://anna.example/", "https://anna.example/"),
        ("javascript:alert(1)", ""),
        ("http://", ""),
        ("http://anna.example/" + "x" * 500, ""),
        ("", ""),
    ],
)
def test_author_urls_get_a_scheme_or_are_dropped(value, expected):
    assert clean_url(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-03-02 14:29:13", datetime(2016, 3, 2, 14, 29, 13, tzinfo=UTC)),
        ("2016-03-02T07:01:39.573Z", datetime(2016, 3, 2, 7, 1, 39, 573000, tzinfo=UTC)),
        ("2016-03-02T09:01:39+02:00", datetime(2016, 3, 2, 7, 1, 39, tzinfo=UTC)),
        ("yesterday", datetime(2026, 5, 1, 12, 0, tzinfo=UTC)),
        ("2016-13-45 10:00:00", datetime(2026, 5, 1, 12, 0, tzinfo=UTC)),
        ("2030-01-01 00:00:00", datetime(2026, 5, 1, 12, 0, tzinfo=UTC)),
    ],
)
def test_comment_dates_are_parsed_in_both_forms_else_now(value, expected):
    with time_machine.travel(datetime(2026, 5, 1, 12, 0, tzinfo=UTC), tick=False):
        assert parse_gmt(value) == expected


@pytest.mark.parametrize(
    ("value", "is_test"),
    [("1", True), ("true", True), ("True", True), ("0", False), ("false", False), ("False", False)],
)
def test_is_test_is_read_in_every_spelling(client, site, active_model, value, is_test):
    _, raw = site

    check(client, raw, comment_content=HAM_TEXT, is_test=value)

    assert Comment.objects.get().is_test is is_test


def test_missing_user_ip_is_a_200_with_akismets_sentence_and_nothing_is_stored(
    client, site, active_model
):
    _, raw = site

    response = check(client, raw, comment_content=HAM_TEXT, user_ip=None)

    assert response.status_code == 200
    assert response.content == b"Missing required field: user_ip."
    assert response[DEBUG] == 'Empty "user_ip" value'
    assert not Comment.objects.exists()


@pytest.mark.parametrize("field", ["blog", "comment_content"])
def test_a_missing_blog_or_content_is_answered_like_a_missing_ip(client, site, active_model, field):
    _, raw = site
    params = {"comment_content": HAM_TEXT, field: None}

    response = check(client, raw, **params)

    assert response.content == f"Missing required field: {field}.".encode()
    assert response[DEBUG] == f'Empty "{field}" value'
    assert not Comment.objects.exists()


def test_a_bad_key_is_a_200_invalid_and_nothing_is_stored(client, site, active_model):
    response = check(client, "wrongkey1234", comment_content=SPAM_TEXT)

    assert response.status_code == 200
    assert response.content == b"invalid"
    assert response[DEBUG] == "Invalid key"
    assert "X-akismet-guid" not in response
    assert not Comment.objects.exists()


def test_a_blog_outside_the_keys_hosts_is_invalid(client, site, active_model):
    _, raw = site

    response = check(client, raw, comment_content=HAM_TEXT, blog="https://other.example/")

    assert response.content == b"invalid"
    assert response[DEBUG] == "This key is not allowed for this blog URL"
    assert not Comment.objects.exists()


def test_the_key_may_be_the_leftmost_label_of_the_host(client, site, active_model):
    api_key, raw = site

    response = check(client, None, comment_content=HAM_TEXT, HTTP_HOST=f"{raw}.localhost:8000")

    assert response.content == b"false"
    assert Comment.objects.get().content_object == api_key


def test_a_host_label_that_is_not_a_key_is_an_invalid_key(client, site, active_model):
    response = check(client, None, comment_content=HAM_TEXT, HTTP_HOST="wrongkey1234.localhost")

    assert response.content == b"invalid"


def test_the_body_key_comes_before_the_host_label(client, site, active_model):
    _, raw = site

    response = check(client, "wrongkey1234", comment_content=HAM_TEXT, HTTP_HOST=f"{raw}.localhost")

    assert response.content == b"invalid"


def test_the_key_may_be_in_the_query_string(client, site, active_model):
    _, raw = site
    body = urlencode({"blog": BLOG, "user_ip": "203.0.113.7", "comment_content": HAM_TEXT})

    response = client.post(f"/akismet/1.1/comment-check?api_key={raw}", body, content_type=FORM)

    assert response.content == b"false"


def test_when_the_model_cannot_score_the_answer_is_false_and_recheck_later(client, site, no_model):
    _, raw = site

    response = check(client, raw, comment_content=SPAM_TEXT)

    comment = Comment.objects.get()
    assert response.content == b"false"
    assert response["X-akismet-recheck-after"] == "1200"
    assert response["X-akismet-guid"] == str(comment.guid)
    assert DEBUG not in response
    assert (comment.status, comment.verdict) == (Status.PENDING, "")


@pytest.mark.parametrize("reason", ["retry", "recheck_queue"])
def test_a_recheck_scores_the_stored_comment_again_instead_of_storing_it_twice(
    client, site, no_model, tiny_model_dir, reason
):
    api_key, raw = site
    first = check(client, raw, comment_content=SPAM_TEXT, comment_author="Anna K.")
    activate_model(register_model(tiny_model_dir))  # the model is back

    again = check(
        client, raw, comment_content=SPAM_TEXT, comment_author="Anna K.", recheck_reason=reason
    )

    comment = Comment.objects.get()
    assert first.content == b"false"
    assert again.content == b"true"
    assert again["X-akismet-guid"] == first["X-akismet-guid"] == str(comment.guid)
    assert "X-akismet-recheck-after" not in again
    # Answered as a new check would be: blatant spam, so the client may drop it.
    assert comment.spam_score >= 0.99 and again["X-akismet-pro-tip"] == "discard"
    assert (comment.status, comment.verdict) == (Status.SPAM, Verdict.SPAM)
    history = comment.history.order_by("pk")
    assert [(d.action, d.note.split(":")[0]) for d in history] == [
        (Action.UNCHECKED, "ModelFileMissing"),
        (Action.FLAGGED, "recheck"),
    ]
    assert (usage(api_key).api_calls, usage(api_key).spam, usage(api_key).ham) == (2, 1, 1)


def test_a_recheck_while_the_model_is_still_missing_asks_again_later(client, site, no_model):
    _, raw = site
    first = check(client, raw, comment_content=HAM_TEXT)

    again = check(client, raw, comment_content=HAM_TEXT, recheck_reason="retry")

    comment = Comment.objects.get()
    assert again.content == b"false"
    assert again["X-akismet-recheck-after"] == "1200"
    assert again["X-akismet-guid"] == first["X-akismet-guid"]
    assert (comment.status, comment.verdict, comment.history.count()) == (Status.PENDING, "", 1)


def test_a_recheck_while_the_database_is_down_is_a_503_logged_once_and_stays_pending(
    client, site, no_model, tiny_model_dir, caplog
):
    _, raw = site
    check(client, raw, comment_content=SPAM_TEXT)
    activate_model(register_model(tiny_model_dir))
    caplog.clear()  # the first check's "could not score"

    with (
        caplog.at_level(logging.ERROR, logger="moderation"),
        database_down_from('INSERT INTO "moderation_decision"'),
    ):
        again = check(client, raw, comment_content=SPAM_TEXT, recheck_reason="retry")

    assert again.status_code == 503
    assert again["Retry-After"] == "60"
    ours = [r.getMessage().split(":")[0] for r in caplog.records if r.name.startswith("moderation")]
    assert ours == ["An API request failed"]
    comment = Comment.objects.get()
    assert (comment.status, comment.history.count()) == (Status.PENDING, 1)


def test_a_recheck_of_a_comment_a_moderator_decided_answers_the_decision(
    client, site, active_model, django_user_model
):
    _, raw = site
    check(client, raw, comment_content=SPAM_TEXT)
    comment = Comment.objects.get()
    approve(
        comment, django_user_model.objects.create(username="mod")
    )  # the model said spam; the moderator knows better

    again = check(client, raw, comment_content=SPAM_TEXT, recheck_reason="recheck_queue")

    comment.refresh_from_db()
    assert again.content == b"false"
    assert again["X-akismet-guid"] == str(comment.guid)
    assert comment.status == Status.APPROVED
    assert [d.action for d in comment.history.order_by("pk")] == [Action.FLAGGED, Action.APPROVED]


def test_a_recheck_of_a_comment_never_checked_here_stores_and_scores_it(client, site, active_model):
    _, raw = site
    check(client, raw, comment_content=HAM_TEXT, user_ip="198.51.100.1")

    response = check(client, raw, comment_content=SPAM_TEXT, recheck_reason="recheck_queue")

    assert response.content == b"true"
    assert Comment.objects.count() == 2
    assert Comment.objects.get(content=SPAM_TEXT).verdict == Verdict.SPAM


@pytest.mark.parametrize(
    "params",
    [
        {"comment_author": "akismet-guaranteed-spam"},
        {"comment_author": "viagra-test-123"},
        {"comment_author_email": "akismet-guaranteed-spam@example.com"},
    ],
)
def test_guaranteed_spam_is_true_and_filed_as_test_spam_without_scoring(
    client, site, no_model, params
):
    _, raw = site

    response = check(client, raw, comment_content=HAM_TEXT, **params)

    comment = Comment.objects.get()
    assert response.content == b"true"
    assert response["X-akismet-guid"] == str(comment.guid)
    assert "X-akismet-recheck-after" not in response
    assert (comment.status, comment.verdict, comment.is_test) == (Status.SPAM, Verdict.SPAM, True)
    decision = comment.history.get()
    assert (decision.source, decision.action) == (Source.API, Action.BLOCKED_BY_RULE)
    assert decision.note == "Akismet test value: guaranteed spam"
    assert not decision.is_label


def test_an_administrators_comment_is_false_and_published_without_scoring(client, site, no_model):
    _, raw = site

    response = check(client, raw, comment_content=SPAM_TEXT, user_role="administrator")

    comment = Comment.objects.get()
    assert response.content == b"false"
    assert (comment.status, comment.verdict, comment.is_test) == (
        Status.APPROVED,
        Verdict.HAM,
        False,
    )
    decision = comment.history.get()
    assert (decision.action, decision.note) == (
        Action.ALLOWED_BY_RULE,
        "Akismet test value: user_role administrator",
    )


def test_unknown_keys_context_and_charset_are_accepted(client, site, active_model):
    _, raw = site

    response = check(
        client,
        raw,
        comment_content=HAM_TEXT,
        **{
            "comment_context[0]": "budget",
            "comment_context[1]": "council",
            "charset": "UTF-8",
            "honeypot_field_name": "hp",
            "hp": "",
            "POST_foo": "bar",
            "comment_post_modified_gmt": "2026-01-01T00:00:00Z",
            "recheck_reason": "edit",
        },
    )

    assert response.content == b"false"
    assert DEBUG not in response


def test_blog_charset_declares_the_encoding_of_the_body(client, site, active_model):
    _, raw = site
    body = f"api_key={raw}&blog={BLOG}&user_ip=203.0.113.7&blog_charset=ISO-8859-1"
    body += "&comment_content=Caf%E9+prices+doubled+since+spring&comment_author=Ren%E9e"

    response = call(client, "1.1/comment-check", body.encode())

    comment = Comment.objects.get()
    assert response.content == b"false"
    assert (comment.content, comment.author_name) == ("Café prices doubled since spring", "Renée")


def test_a_body_that_is_not_valid_in_its_charset_is_a_400_and_nothing_is_stored(
    client, site, active_model
):
    _, raw = site
    body = f"api_key={raw}&blog={BLOG}&user_ip=203.0.113.7&comment_content=Caf%E9".encode()

    response = call(client, "1.1/comment-check", body, content_type=f"{FORM}; charset=utf-8")

    assert response.status_code == 400
    assert response.content == b"The request body is not valid utf-8 text."
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert not Comment.objects.exists()
    assert not ApiUsage.objects.exists()


def test_an_oversized_body_is_a_413_before_anything_is_read(client, site, active_model, settings):
    settings.MODERATION = {**settings.MODERATION, "API_MAX_BODY_BYTES": 200}
    _, raw = site

    response = check(client, raw, comment_content="x" * 300)

    assert response.status_code == 413
    assert response.content.startswith(b"The request body is ")
    assert response.content.endswith(b" bytes; the limit is 200.")
    assert response[DEBUG] == response.content.decode()
    assert not Comment.objects.exists()


def test_nul_characters_are_dropped_so_any_database_stores_the_text(client, site, active_model):
    _, raw = site

    response = check(client, raw, comment_content="Good\x00 point", comment_author="An\x00na")

    comment = Comment.objects.get()
    assert response.content == b"false"
    assert (comment.content, comment.author_name) == ("Good point", "Anna")


def test_a_multipart_body_is_read_too(client, site, active_model):
    _, raw = site
    data = {"api_key": raw, "blog": BLOG, "user_ip": "203.0.113.7", "comment_content": HAM_TEXT}

    response = client.post("/akismet/1.1/comment-check", data)  # the test client's multipart

    assert response.content == b"false"


def test_comment_check_counts_usage_by_answer(client, site, active_model):
    api_key, raw = site

    check(client, raw, comment_content=SPAM_TEXT)
    check(client, raw, comment_content=HAM_TEXT)
    check(client, raw, comment_content=HAM_TEXT, comment_author="akismet-guaranteed-spam")
    check(client, raw, comment_content=HAM_TEXT, user_ip=None)  # refused: not counted

    counts = usage(api_key)
    assert (counts.api_calls, counts.spam, counts.ham) == (3, 2, 1)
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


# submit-spam and submit-ham


def test_submit_spam_by_guid_records_an_api_label_and_counts_missed_spam(
    client, site, active_model
):
    api_key, raw = site
    guid = check(client, raw, comment_content=HAM_TEXT)["X-akismet-guid"]

    response = submit(
        client,
        raw,
        "spam",
        guid=guid,
        comment_content="(the client may send anything here)",
        reporter="editor",
        comment_check_response="false",
    )

    comment = Comment.objects.get()
    assert response.status_code == 200
    assert response.content == THANKS.encode()
    assert DEBUG not in response
    assert comment.status == Status.SPAM
    decision = comment.history.last()
    assert (decision.source, decision.action, decision.moderator) == (
        Source.API,
        Action.MARKED_SPAM,
        None,
    )
    assert decision.note == (
        "Reported through the Akismet API; reporter: editor; comment_check_response: false"
    )
    assert list(label_decisions()) == [decision]
    counts = usage(api_key)
    assert (counts.api_calls, counts.ham, counts.missed_spam, counts.false_positives) == (
        2,
        1,
        1,
        0,
    )


def test_submit_ham_finds_the_latest_same_comment_and_counts_a_false_positive(
    client, site, active_model
):
    api_key, raw = site
    # Two addresses: one author's repeat from one address would be stored once (duplicates).
    for email in ("sam@example.org", "sam@example.net"):
        check(
            client, raw, comment_content=SPAM_TEXT, comment_author="Sam", comment_author_email=email
        )

    response = submit(client, raw, "ham", comment_content=SPAM_TEXT, comment_author="Sam")

    assert response.content == THANKS.encode()
    first, latest = Comment.objects.order_by("pk")
    assert (first.status, latest.status) == (Status.SPAM, Status.APPROVED)
    assert latest.history.last().action == Action.MARKED_NOT_SPAM
    assert usage(api_key).false_positives == 1


def test_submit_agreeing_with_the_answer_counts_no_mistake(client, site, active_model):
    api_key, raw = site
    guid = check(client, raw, comment_content=SPAM_TEXT)["X-akismet-guid"]

    submit(client, raw, "spam", guid=guid)

    counts = usage(api_key)
    assert (counts.missed_spam, counts.false_positives) == (0, 0)
    assert Decision.objects.filter(source=Source.API, action=Action.MARKED_SPAM).count() == 1


def test_submit_of_a_comment_never_checked_here_stores_it_unscored_with_the_label(
    client, site, active_model
):
    api_key, raw = site

    response = submit(
        client, raw, "spam", comment_content=SPAM_TEXT, comment_author="Sam", is_test="0"
    )

    comment = Comment.objects.get()
    assert response.content == THANKS.encode()
    assert comment.content_object == api_key
    assert (comment.status, comment.verdict, comment.spam_score) == (Status.SPAM, "", None)
    [decision] = comment.history.all()
    assert (decision.source, decision.action, decision.status_before) == (
        Source.API,
        Action.MARKED_SPAM,
        Status.PENDING,
    )
    assert list(label_decisions()) == [decision]
    assert usage(api_key).missed_spam == 0  # we never answered for it


def test_submit_never_touches_another_keys_comment(client, site, active_model):
    _, raw = site
    other_key, other_raw = create_key("Other Site")
    theirs = check(client, other_raw, comment_content=HAM_TEXT)["X-akismet-guid"]

    submit(client, raw, "spam", guid=theirs, comment_content=HAM_TEXT)

    assert Comment.objects.get(guid=theirs).status == Status.APPROVED
    assert Comment.objects.filter(status=Status.SPAM).get().content_object != other_key


def test_test_traffic_reported_as_spam_is_no_label(client, site, active_model):
    _, raw = site

    submit(client, raw, "spam", comment_content=SPAM_TEXT, is_test="true")

    assert Decision.objects.get().is_label
    assert not label_decisions().exists()


@pytest.mark.parametrize("guid", ["not-a-uuid", str(uuid.uuid4())])
def test_submit_with_an_unknown_guid_and_no_content_is_a_missing_field(client, site, guid):
    _, raw = site

    response = submit(client, raw, "ham", guid=guid)

    assert response.content == b"Missing required field: comment_content."
    assert not Comment.objects.exists()


@pytest.mark.parametrize("kind", ["spam", "ham"])
def test_submit_refuses_like_comment_check(client, site, kind):
    _, raw = site

    bad_key = submit(client, "wrongkey1234", kind, comment_content=HAM_TEXT)
    no_ip = submit(client, raw, kind, comment_content=HAM_TEXT, user_ip=None)

    assert (bad_key.content, bad_key[DEBUG]) == (b"invalid", "Invalid key")
    assert (no_ip.content, no_ip[DEBUG]) == (
        b"Missing required field: user_ip.",
        'Empty "user_ip" value',
    )
    assert not Comment.objects.exists()


# 1.2 usage-limit and key-sites


@time_machine.travel(datetime(2026, 4, 10, tzinfo=UTC))
def test_usage_limit_reports_this_months_calls_without_a_limit(client, site):
    api_key, raw = site
    record_usage(api_key, spam=1)
    record_usage(api_key, ham=1)

    response = client.get("/akismet/1.2/usage-limit", {"api_key": raw})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "limit": "none",
        "usage": 2,
        "percentage": "0.00",
        "throttled": False,
    }


def test_key_sites_lists_the_keys_site_for_a_month(client, site):
    api_key, raw = site
    with time_machine.travel(datetime(2026, 4, 10, tzinfo=UTC)):
        record_usage(api_key, spam=1)
        record_usage(api_key, missed_spam=1)

    response = client.get("/akismet/1.2/key-sites", {"api_key": raw, "month": "2026-04"})

    assert response.json() == {
        "2026-04": [
            {
                "site": "Riverside Gazette",
                "api_calls": "2",
                "spam": "1",
                "ham": "0",
                "missed_spam": "1",
                "false_positives": "0",
                "is_revoked": False,
            }
        ],
        "limit": 500,
        "offset": 0,
        "total": 1,
    }


def test_key_sites_without_activity_or_past_the_offset_lists_none(client, site):
    api_key, raw = site
    record_usage(api_key)

    quiet = client.get("/akismet/1.2/key-sites", {"api_key": raw, "month": "2001-01"}).json()
    paged = client.get("/akismet/1.2/key-sites", {"api_key": raw, "offset": "1", "limit": "10"})

    assert quiet == {"2001-01": [], "limit": 500, "offset": 0, "total": 0}
    assert paged.json()["limit"] == 10
    assert paged.json()["total"] == 1
    assert next(iter(paged.json().values())) == []


def test_key_sites_as_csv(client, site):
    api_key, raw = site
    with time_machine.travel(datetime(2026, 4, 10, tzinfo=UTC)):
        record_usage(api_key, ham=1)

    response = client.get(
        "/akismet/1.2/key-sites", {"api_key": raw, "month": "2026-04", "format": "csv"}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode() == (
        "Active sites for 2026-04 (limit:500, offset: 0, total: 1)\n"
        "Site,Total API Calls,Spam,Ham,Missed Spam,False Positives,Is Revoked\n"
        "Riverside Gazette,1,0,1,0,0,false\n"
    )


@pytest.mark.parametrize("path", ["1.2/usage-limit", "1.2/key-sites"])
def test_the_12_calls_answer_invalid_in_text_without_a_key(client, db, path):
    response = client.get(f"/akismet/{path}", {"format": "json"})

    assert response.content == b"invalid"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


# The WordPress plugin's own calls


@time_machine.travel(datetime(2026, 4, 10, tzinfo=UTC))
def test_get_stats_sums_the_keys_usage(client, site):
    api_key, raw = site
    record_usage(api_key, spam=3)
    record_usage(api_key, ham=1, false_positives=1)

    response = call(client, "1.1/get-stats", {"key": raw, "blog": BLOG, "from": "60-days"})

    stats = response.json()
    assert {k: stats[k] for k in ("spam", "ham", "missed_spam", "false_positives")} == {
        "spam": 3,
        "ham": 1,
        "missed_spam": 0,
        "false_positives": 1,
    }
    assert stats["accuracy"] == 75.0
    assert stats["breakdown"] == {
        "2026-04": {"spam": 3, "ham": 1, "missed_spam": 0, "false_positives": 1}
    }


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("1.1/get-subscription", b'{"status": "active", "account_name": "Riverside Gazette"}'),
        ("1.1/token", b""),
        ("1.1/deactivate", b""),
        ("1.1/verify-wpcom-key", b"invalid"),
    ],
)
def test_the_plugins_internal_calls_get_harmless_answers(client, site, path, body):
    _, raw = site

    response = call(client, path, {"key": raw, "blog": BLOG, "deactivated": "1"})

    assert response.status_code == 200
    assert response.content == body


def test_the_plugins_internal_calls_with_a_bad_key_are_invalid(client, db):
    response = call(client, "1.1/get-stats", {"key": "wrongkey1234", "blog": BLOG})

    assert response.content == b"invalid"


# HTTP around the protocol


def test_csrf_does_not_apply(site, active_model):
    _, raw = site
    strict = Client(enforce_csrf_checks=True)

    response = check(strict, raw, comment_content=HAM_TEXT)

    assert response.content == b"false"


def test_any_accept_header_gets_the_text_answer(client, site, active_model):
    _, raw = site

    response = check(client, raw, comment_content=HAM_TEXT, HTTP_ACCEPT="application/json")

    assert response.content == b"false"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_a_wrong_method_is_a_405_in_text(client, db):
    response = client.get("/akismet/1.1/comment-check")

    assert response.status_code == 405
    assert response.content == b'Method "GET" not allowed.'
    assert response[DEBUG] == 'Method "GET" not allowed.'


def test_a_json_body_is_a_415_in_text(client, site):
    _, raw = site

    response = client.post(
        "/akismet/1.1/comment-check", json.dumps({"api_key": raw}), content_type="application/json"
    )

    assert response.status_code == 415
    assert response.content == b'Unsupported media type "application/json" in request.'


def test_a_key_over_its_rate_gets_429_with_retry_after(client, site, active_model):
    api_key, raw = site
    ApiKey.objects.filter(pk=api_key.pk).update(rate_limit="2/min")

    # Different texts: a repeat would be answered without storing it (duplicates).
    answers = [check(client, raw, comment_content=f"{HAM_TEXT} ({n})") for n in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    throttled = answers[-1]
    # 2/min: two at once, then one every 30 seconds.
    assert throttled.content == b"Too many requests: try again in 30 seconds."
    assert throttled["Retry-After"] == "30"
    assert throttled[DEBUG] == "Too many requests"
    assert Comment.objects.count() == 2
    with time_machine.travel(time.time() + 31, tick=False):
        later = [
            check(client, raw, comment_content=f"{HAM_TEXT} {n}").status_code for n in range(2)
        ]
    assert later == [200, 429]
    assert Comment.objects.count() == 3
