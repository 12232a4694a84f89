"""A key's monthly figures follow one rule in both APIs (moderation.api.keys): a check counts as
spam if it was filed as spam, else ham; a report contradicting that filing is a mistake."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from moderation.api.keys import check_outcome, create_key, report_outcome
from moderation.models import Action, ApiUsage
from moderation.verdicts import Verdict

SPAM_TEXT = "Buy cheap viagra online at http://cheap-pills.example.com best prices no prescription"
HAM_TEXT = "I think the council should publish the full budget before the vote, not after."


@pytest.mark.parametrize(
    ("verdict", "action", "outcome"),
    [
        (Verdict.HAM, Action.MARKED_SPAM, {"missed_spam": 1}),
        (Verdict.PENDING, Action.MARKED_SPAM, {"missed_spam": 1}),
        ("", Action.MARKED_SPAM, {"missed_spam": 1}),
        (Verdict.SPAM, Action.MARKED_SPAM, {}),
        (Verdict.SPAM, Action.MARKED_NOT_SPAM, {"false_positives": 1}),
        (Verdict.SPAM, Action.APPROVED, {"false_positives": 1}),
        (Verdict.HAM, Action.MARKED_NOT_SPAM, {}),
        (Verdict.PENDING, Action.APPROVED, {}),
        ("", Action.MARKED_NOT_SPAM, {}),
        (Verdict.SPAM, Action.REMOVED, {}),
        (Verdict.HAM, Action.REMOVED, {}),
    ],
)
def test_a_report_counts_a_mistake_only_when_it_contradicts_the_filing(verdict, action, outcome):
    assert report_outcome(verdict, action) == outcome


def test_a_check_counts_as_spam_or_as_ham():
    assert (check_outcome(is_spam=True), check_outcome(is_spam=False)) == ({"spam": 1}, {"ham": 1})


def json_api_story(raw, content, report):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    checked = api.post(reverse("moderation_api:check"), {"content": content}, format="json")
    decision = {"spam": "spam", "ham": "not_spam"}[report]
    url = reverse("moderation_api:comment-decision", args=[checked.json()["id"]])
    assert api.post(url, {"decision": decision}, format="json").status_code == 200


def akismet_story(raw, content, report):
    client = Client()

    def post(path, **params):
        fields = {"api_key": raw, "blog": "https://news.example/", "user_ip": "203.0.113.7"}
        body = urlencode({**fields, **params})
        return client.post(f"/akismet/1.1/{path}", body, "application/x-www-form-urlencoded")

    guid = post("comment-check", comment_content=content)["X-akismet-guid"]
    assert post(f"submit-{report}", guid=guid).status_code == 200


@pytest.fixture
def filed(request, settings):
    """How the check files the comment: published, held, unscored or spam; return its text."""
    if request.param == "unscored":
        request.getfixturevalue("no_model")
        return HAM_TEXT
    request.getfixturevalue("active_model")
    if request.param == "held":  # every score between the thresholds
        settings.MODERATION = {**settings.MODERATION, "HAM_THRESHOLD": 0.0, "SPAM_THRESHOLD": 1.0}
    return SPAM_TEXT if request.param == "spam" else HAM_TEXT


@pytest.mark.parametrize("story", [json_api_story, akismet_story], ids=["json", "akismet"])
@pytest.mark.parametrize(
    ("filed", "report", "counts"),
    [
        ("published", "spam", (0, 1, 1, 0)),
        ("held", "spam", (0, 1, 1, 0)),
        ("unscored", "spam", (0, 1, 1, 0)),
        ("spam", "spam", (1, 0, 0, 0)),
        ("published", "ham", (0, 1, 0, 0)),
        ("held", "ham", (0, 1, 0, 0)),
        ("unscored", "ham", (0, 1, 0, 0)),
        ("spam", "ham", (1, 0, 0, 1)),
    ],
    indirect=["filed"],
)
def test_both_apis_count_a_check_and_its_report_alike(db, story, filed, report, counts):
    api_key, raw = create_key("Riverside Gazette", ["news.example"])

    story(raw, filed, report)

    usage = ApiUsage.objects.get(api_key=api_key)
    assert usage.api_calls == 2
    assert (usage.spam, usage.ham, usage.missed_spam, usage.false_positives) == counts
