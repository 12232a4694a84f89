"""Campaign memory: near-duplicates of reported spam are filed as spam at once, near-duplicates of
approved comments are not, and an untrusted key's reports count only for its own checks."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags
from rest_framework.test import APIClient

from moderation import decisions, memory
from moderation.api.keys import create_key
from moderation.models import Action, Comment, Decision, Source, Status
from moderation.recheck import recheck
from moderation.submission import submit_comment
from moderation.verdicts import Verdict
from moderation.why import why_html
from tests.campaigns import READERS, variants
from tests.examples import SPAM

pytestmark = pytest.mark.usefixtures("active_model")


def post(target, content, **fields):
    return submit_comment(target, author_name="Reader", content=content, **fields)


def report(target, moderator, texts, api_key=None):
    """Post each text and label it spam (a moderator's, or `api_key`'s report)."""
    return [
        decisions.record_decision(
            post(target, text).comment, Action.MARKED_SPAM, moderator, api_key=api_key
        )
        for text in texts
    ]


def later(campaign, n):
    """Variants of the campaign none of which is a copy of a reported one."""
    reported = set(variants(campaign, 10, seed=1))
    return [text for text in variants(campaign, 3 * n, seed=2) if text not in reported][:n]


def test_a_near_duplicate_of_reported_spam_is_filed_as_spam_with_the_report_named(
    article, admin_user
):
    reported = report(article, admin_user, variants("book", 10, seed=1))

    submission = post(article, later("book", 1)[0])

    comment = submission.comment
    assert (submission.verdict, comment.status) == (Verdict.SPAM, Status.SPAM)
    assert comment.matched_label_id in {decision.pk for decision in reported}
    entry = comment.history.get()
    assert (entry.source, entry.action) == (Source.MEMORY, Action.MATCHED_SPAM)
    assert entry.note.startswith("Near-duplicate (similarity 0.")
    assert entry.note.endswith(
        f"of spam reported by a moderator (decision {comment.matched_label_id})"
    )
    assert comment.spam_score is not None  # the model's score is kept beside memory's word


@pytest.mark.parametrize("campaign", ["book", "recovery", "workhome", "supplement"])
def test_ten_reports_file_nine_in_ten_later_variants_and_no_reader_changes(
    article, admin_user, campaign
):
    before = [post(article, text).comment.status for text in READERS]
    report(article, admin_user, variants(campaign, 10, seed=1))

    filed = [post(article, text).comment.status for text in later(campaign, 50)]
    after = [post(article, text).comment.status for text in READERS]

    assert filed.count(Status.SPAM) >= 45
    assert after == before


def test_the_queue_names_the_report_and_links_to_it_escaped(article, admin_user):
    texts = [f"<b>{text}</b>" for text in variants("recovery", 10, seed=1)]
    reported = report(article, admin_user, texts)

    comment = post(article, later("recovery", 1)[0]).comment
    html = why_html(comment)

    label = Decision.objects.get(pk=comment.matched_label_id)
    assert label in reported
    today = label.created_at.strftime("%Y-%m-%d")
    assert f"Near-duplicate of spam reported by admin on {today}" in html
    assert reverse("admin:moderation_comment_change", args=[label.comment_id]) in html
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_a_comment_a_moderator_approved_and_its_near_duplicates_are_not_filed_as_spam(
    article, admin_user
):
    spam_text = SPAM[1]  # the tiny model files it as spam
    assert post(article, spam_text).comment.status == Status.SPAM
    decisions.approve(Comment.objects.get(content=spam_text), admin_user)

    again = post(article, spam_text).comment
    near = post(article, spam_text.replace("Great post!", "Great post, truly!")).comment

    for comment in (again, near):
        assert comment.status == Status.PENDING
        entry = comment.history.get()
        assert (entry.source, entry.action) == (Source.MEMORY, Action.MATCHED_HAM)
        assert "Held, not filed as spam: Near-duplicate of a comment approved by admin" in (
            strip_tags(why_html(comment))
        )


def test_the_latest_label_of_a_comment_is_the_one_remembered(article, admin_user):
    [spam] = report(article, admin_user, variants("workhome", 1, seed=1))
    decisions.approve(spam.comment, admin_user)

    comment = post(article, variants("workhome", 1, seed=1)[0]).comment

    assert comment.history.get().action != Action.MATCHED_SPAM


def test_short_comments_are_never_matched(article, admin_user):
    report(article, admin_user, ["Nice one, thanks!"])

    comment = post(article, "Nice one, thanks!").comment

    assert comment.matched_label_id is None


def test_an_untrusted_keys_reports_count_only_for_its_own_checks(article, admin_user):
    reporter, _ = create_key("Reporter")
    other, _ = create_key("Other site")
    report(reporter, None, variants("supplement", 10, seed=1), api_key=reporter)
    text = later("supplement", 1)[0]

    on_reporter = post(reporter, text).comment
    on_other = post(other, text).comment
    on_form = post(article, text).comment

    assert on_reporter.history.get().action == Action.MATCHED_SPAM
    assert on_other.matched_label_id is None
    assert on_form.matched_label_id is None


def test_a_trusted_keys_reports_count_for_every_check(article):
    reporter, _ = create_key("Newsroom CMS", is_trusted=True)
    report(reporter, None, variants("supplement", 10, seed=1), api_key=reporter)

    comment = post(article, later("supplement", 1)[0]).comment

    assert comment.history.get().action == Action.MATCHED_SPAM


def test_making_a_key_trusted_makes_its_earlier_reports_count_for_everyone(article):
    reporter, _ = create_key("Newsroom CMS")
    report(reporter, None, variants("supplement", 10, seed=1), api_key=reporter)
    assert post(article, later("supplement", 1)[0]).comment.matched_label_id is None

    reporter.is_trusted = True
    reporter.save()

    assert post(article, later("supplement", 2)[1]).comment.matched_label_id is not None


def test_no_key_can_make_the_model_publish_spam_by_approving_it(article):
    trusted, _ = create_key("Newsroom CMS", is_trusted=True)
    for _ in range(3):
        comment = post(trusted, SPAM[1]).comment
        decisions.record_decision(comment, Action.MARKED_NOT_SPAM, None, api_key=trusted)

    on_key = post(trusted, SPAM[1]).comment
    on_form = post(article, SPAM[1]).comment

    assert (on_key.status, on_form.status) == (Status.SPAM, Status.SPAM)


def test_labels_older_than_memory_days_are_forgotten(article, admin_user, settings):
    settings.MODERATION = {**settings.MODERATION, "MEMORY_DAYS": 30}
    report(article, admin_user, variants("book", 10, seed=1))
    text = later("book", 1)[0]

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=31)):
        memory.forget_memory()  # as a process started then would
        comment = post(article, text).comment

    assert comment.matched_label_id is None


def test_campaign_memory_can_be_turned_off(article, admin_user, settings):
    report(article, admin_user, variants("book", 10, seed=1))
    settings.MODERATION = {**settings.MODERATION, "MEMORY_SIMILARITY": None}

    comment = post(article, later("book", 1)[0]).comment

    assert comment.matched_label_id is None


def test_a_recheck_files_a_held_near_duplicate_as_spam(article, admin_user):
    held = post(article, later("book", 1)[0]).comment
    Comment.objects.filter(pk=held.pk).update(status=Status.PENDING, verdict=Verdict.PENDING)
    report(article, admin_user, variants("book", 10, seed=1))

    result = recheck([held])

    held.refresh_from_db()
    assert (result.spam, held.status) == (1, Status.SPAM)
    entry = held.history.last()
    assert (entry.action, entry.status_before) == (Action.MATCHED_SPAM, Status.PENDING)
    assert entry.note.startswith("recheck; Near-duplicate (similarity ")


def test_akismet_comment_check_answers_true_for_a_near_duplicate(admin_user):
    api_key, raw = create_key("Riverside Gazette", is_trusted=True)
    client = Client()
    for text in variants("recovery", 10, seed=1):
        fields = {"api_key": raw, "blog": "https://news.example/", "comment_content": text}
        body = urlencode({**fields, "user_ip": "203.0.113.7"})
        form = "application/x-www-form-urlencoded"
        client.post("/akismet/1.1/submit-spam", body, content_type=form)

    fields["comment_content"] = later("recovery", 1)[0]
    body = urlencode({**fields, "user_ip": "203.0.113.8"})
    answer = client.post("/akismet/1.1/comment-check", body, content_type=form)

    assert answer.content == b"true"
    assert Decision.objects.filter(api_key=api_key, action=Action.MARKED_SPAM).count() == 10


def test_the_json_api_gives_the_report_as_the_reason(article, admin_user):
    report(article, admin_user, variants("workhome", 10, seed=1))
    _, raw = create_key("Daily Ledger")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    answer = client.post(
        reverse("moderation_api:check"), {"content": later("workhome", 1)[0]}, format="json"
    ).json()

    assert answer["status"] == "spam"
    [reason] = answer["reasons"]
    assert reason["feature"].startswith("Near-duplicate of spam reported by admin on ")
    assert reason["weight"] is None
