"""Hypothesis fuzz of the Akismet endpoints' bodies, beside schemathesis' of the JSON API:
urlencoded, multipart and stray bodies with Akismet's fields, any text, control characters and
floods of fields, with the site's key, an unknown one or none. No answer may be a 5xx, and
every 4xx says why in the body and in X-akismet-debug-help (issue 18).
"""

from __future__ import annotations

from urllib.parse import quote_from_bytes

import pytest
from django.test import Client
from hypothesis import event, given, settings
from hypothesis import strategies as st

from moderation.api.keys import create_key
from tests.moderation.api.fuzzing import REPEATABLE
from tests.moderation.api.wire import AKISMET_ENDPOINTS, BLOG, DEBUG_HELP

AKISMET_FIELDS = [
    "blog",
    "user_ip",
    "user_agent",
    "referrer",
    "permalink",
    "comment_type",
    "comment_author",
    "comment_author_email",
    "comment_author_url",
    "comment_content",
    "comment_date_gmt",
    "blog_lang",
    "blog_charset",
    "charset",
    "is_test",
    "user_role",
    "recheck_reason",
    "guid",
    "month",
    "limit",
    "offset",
    "format",
    "from",
    "key",
    "api_key",
]
# Values Akismet's fields take, for examples that get past the key and reach the code behind it.
PLAUSIBLE = [
    BLOG,
    "203.0.113.7",
    "2001:db8::1",
    "akismet-guaranteed-spam",
    "administrator",
    "true",
    "1",
    "2016-03-02 14:29:13",
    "2026-04",
    "csv",
    "all",
    "retry",
    "UTF-8",
    "punycode",
    "rot13",
    "d8f1f4a2-6f8e-4c1b-9a51-1d6a2a3c2b10",
]
# Replaced by the site's key when the body is built; letters only, so quoting leaves it alone.
SITE_KEY = "sitekeyplaceholder"
CHECK = [(b"blog", BLOG.encode()), (b"user_ip", b"203.0.113.7")]


def mostly(usual, rare):
    """Draw from `usual` nine times in ten, else from `rare`: most examples get past the
    parsing, to the key and the code behind it; the rest probe the parsing."""
    return st.integers(0, 9).flatmap(lambda n: rare if n == 0 else usual)


values = st.sampled_from([*PLAUSIBLE, SITE_KEY]) | st.text(max_size=200)  # any code point
text_names = st.sampled_from(AKISMET_FIELDS) | st.text(max_size=20)
# In one example in ten, names and values may be bytes that are no text: invalid UTF-8, NUL,
# CR LF, quotes, percent signs.
text_fields = st.tuples(text_names.map(str.encode), values.map(str.encode))
byte_fields = st.tuples(
    text_names.map(str.encode) | st.binary(max_size=20), st.binary(max_size=200)
)


@st.composite
def fields(draw):
    """Draw form fields as bytes, Akismet's and others, and how many empty ones flood them:
    now and then 1,001 or more, past what Django reads (1,000 fields, 100 files)."""
    drawn = draw(st.lists(mostly(text_fields, text_fields | byte_fields), max_size=12))
    if draw(st.booleans()):  # what a check needs first: drawn fields may repeat them
        drawn[:0] = [*CHECK, (b"comment_content", draw(values).encode())]
    key = draw(st.sampled_from([b"api_key", b"key", None]))
    if key is not None:
        drawn.insert(draw(st.integers(0, len(drawn))), (key, SITE_KEY.encode()))
    return drawn, draw(mostly(st.just(0), st.integers(1001, 1100)))


@st.composite
def urlencoded(draw):
    pairs, flood = draw(fields())
    quote = quote_from_bytes if draw(st.booleans()) else lambda raw: raw.decode("latin-1")
    encoded = [f"{quote(name)}={quote(value)}" for name, value in pairs] + ["f="] * flood
    charsets = st.sampled_from(["utf-8", "latin-1", "utf-16", "rot13", "zlib", "nope", ""])
    content_type = st.just("application/x-www-form-urlencoded") | charsets.map(
        "application/x-www-form-urlencoded; charset={}".format
    )
    return "&".join(encoded).encode("latin-1"), draw(content_type)


filenames = mostly(st.just(b""), st.sampled_from([b'; filename="a.txt"', b'; filename=""']))
part_headers = mostly(
    st.just(b""),
    st.sampled_from(
        [
            b"Content-Type: text/plain; charset=utf-8\r\n",
            b"Content-Type: text/plain; charset=rot13\r\n",
            b"Content-Transfer-Encoding: base64\r\n",
            b"Content-Transfer-Encoding: quoted-printable\r\n",
            b"Content-Length: 3\r\n",
        ]
    ),
)


@st.composite
def multipart(draw):
    boundary = draw(st.sampled_from([b"b", b"----WebKitFormBoundary7MA4YWxkTrZu0gW"]))
    pairs, flood = draw(fields())
    parts = [
        b'--%s\r\nContent-Disposition: form-data; name="%s"%s\r\n%s\r\n%s\r\n'
        % (boundary, name, draw(filenames), draw(part_headers), value)
        for name, value in pairs
    ]
    parts += [b'--%s\r\nContent-Disposition: form-data; name="f"\r\n\r\n\r\n' % boundary] * flood
    end = mostly(st.just(b"--%s--\r\n" % boundary), st.sampled_from([b"", b"--"]))
    oddities = ["", "other", "é", f"{boundary.decode()}; charset=rot13"]
    declared = draw(mostly(st.just(boundary.decode()), st.sampled_from(oddities)))
    content_type = "multipart/form-data" + (f"; boundary={declared}" if declared else "")
    return b"".join(parts) + draw(end), content_type


stray = st.tuples(
    st.binary(max_size=500),
    st.sampled_from(["application/json", "text/plain", "application/xml", ""]) | st.text(),
)
bodies = urlencoded() | multipart() | stray


@pytest.fixture
def site(db, active_model, settings):
    """The site's key; rate limits out of the way (throttling has tests of its own)."""
    settings.MODERATION = {
        **settings.MODERATION,
        "API_RATE": "1000000/min",
        "API_RATE_PER_IP": "1000000/min",
    }
    return create_key("Riverside Gazette", ["news.example"])


FUZZ = settings(REPEATABLE, max_examples=300)


def assert_answered(response):
    """No 5xx; a 4xx says why, in the body and in the header Akismet clients show."""
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response.content.strip()
        assert response.get(DEBUG_HELP, "").strip(), response.content


@FUZZ
@given(path=st.sampled_from(AKISMET_ENDPOINTS), body=bodies)
def test_akismet_answers_any_body_with_no_5xx_and_says_why_it_refuses(site, path, body):
    data, content_type = body
    data = data.replace(SITE_KEY.encode(), site[1].encode())

    response = Client(raise_request_exception=False).generic(
        "POST", f"/akismet/{path}", data, content_type=content_type
    )

    # Which answers the examples reached: run with --hypothesis-show-statistics.
    event(f"{response.status_code} {response.get(DEBUG_HELP, '')[:24]}")
    assert_answered(response)


@FUZZ
@given(
    path=st.sampled_from(["1.2/usage-limit", "1.2/key-sites"]),
    query=st.lists(st.tuples(text_names, values), max_size=30),
)
def test_akismet_answers_any_query_string_with_no_5xx(site, path, query):
    params = [(name, site[1] if value == SITE_KEY else value) for name, value in query]

    response = Client(raise_request_exception=False).get(f"/akismet/{path}", params)

    assert_answered(response)
