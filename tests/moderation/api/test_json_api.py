from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from moderation.api.keys import create_key, revoke
from moderation.models import (
    Action,
    ApiUsage,
    Comment,
    Decision,
    Rule,
    RuleKind,
    Source,
    Status,
)
from moderation.submission import submit_comment
from tests.faults import database_down_from

SPAM_TEXT = "Buy cheap viagra online at http://cheap-pills.example.com best prices no prescription"
HAM_TEXT = "I think the council should publish the full budget before the vote, not after."


@pytest.fixture
def site_key(db):
    return create_key("Daily Ledger", ["news.example"])


@pytest.fixture
def other_key(db):
    return create_key("Evening Post")


def client_for(raw, keyword="Bearer"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
    return client


@pytest.fixture
def api(site_key):
    return client_for(site_key[1])


@pytest.fixture
def other_api(other_key):
    return client_for(other_key[1])


def url(name, *args):
    return reverse(f"moderation_api:{name}", args=args)


def check(client, **fields):
    return client.post(url("check"), {"content": HAM_TEXT, **fields}, format="json")


def stored_on(api_key, content=HAM_TEXT, **fields):
    return submit_comment(api_key, author_name="Reader", content=content, **fields).comment


# --- POST check/ ----------------------------------------------------------------------------


def test_check_stores_scores_and_publishes_ham_on_the_keys_site(active_model, api, site_key):
    response = check(
        api,
        author_name="Anna K.",
        author_email="anna@example.org",
        author_url="https://anna.example.org/",
        user_ip="198.51.100.7",
        user_agent="Mozilla/5.0",
        referrer="https://news.example/",
        permalink="https://news.example/budget",
        language="en",
        comment_type="reply",
    )

    assert response.status_code == 201
    body = response.json()
    comment = Comment.objects.for_object(site_key[0]).get()
    assert body["id"] == comment.pk
    assert body["guid"] == str(comment.guid)
    assert (body["status"], body["verdict"], body["discard"]) == ("approved", "ham", False)
    assert body["spam_score"] == comment.spam_score < 0.3
    assert body["model_version"] == body["reasons_model_version"] == "tiny-test-model"
    assert body["reasons"]
    assert all(set(r) == {"feature", "weight"} for r in body["reasons"])
    assert (comment.author_email, str(comment.ip_address), comment.language) == (
        "anna@example.org",
        "198.51.100.7",
        "en",
    )
    assert comment.comment_type == "reply"
    assert comment.is_test is False


def test_check_files_spam_and_explains_it_by_the_words_that_weighed_most(active_model, api):
    response = check(api, content=SPAM_TEXT, is_test=True)

    body = response.json()
    assert (body["status"], body["verdict"]) == ("spam", "spam")
    weights = [abs(r["weight"]) for r in body["reasons"]]
    assert weights == sorted(weights, reverse=True)
    assert any(r["weight"] > 0 and "“" in r["feature"] for r in body["reasons"])
    assert Comment.objects.get().is_test is True


def test_check_keeps_the_comment_pending_with_a_null_verdict_when_there_is_no_model(no_model, api):
    response = check(api)

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["verdict"], body["spam_score"]) == ("pending", None, None)
    assert (body["reasons"], body["reasons_model_version"]) == ([], None)
    assert Comment.objects.get().status == Status.PENDING


def test_check_while_the_database_is_down_is_a_503_to_retry_and_stores_nothing(active_model, api):
    with database_down_from('INSERT INTO "moderation_comment"'):
        response = check(api)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json()["detail"].startswith("The database did not answer; nothing was stored.")
    assert not Comment.objects.exists()
    assert not ApiUsage.objects.exists()


def test_check_gives_a_rule_as_the_reason_when_a_rule_decided(no_model, api):
    Rule.objects.create(kind=RuleKind.BLOCK_IP, value="203.0.113.9")

    body = check(api, user_ip="203.0.113.9").json()

    assert (body["status"], body["verdict"]) == ("spam", "spam")
    assert body["reasons"] == [
        {"feature": "By rule “Block IP address: 203.0.113.9”", "weight": None}
    ]
    assert body["reasons_model_version"] is None


def test_check_says_discard_when_blatant_spam_was_not_kept(active_model, api, settings):
    settings.MODERATION = {
        **settings.MODERATION,
        "DISCARD_BLATANT_SPAM": True,
        "DISCARD_THRESHOLD": 0.5,
    }

    body = check(api, content=SPAM_TEXT).json()

    assert (body["discard"], body["id"], body["verdict"]) == (True, None, "spam")
    assert not Comment.objects.exists()


def test_check_stores_anonymous_when_the_client_sends_no_name(active_model, api):
    check(api)

    assert Comment.objects.get().author_name == "Anonymous"


def test_check_counts_calls_and_verdicts_in_the_keys_usage(active_model, api, site_key):
    check(api, content=SPAM_TEXT)
    check(api)
    api.get(url("comment-list"))

    usage = ApiUsage.objects.get(api_key=site_key[0])
    assert (usage.api_calls, usage.spam, usage.ham) == (3, 1, 1)
    site_key[0].refresh_from_db()
    assert site_key[0].last_used_at is not None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"content": None}, "content", "This field may not be null."),
        ({"content": ""}, "content", "This field may not be blank."),
        ({"content": 42}, "content", "Not a valid string."),
        ({"content": "x" * 10_001}, "content", "Ensure this field has no more than 10000"),
        ({"author_email": "not an address"}, "author_email", "Enter a valid email address."),
        ({"author_url": "javascript:alert(1)"}, "author_url", "Enter a valid URL."),
        ({"user_ip": "300.1.1.1"}, "user_ip", "Enter a valid IPv4 or IPv6 address."),
        ({"user_ip": "fe80::1%eth0"}, "user_ip", "Enter a valid IPv4 or IPv6 address."),
        ({"content": "   \n"}, "content", "Send some text (not only spaces)"),
        ({"content": "a\x00b"}, "content", "without null characters"),
        ({"author_name": "Anna\x00"}, "author_name", "Null characters are not allowed."),
        ({"author_url": "ftp://files.example.org/"}, "author_url", "Enter a valid URL."),
        ({"author_email": "anna@localhost"}, "author_email", "Enter a valid email address."),
        ({"author_name": "n" * 101}, "author_name", "Ensure this field has no more than 100"),
        ({"is_test": "yes"}, "is_test", "Must be a valid boolean."),
        ({"language": ["en"]}, "language", "Not a valid string."),
    ],
)
def test_check_refuses_an_invalid_field_with_its_message_and_stores_nothing(
    active_model, api, fields, field, message
):
    response = check(api, **fields)

    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert not Comment.objects.exists()


def test_check_requires_content(active_model, api):
    response = api.post(url("check"), {"author_name": "Anna"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"content": ["This field is required."]}


def test_check_refuses_a_body_that_is_not_an_object(active_model, api):
    response = api.post(url("check"), [HAM_TEXT], format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


def test_check_refuses_malformed_json(active_model, api):
    response = api.post(url("check"), '{"content": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert not Comment.objects.exists()


def test_check_refuses_json_nested_too_deeply_for_the_parser(active_model, api):
    response = api.post(url("check"), "[" * 30_000 + "]" * 30_000, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - the body is nested too deeply."}


def test_check_refuses_a_form_encoded_body(active_model, api):
    response = api.post(
        url("check"), "content=Hello", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert response.json() == {
        "detail": 'Unsupported media type "application/x-www-form-urlencoded" in request.'
    }


def test_check_refuses_a_body_without_a_content_type(active_model, api):
    response = api.generic("POST", url("check"), json.dumps({"content": HAM_TEXT}), content_type="")

    assert response.status_code == 415
    assert response.json() == {"detail": "Send the body as JSON: Content-Type: application/json."}
    assert not Comment.objects.exists()


def test_check_refuses_an_oversized_body_before_reading_it(active_model, api, settings):
    settings.MODERATION = {**settings.MODERATION, "API_MAX_BODY_BYTES": 100}

    response = check(api, content="x" * 200)

    assert response.status_code == 413
    assert response.json()["detail"].endswith("bytes; the limit is 100.")
    assert not Comment.objects.exists()


# --- keys ---------------------------------------------------------------------------------


def test_the_token_keyword_works_as_well_as_bearer(active_model, site_key):
    response = check(client_for(site_key[1], keyword="Token"))

    assert response.status_code == 201


def test_a_request_without_a_key_gets_401_with_a_challenge(db):
    response = APIClient().get(url("key"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {
        "detail": "Send the site's API key in the header 'Authorization: Bearer <key>'."
    }


@pytest.mark.parametrize("raw", ["abcdefghijkl", "short", "two words"])
def test_an_unknown_key_gets_401(site_key, raw):
    response = client_for(raw).post(url("check"), {"content": HAM_TEXT}, format="json")

    assert response.status_code == 401
    assert response.json()["detail"] in {
        "Unknown or revoked API key.",
        "The Authorization header must be 'Bearer <key>', with no spaces in the key.",
    }
    assert not Comment.objects.exists()
    assert not ApiUsage.objects.exists()


def test_a_revoked_key_gets_401(site_key, api):
    revoke(site_key[0])

    response = api.get(url("key"))

    assert response.status_code == 401
    assert response.json() == {"detail": "Unknown or revoked API key."}


def test_a_key_over_its_rate_gets_429_with_retry_after(site_key, api, other_api):
    site_key[0].rate_limit = "2/min"
    site_key[0].save()

    statuses = [api.get(url("key")).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    throttled = api.get(url("key"))
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert throttled.json()["detail"].startswith("Request was throttled.")
    assert other_api.get(url("key")).status_code == 200


@pytest.mark.parametrize(
    "client", [client_for("abcdefghijkl"), APIClient()], ids=["wrong key", "no key"]
)
def test_requests_without_a_valid_key_are_throttled_per_ip(site_key, settings, client):
    settings.MODERATION = {**settings.MODERATION, "API_RATE_PER_IP": "2/min"}

    statuses = [client.get(url("key")).status_code for _ in range(3)]

    assert statuses == [401, 401, 429]
    assert client_for(site_key[1]).get(url("key")).status_code == 200  # a key counts apart


def test_an_unknown_query_parameter_gets_400(api):
    response = api.get(url("key"), {"verbose": "1"})

    assert response.status_code == 400
    assert response.json() == {"verbose": ["Unknown query parameter."]}


def test_an_unsupported_method_gets_405(api):
    response = api.delete(url("check"))

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "DELETE" not allowed.'}


# --- GET comments/ ------------------------------------------------------------------------


def test_comments_lists_only_this_sites_comments_oldest_first(no_model, api, site_key, other_key):
    first = stored_on(site_key[0], "First")
    stored_on(other_key[0], "Someone else's")
    second = stored_on(site_key[0], "Second")

    body = api.get(url("comment-list")).json()

    assert body["count"] == 2
    assert [c["id"] for c in body["results"]] == [first.pk, second.pk]
    assert body["results"][0]["content"] == "First"
    assert (body["next"], body["previous"]) == (None, None)


def test_comments_filter_by_status(no_model, api, site_key):
    Rule.objects.create(kind=RuleKind.BLOCK_IP, value="203.0.113.9")
    stored_on(site_key[0])
    spam = stored_on(site_key[0], ip_address="203.0.113.9")

    body = api.get(url("comment-list"), {"status": "spam"}).json()

    assert [c["id"] for c in body["results"]] == [spam.pk]
    assert body["results"][0]["status"] == "spam"


def test_comments_are_paginated_by_limit_and_offset(no_model, api, site_key):
    ids = [stored_on(site_key[0], f"Comment {n}").pk for n in range(5)]

    body = api.get(url("comment-list"), {"limit": 2, "offset": 2}).json()

    assert body["count"] == 5
    assert [c["id"] for c in body["results"]] == ids[2:4]
    assert "limit=2" in body["next"] and "offset=4" in body["next"]
    assert "limit=2" in body["previous"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"status": "deleted"}, "status", '"deleted" is not a valid choice.'),
        ({"limit": "0"}, "limit", "Ensure this value is greater than or equal to 1."),
        ({"limit": "201"}, "limit", "Ensure this value is less than or equal to 200."),
        ({"limit": "ten"}, "limit", "A valid integer is required."),
        ({"offset": "-1"}, "offset", "Ensure this value is greater than or equal to 0."),
        ({"offset": "1.5"}, "offset", "A valid integer is required."),
    ],
)
def test_comments_refuse_invalid_query_parameters(db, api, query, field, message):
    response = api.get(url("comment-list"), query)

    assert response.status_code == 400
    assert response.json() == {field: [message]}


# --- GET comments/{id}/ -------------------------------------------------------------------


def test_a_comment_comes_with_its_history(active_model, api, site_key):
    comment_id = check(api, content=SPAM_TEXT).json()["id"]

    body = api.get(url("comment-detail", comment_id)).json()

    assert (body["id"], body["status"], body["verdict"]) == (comment_id, "spam", "spam")
    [entry] = body["history"]
    assert (entry["source"], entry["action"], entry["status_after"]) == (
        "classifier",
        "flagged",
        "spam",
    )
    assert entry["model_version"] == "tiny-test-model"
    assert entry["spam_score"] == body["spam_score"]
    assert body["reasons"]


def test_a_comment_scored_by_an_earlier_model_says_which_model_gave_its_reasons(active_model, api):
    comment_id = check(api, content=SPAM_TEXT).json()["id"]
    Comment.objects.filter(pk=comment_id).update(model_version="2026-01-05-retired")

    body = api.get(url("comment-detail", comment_id)).json()

    assert body["reasons"]
    assert body["model_version"] == "2026-01-05-retired"
    assert body["reasons_model_version"] == "tiny-test-model"


@pytest.mark.parametrize("comment_id", ["999999", "abc", "99999999999999999999999", "-1"])
def test_an_unknown_comment_id_gets_404(db, api, comment_id):
    response = api.get(url("comment-detail", comment_id))

    assert response.status_code == 404
    assert response.json() == {"detail": f"This key's site has no comment {comment_id!r}."}


def test_another_sites_comment_is_not_found(no_model, api, other_key):
    theirs = stored_on(other_key[0])

    read = api.get(url("comment-detail", theirs.pk))
    decided = api.post(url("comment-decision", theirs.pk), {"decision": "spam"}, format="json")

    assert (read.status_code, decided.status_code) == (404, 404)
    assert Comment.objects.get().status == Status.PENDING
    assert not Decision.objects.filter(source=Source.API).exists()


# --- POST comments/{id}/decision/ ---------------------------------------------------------


def test_a_decision_is_recorded_as_the_sites_label(active_model, api, site_key):
    comment_id = check(api).json()["id"]

    response = api.post(
        url("comment-decision", comment_id),
        {"decision": "spam", "note": "Link farm"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "spam"
    assert body["verdict"] == "ham"  # what the classifier said stays
    assert [h["action"] for h in body["history"]] == ["published", "marked_spam"]
    decision = Decision.objects.get(source=Source.API)
    assert (decision.action, decision.moderator, decision.note) == (
        Action.MARKED_SPAM,
        None,
        "Link farm",
    )
    assert decision.is_label
    assert ApiUsage.objects.get(api_key=site_key[0]).missed_spam == 1


@pytest.mark.parametrize(
    ("decision", "status", "action"),
    [
        ("approve", "approved", Action.APPROVED),
        ("not_spam", "approved", Action.MARKED_NOT_SPAM),
        ("remove", "removed", Action.REMOVED),
    ],
)
def test_each_decision_files_the_comment(active_model, api, site_key, decision, status, action):
    comment_id = check(api, content=SPAM_TEXT).json()["id"]

    body = api.post(
        url("comment-decision", comment_id), {"decision": decision}, format="json"
    ).json()

    assert body["status"] == status
    assert Decision.objects.get(source=Source.API).action == action
    usage = ApiUsage.objects.get(api_key=site_key[0])
    assert usage.false_positives == (0 if decision == "remove" else 1)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({}, {"decision": ["This field is required."]}),
        ({"decision": "delete"}, {"decision": ['"delete" is not a valid choice.']}),
        ({"decision": "spam", "note": 5}, {"note": ["Not a valid string."]}),
    ],
)
def test_an_invalid_decision_gets_400_and_changes_nothing(
    no_model, api, site_key, payload, expected
):
    comment = stored_on(site_key[0])

    response = api.post(url("comment-decision", comment.pk), payload, format="json")

    assert response.status_code == 400
    assert response.json() == expected
    assert Comment.objects.get().status == Status.PENDING
    assert not Decision.objects.filter(source=Source.API).exists()


# --- GET model/ and key/ ------------------------------------------------------------------


def test_model_describes_the_active_version_and_thresholds_in_force(active_model, api, settings):
    settings.MODERATION = {**settings.MODERATION, "SPAM_THRESHOLD": 0.9}

    body = api.get(url("model")).json()

    assert body["version"] == "tiny-test-model"
    assert body["thresholds"] == {"ham": 0.3, "spam": 0.9}  # the card has none: fallback ham
    assert body["activated_at"] is not None
    assert body["created_at"] is not None
    assert body["metrics"] is None


def test_model_describes_the_shipped_default_when_no_version_is_active(db, api):
    body = api.get(url("model")).json()

    assert body["version"].startswith("default_model-")
    assert body["activated_at"] is None
    assert body["created_at"].startswith("2026-")
    assert 0.9 < body["metrics"]["precision"] <= 1
    assert set(body["thresholds"]) == {"ham", "spam"}


def test_key_describes_the_key_and_its_usage_this_month(active_model, api, site_key):
    check(api, content=SPAM_TEXT)

    body = api.get(url("key")).json()

    assert body["site"] == "Daily Ledger"
    assert body["prefix"] == site_key[1][:4]
    assert site_key[1] not in json.dumps(body)
    assert body["allowed_hosts"] == ["news.example"]
    assert body["rate_limit"] == "600/min"
    assert body["last_used_at"] is not None
    usage = body["usage"]
    assert (usage["api_calls"], usage["spam"], usage["ham"]) == (1, 1, 0)
    assert len(usage["month"]) == 7


def test_key_shows_its_own_rate_limit(site_key, api):
    site_key[0].rate_limit = "30/min"
    site_key[0].save()

    body = api.get(url("key")).json()

    assert body["rate_limit"] == "30/min"
    assert body["usage"]["api_calls"] == 0
