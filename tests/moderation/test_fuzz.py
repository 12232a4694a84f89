"""Fuzz: features and the tiny model on any Unicode text; the comment form on any field values.

Derandomized Hypothesis runs (the same examples on every run), small enough for the whole file
to take seconds.
"""

from __future__ import annotations

import math
import time
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from moderation.classifier import artifacts
from moderation.classifier.linear_scorer import LinearScorer
from moderation.features import (
    CommentData,
    author_signals,
    normalize_text,
    prepare,
    text_signals,
)
from moderation.forms import sign_target
from moderation.models import Comment

POST_URL = "/comments/post/"
FORM = "application/x-www-form-urlencoded"

# Characters that have broken text handling elsewhere: zero-width and invisible ones, bidi
# overrides, NUL and other controls, combining marks, compatibility forms NFKC expands (U+FDFA
# becomes 18 characters), astral emoji, HTML entities and tags, URL and phone shapes.
TRICKY = [
    "\x00",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u00ad",
    "\u202e",
    "\u2066",
    "\u0301",
    "\ufdfa",
    "\U0001f600",
    "\u3000",
    "\x85",
    "\u2028",
    "\r\n",
    "&#0;",
    "&#x110000;",
    "&amp;lt;",
    "<b>",
    "<",
    "http://",
    "www.",
    ".com",
    "+1 (555) 010-0199",
    "AAAA",
    "!!!",
]
text = st.lists(st.one_of(st.text(), st.sampled_from(TRICKY)), max_size=8).map("".join)


website = text  # any text, even what urlsplit() cannot take apart ("http://[")
quick = settings(max_examples=300, derandomize=True, deadline=None)


def assert_finite_signals(signals):
    assert all(isinstance(name, str) for name in signals)
    assert all(isinstance(value, float) and math.isfinite(value) for value in signals.values())


@quick
@given(text)
def test_normalize_text_returns_text_for_any_unicode(raw):
    normalized = normalize_text(raw)

    assert isinstance(normalized, str)
    assert normalized == normalized.strip()
    assert "\u200b" not in normalized and "\ufeff" not in normalized


@quick
@given(text)
def test_text_signals_are_finite_numbers_for_any_unicode(raw):
    signals = text_signals(normalize_text(raw))

    assert_finite_signals(signals)
    assert all(value >= 0 for value in signals.values())


@quick
@given(text, website)
def test_author_signals_are_finite_numbers_for_any_name_and_website(name, url):
    assert_finite_signals(author_signals(name, url))


@pytest.mark.parametrize("url", ["http://[", "http://]x", "//exa\uff03mple.com", "[::1"])
def test_author_signals_survive_a_website_python_cannot_split(url):
    assert_finite_signals(author_signals("Olga", url))


@quick
@given(text, text, text, website)
@example("\x00" * 3, "\u202e", "\x00@\x00", "http://[::1]:99999")
@example("&#x110000;" * 50, "", "", "http://" + "\ufdfa" * 20)
def test_prepare_gives_text_and_finite_signals_for_any_comment(content, name, email, url):
    [prepared] = prepare([CommentData(content, name, email, url)])

    assert isinstance(prepared.text, str)
    assert_finite_signals(prepared.signals)


@pytest.fixture(scope="module")
def tiny_model(tiny_model_dir):
    """The tiny real model's pipeline and its LinearScorer."""
    pipeline = artifacts.load_model(tiny_model_dir, artifacts.read_checksum(tiny_model_dir))
    return pipeline, LinearScorer.from_pipeline(pipeline)


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text, text, website)
@example("\x00", "", "")
@example("buy cheap pills " * 500, "\u202e\u202e", "http://www." + "a" * 400 + ".com")
def test_the_tiny_model_gives_a_probability_for_any_comment(tiny_model, content, name, url):
    pipeline, scorer = tiny_model
    comment = CommentData(content=content, author_name=name, author_url=url)

    linear = scorer.score(comment)
    batch = float(pipeline.predict_proba([comment])[0, 1])

    assert 0.0 <= linear <= 1.0
    assert 0.0 <= batch <= 1.0
    assert linear == pytest.approx(batch, abs=1e-6)  # the fast path is the same model


# The comment form --------------------------------------------------------------------------


FIELDS = ("name", "email", "website", "comment", "token", "website_confirm", "next")


@pytest.fixture
def form_fields(article, settings):
    """A valid post of the comment form, with the form's rate limit off."""
    settings.MODERATION = {**settings.MODERATION, "FORM_RATE_PER_IP": None}
    return {
        "name": "Olga",
        "email": "olga@example.org",
        "website": "",
        "comment": "I think the council should publish the full budget before the vote.",
        "token": sign_target(article, issued_at=time.time() - 60),
        "next": article.get_absolute_url(),
        "website_confirm": "",
    }


def post(client, data, *, multipart=False):
    if multipart:
        return client.post(POST_URL, data)
    return client.post(POST_URL, urlencode(data), content_type=FORM)


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    changed=st.dictionaries(st.sampled_from(FIELDS), text, max_size=len(FIELDS)),
    extra=st.dictionaries(text, text, max_size=3),
    multipart=st.booleans(),
)
def test_the_comment_form_answers_302_or_400_to_any_unicode_in_any_field(
    db, form_fields, changed, extra, multipart
):
    data = {**extra, **form_fields, **changed}
    before = Comment.objects.count()

    response = post(Client(), data, multipart=multipart)

    assert response.status_code in (302, 400)
    assert Comment.objects.count() == before + (response.status_code == 302)


@pytest.mark.parametrize("field", FIELDS)
def test_the_comment_form_answers_a_1_mb_field_without_a_500(db, form_fields, field):
    response = post(Client(), {**form_fields, field: "x" * 2**20})

    if field == "next":  # not a form field: the reader is sent back to it
        assert response.status_code == 302
        assert Comment.objects.count() == 1
    else:
        assert response.status_code == 400
        assert Comment.objects.count() == 0


@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
@pytest.mark.parametrize("field", FIELDS)
def test_the_comment_form_answers_a_field_over_the_upload_limit_with_a_400(
    db, form_fields, field, multipart
):
    # 1 Mi characters of 2- and 3-byte UTF-8: over DATA_UPLOAD_MAX_MEMORY_SIZE once encoded.
    value = ("é\u202e\u200b" * 2**19)[: 2**20]
    response = post(Client(), {**form_fields, field: value}, multipart=multipart)

    assert response.status_code == 400
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("field", [f for f in FIELDS if f != "next"])
def test_the_comment_form_refuses_nul_bytes_in_any_field_with_a_400(db, form_fields, field):
    response = post(Client(), {**form_fields, field: "Ol\x00ga"})

    assert response.status_code == 400
    assert Comment.objects.count() == 0
