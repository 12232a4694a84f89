"""Bad input on both APIs: broken bytes, huge or deep bodies, NUL, wrong or no content type,
floods of fields. The JSON API answers a 4xx with a sentence, the Akismet API the answer an
Akismet client understands; neither answers 500, and a refused request stores nothing. And the
Akismet API tells a key nothing about another key's site.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client

from moderation.api.keys import create_key, record_usage
from moderation.models import ApiUsage, Comment, Decision, Status
from moderation.submission import submit_comment
from tests.moderation.api.wire import AKISMET_ENDPOINTS

HAM_TEXT = "I think the council should publish the full budget before the vote, not after."
BLOG = "https://news.example/"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
DEBUG = "X-akismet-debug-help"
CHECK = "/api/v1/check/"
MB = 2**20
# The JSON API's body-taking endpoints; {id} is a comment of the key's site.
JSON_ENDPOINTS = [CHECK, "/api/v1/comments/{id}/decision/"]


@pytest.fixture
def site(db):
    return create_key("Riverside Gazette", ["news.example"])


@pytest.fixture
def other_site(db):
    return create_key("Evening Post", ["evening.example"])


@pytest.fixture
def own_comment(site, no_model):
    """A comment on the key's site, so the decision endpoint has one to refuse changes to."""
    return submit_comment(site[0], author_name="Olga", content=HAM_TEXT).comment


@pytest.fixture
def api(site):
    """POST raw bytes to the JSON API with the site's key."""
    client = Client()

    def post(path, body, content_type=JSON, **extra):
        return client.generic(
            "POST",
            path,
            body,
            content_type=content_type,
            HTTP_AUTHORIZATION=f"Bearer {site[1]}",
            **extra,
        )

    return post


def json_path(template, own_comment):
    return template.format(id=own_comment.pk)


def assert_json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body and all(isinstance(key, str) for key in body)


def nothing_changed(own_comment):
    """Only the fixture's own comment and its one history row exist, as they were."""
    assert list(Comment.objects.values_list("pk", "status")) == [(own_comment.pk, Status.PENDING)]
    assert Decision.objects.get().comment_id == own_comment.pk


# The JSON API ------------------------------------------------------------------------------


REFUSED_BODIES = [
    pytest.param(b'{"content": "caf\xe9 \xff"}', JSON, 400, id="invalid UTF-8 in JSON"),
    pytest.param(b"content=caf%E9\xff", FORM, 415, id="invalid UTF-8 in a form body"),
    pytest.param(json.dumps({"content": "x" * MB}).encode(), JSON, 413, id="1 MB of JSON"),
    pytest.param(b"content=" + b"x" * MB, FORM, 413, id="1 MB form body"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, JSON, 413, id="100,000 levels of arrays"),
    pytest.param(b"", JSON, 400, id="empty body"),
    pytest.param(b"null", JSON, 400, id="null"),
    pytest.param(b"[]", JSON, 400, id="an array"),
    pytest.param(b'"content"', JSON, 400, id="a string"),
    pytest.param(b"{", JSON, 400, id="truncated JSON"),
    pytest.param(b'{"content": "x", "is_test": NaN}', JSON, 400, id="NaN"),
    pytest.param(b'{"content": "x", "is_test": 1e999}', JSON, 400, id="a number beyond float"),
    pytest.param(b'{"content": "x", "user_ip": ' + b"9" * 5000 + b"}", JSON, 400, id="5000 digits"),
    pytest.param(b'{"content": "x\\ud800"}', JSON, 400, id="a lone surrogate escape"),
    pytest.param(b'{"content": "x\\u0000"}', JSON, 400, id="an escaped NUL"),
    pytest.param(b'{"content": "x"}', "text/plain", 415, id="text/plain"),
    pytest.param(b"<content>x</content>", "application/xml", 415, id="XML"),
    pytest.param(b"--b\r\n\r\n--b--\r\n", "multipart/form-data; boundary=b", 415, id="multipart"),
    pytest.param(b'{"content": "x"}', "", 415, id="no content type"),
]


@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS)
@pytest.mark.parametrize(("body", "content_type", "status"), REFUSED_BODIES)
def test_the_json_api_refuses_bad_bodies_with_a_4xx_and_stores_nothing(
    api, own_comment, endpoint, body, content_type, status
):
    response = api(json_path(endpoint, own_comment), body, content_type)

    assert_json_error(response, status)
    nothing_changed(own_comment)


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000],
    ids=["arrays", "objects"],
)
def test_the_json_api_refuses_100000_levels_of_nesting_with_a_400_when_the_size_allows_it(
    api, own_comment, settings, body
):
    settings.MODERATION = {**settings.MODERATION, "API_MAX_BODY_BYTES": 2 * MB}

    response = api(CHECK, body)

    assert_json_error(response, 400)
    assert response.json() == {"detail": "JSON parse error - the body is nested too deeply."}
    nothing_changed(own_comment)


@pytest.mark.parametrize(
    "field",
    [
        "content",
        "author_name",
        "author_email",
        "author_url",
        "user_agent",
        "referrer",
        "permalink",
        "language",
        "comment_type",
    ],
)
def test_the_json_api_refuses_a_nul_byte_in_any_text_field(api, own_comment, field):
    body = {"content": HAM_TEXT, field: "ab\x00c"}

    response = api(CHECK, json.dumps(body).encode())

    assert_json_error(response, 400)
    assert list(response.json()) == [field]
    nothing_changed(own_comment)


def test_the_json_api_refuses_a_nul_byte_in_a_decision_note(api, own_comment):
    body = json.dumps({"decision": "approve", "note": "fine\x00"}).encode()

    response = api(f"/api/v1/comments/{own_comment.pk}/decision/", body)

    assert_json_error(response, 400)
    assert list(response.json()) == ["note"]
    nothing_changed(own_comment)


def test_the_json_api_refuses_a_flood_of_fields_without_content(api, own_comment):
    body = json.dumps({f"f{i}": "" for i in range(4000)}).encode()  # under 64 KiB

    response = api(CHECK, body)

    assert_json_error(response, 400)
    assert response.json() == {"content": ["This field is required."]}
    nothing_changed(own_comment)


def test_the_json_api_ignores_unknown_fields_beside_valid_ones(api, own_comment):
    # As DRF does: a client's extra members are not an error. The size limit bounds them.
    body = json.dumps({"content": HAM_TEXT, **{f"f{i}": "" for i in range(4000)}}).encode()

    response = api(CHECK, body)

    assert response.status_code == 201
    assert Comment.objects.count() == 2


def test_the_json_api_refuses_a_body_longer_than_its_content_length_says(api, own_comment):
    response = api(CHECK, json.dumps({"content": HAM_TEXT}).encode(), CONTENT_LENGTH="5")

    assert_json_error(response, 400)
    nothing_changed(own_comment)


def test_the_json_api_refuses_a_content_length_that_is_not_a_number(api, own_comment):
    response = api(CHECK, json.dumps({"content": HAM_TEXT}).encode(), CONTENT_LENGTH="ten")

    assert_json_error(response, 413)
    assert response.json() == {"detail": "The Content-Length header is not a number."}
    nothing_changed(own_comment)


@pytest.mark.parametrize("suffix", ["", "decision/"])
def test_the_json_api_answers_404_to_a_comment_id_of_5000_digits(site, own_comment, suffix):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {site[1]}")
    path = f"/api/v1/comments/{'9' * 5000}/{suffix}"

    if suffix:
        response = client.post(path, {"decision": "approve"}, content_type=JSON)
    else:
        response = client.get(path)

    assert_json_error(response, 404)
    nothing_changed(own_comment)


# The Akismet API ----------------------------------------------------------------------------


def akismet(client, path, body, content_type=FORM, **extra):
    return client.generic("POST", f"/akismet/{path}", body, content_type=content_type, **extra)


def form(raw, **fields):
    return urlencode(
        {"api_key": raw, "blog": BLOG, "user_ip": "203.0.113.7", "comment_content": HAM_TEXT}
        | fields
    ).encode()


def assert_akismet_text(response, status, body=None, help_text=None):
    assert response.status_code == status
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    if body is not None:
        assert response.content == body
    if help_text is not None:
        assert response[DEBUG] == help_text


@pytest.mark.parametrize("path", AKISMET_ENDPOINTS)
def test_akismet_refuses_invalid_utf8_in_a_form_body_with_a_400_in_text(client, site, path):
    body = form(site[1]) + b"&comment_author=caf\xe9"

    response = akismet(client, path, body)

    message = "The request body is not valid utf-8 text."
    assert_akismet_text(response, 400, message.encode(), message)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("path", AKISMET_ENDPOINTS)
@pytest.mark.parametrize(
    "content_type", [FORM, "multipart/form-data; boundary=b"], ids=["form", "multipart"]
)
def test_akismet_refuses_a_1_mb_body_with_a_413_in_text(client, site, path, content_type):
    body = form(site[1], comment_content="x" * MB)

    response = akismet(client, path, body, content_type)

    limit = f"The request body is {len(body)} bytes; the limit is 65536."
    assert_akismet_text(response, 413, limit.encode(), limit)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("path", AKISMET_ENDPOINTS)
@pytest.mark.parametrize(
    "content_type",
    [JSON, "text/plain", "application/xml", ""],
    ids=["JSON", "text", "XML", "none"],
)
def test_akismet_refuses_a_body_of_another_type_with_a_415_in_text(
    client, site, path, content_type
):
    response = akismet(client, path, json.dumps({"api_key": site[1]}).encode(), content_type)

    message = f'Unsupported media type "{content_type}" in request.'
    assert_akismet_text(response, 415, message.encode(), message)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("path", AKISMET_ENDPOINTS)
def test_akismet_answers_an_empty_body_invalid(client, db, path):
    response = akismet(client, path, b"")

    assert_akismet_text(response, 200, b"invalid", "Invalid key")
    assert not Comment.objects.exists()


def test_akismet_drops_nul_bytes_from_every_field_and_answers(client, site, active_model):
    body = form(
        site[1],
        comment_content="Good\x00 point",
        comment_author="\x00Olga",
        comment_author_email="olga@example.org\x00",
        user_agent="Mozilla\x00",
        referrer="\x00",
        permalink="https://news.example/a\x00",
        blog_lang="en\x00",
    )

    response = akismet(client, "1.1/comment-check", body)

    assert_akismet_text(response, 200, b"false")
    comment = Comment.objects.get()
    assert (comment.content, comment.author_name, comment.author_email) == (
        "Good point",
        "Olga",
        "olga@example.org",
    )
    assert (comment.user_agent, comment.referrer, comment.language) == ("Mozilla", "", "en")


def test_akismet_answers_a_flood_of_form_fields_under_the_size_limit(client, site, active_model):
    flood = "&".join(f"f{i}=" for i in range(8000)).encode()  # about 55 KiB

    response = akismet(client, "1.1/comment-check", flood + b"&" + form(site[1]))

    assert_akismet_text(response, 200, b"false")
    assert Comment.objects.count() == 1


def test_akismet_refuses_a_multipart_flood_of_fields_with_a_400(client, site, active_model):
    # Over Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1000), yet under the 64 KiB size limit.
    parts = b'--b\r\nContent-Disposition: form-data; name="f"\r\n\r\n\r\n' * 1200
    body = parts + b'--b\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n'
    body += site[1].encode() + b"\r\n--b--\r\n"

    response = akismet(client, "1.1/comment-check", body, "multipart/form-data; boundary=b")

    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        ("multipart/form-data", "Multipart form parse error - Invalid boundary in multipart: None"),
        (
            "multipart/form-data; boundary=b",
            None,  # the body has no parts: an empty form, so no key
        ),
    ],
    ids=["no boundary", "no parts"],
)
def test_akismet_answers_a_broken_multipart_body_in_text(client, site, content_type, message):
    response = akismet(client, "1.1/comment-check", b"garbage", content_type)

    if message is None:
        assert_akismet_text(response, 200, b"invalid", "Invalid key")
    else:
        assert_akismet_text(response, 400, message.encode(), message)
    assert not Comment.objects.exists()


def test_akismet_answers_invalid_utf8_in_a_multipart_body(client, site, active_model):
    # Django's multipart parser decodes leniently; the answer is an Akismet one all the same.
    body = b"".join(
        b'--b\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (name, value)
        for name, value in [
            (b"api_key", site[1].encode()),
            (b"blog", BLOG.encode()),
            (b"user_ip", b"203.0.113.7"),
            (b"comment_content", b"caf\xe9 \xff"),
        ]
    )

    response = akismet(
        client, "1.1/comment-check", body + b"--b--\r\n", "multipart/form-data; boundary=b"
    )

    assert_akismet_text(response, 200, b"false")
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("charset", ["rot13", "base64", "zlib"])
def test_akismet_treats_a_non_text_blog_charset_as_unknown(client, site, active_model, charset):
    response = akismet(client, "1.1/comment-check", form(site[1], blog_charset=charset))

    assert_akismet_text(response, 200, b"false")


def test_akismet_refuses_a_body_its_punycode_charset_cannot_decode(client, site):
    response = akismet(client, "1.1/comment-check", form(site[1], blog_charset="punycode"))

    assert_akismet_text(response, 400, b"The request body is not valid punycode text.")
    assert not Comment.objects.exists()


@pytest.mark.parametrize("path", ["1.1/verify-key", "1.1/comment-check"])
def test_akismet_answers_a_blog_url_python_cannot_split_invalid(client, site, path):
    response = akismet(client, path, form(site[1], blog="http://["))

    assert_akismet_text(response, 200, b"invalid", "This key is not allowed for this blog URL")
    assert not Comment.objects.exists()


def test_akismet_key_sites_takes_a_limit_of_5000_digits_as_the_default(client, site):
    response = client.get(
        "/akismet/1.2/key-sites", {"api_key": site[1], "limit": "9" * 5000, "offset": "9" * 5000}
    )

    assert response.status_code == 200
    assert response.json()["limit"] == 500


# Nothing about another key's site -----------------------------------------------------------


@pytest.fixture
def their_comment(other_site, active_model):
    """A comment checked through the other site's key, and the state it must keep."""
    client = Client()
    response = akismet(
        client,
        "1.1/comment-check",
        urlencode(
            {
                "api_key": other_site[1],
                "blog": "https://evening.example/",
                "user_ip": "198.51.100.4",
                "comment_author": "Nils",
                "comment_content": HAM_TEXT,
            }
        ).encode(),
    )
    comment = Comment.objects.get(guid=response["X-akismet-guid"])
    usage = ApiUsage.objects.get(api_key=other_site[0])
    return comment, (comment.status, comment.verdict, comment.history.count(), usage.api_calls)


def their_state(comment, other_site):
    comment.refresh_from_db()
    usage = ApiUsage.objects.get(api_key=other_site[0])
    return comment.status, comment.verdict, comment.history.count(), usage.api_calls


@pytest.mark.parametrize("kind", ["spam", "ham"])
@pytest.mark.parametrize("with_content", [True, False], ids=["same content", "guid only"])
def test_akismet_submit_with_another_sites_guid_neither_finds_nor_changes_its_comment(
    client, site, other_site, their_comment, kind, with_content
):
    comment, before = their_comment
    fields = {"guid": str(comment.guid), "user_ip": "198.51.100.4", "comment_author": "Nils"}
    fields["comment_content"] = HAM_TEXT if with_content else ""

    response = akismet(client, f"1.1/submit-{kind}", form(site[1], **fields))

    assert their_state(comment, other_site) == before
    if with_content:
        # Stored on the caller's own site as a new, unscored comment with the label.
        assert response.content == b"Thanks for making the web a better place."
        mine = Comment.objects.for_object(site[0]).get()
        assert mine.pk != comment.pk and mine.guid != comment.guid
    else:
        assert response.content == b"Missing required field: comment_content."
        assert not Comment.objects.for_object(site[0]).exists()


@time_machine.travel(datetime(2026, 4, 10, tzinfo=UTC))
@pytest.mark.parametrize("extra", [{}, {"filter": "Evening"}, {"filter": ""}, {"format": "csv"}])
def test_akismet_key_sites_shows_only_the_callers_site(client, site, other_site, extra):
    record_usage(site[0], ham=1)
    for _ in range(5):
        record_usage(other_site[0], spam=1)

    response = client.get("/akismet/1.2/key-sites", {"api_key": site[1], **extra})

    text = response.content.decode()
    assert "Evening Post" not in text
    assert ("Riverside Gazette" in text) == (extra.get("filter") != "Evening")
    if "format" not in extra:
        assert response.json()["total"] == (0 if extra.get("filter") == "Evening" else 1)


def test_akismet_usage_limit_and_stats_count_only_the_callers_calls(client, site, other_site):
    record_usage(site[0], ham=1)
    for _ in range(5):
        record_usage(other_site[0], spam=1)

    usage = client.get("/akismet/1.2/usage-limit", {"api_key": site[1]}).json()
    stats = akismet(client, "1.1/get-stats", form(site[1])).json()

    assert usage["usage"] == 1
    assert (stats["spam"], stats["ham"]) == (0, 1)
