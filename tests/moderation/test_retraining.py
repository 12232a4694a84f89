"""The learning loop on an installed site: labels -> retraining -> a judged candidate -> promotion
or not, with nothing but the package and the database (the datasets folder hidden)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from moderation import decisions
from moderation.api.akismet.views import THANKS
from moderation.api.keys import create_key
from moderation.classifier import artifacts
from moderation.classifier.linear_scorer import LinearScorer
from moderation.classifier.registry import (
    activate_model,
    active_model_source,
    ensure_active_model,
    register_model,
    shipped_model_source,
)
from moderation.classifier.scoring import load
from moderation.classifier.thresholds import card_thresholds
from moderation.dataset import text_group
from moderation.features import CommentData
from moderation.labels import Label, labels
from moderation.models import Action, Comment, ModelVersion, Status
from moderation.retraining import (
    GATE_RULE,
    JudgedModel,
    judge,
    retrain,
    split_recent,
    training_rows,
)
from moderation.submission import submit_comment
from tests.campaigns import READERS, variants
from tests.examples import SPAM
from tests.factories import CommentFactory

PILL = (
    "Cheap viagra and cialis online, no prescription needed, discreet delivery. "
    "Order now at http://best-rx-pharmacy.example/buy"
)


@pytest.fixture
def no_datasets(settings, monkeypatch, tmp_path):
    """The site as installed: no shared datasets folder anywhere it could look."""
    missing = tmp_path / "no-datasets"
    monkeypatch.setenv("MODERATION_DATASETS", str(missing))
    settings.MODERATION = {**settings.MODERATION, "DATASETS_DIR": missing}
    return missing


@pytest.fixture
def model_only(settings):
    """Campaign memory off: what the retrained model alone files."""
    settings.MODERATION = {**settings.MODERATION, "MEMORY_SIMILARITY": None}


def judged(version):
    pipeline = artifacts.load_model(Path(version.path), version.sha256)
    return JudgedModel(version.version, pipeline, card_thresholds(version.card))


def post(target, content, **fields):
    return submit_comment(target, author_name="Reader", content=content, **fields).comment


def readers(n):
    suffixes = ["", " Just my view.", " Keep it up.", " Thanks.", " Anyone else?", " Agreed."]
    suffixes += [" Well said.", " Shame, really."]
    texts = [f"{text}{suffix}" for suffix in suffixes for text in READERS]
    return texts[:n]


def test_a_site_learns_a_campaign_from_its_moderators_with_no_datasets_folder(
    db, article, admin_user, no_datasets, model_only, tmp_path, settings
):
    # The campaign advertises nothing in its text: with HOLD_UNADVERTISED on, the model could
    # only hold it. What is tested here is what the model learnt.
    settings.MODERATION = {**settings.MODERATION, "HOLD_UNADVERTISED": False}
    shipped = ensure_active_model()
    reported = {text_group(t) for t in variants("book", 60, seed=1)}
    later = [t for t in variants("book", 200, seed=2) if text_group(t) not in reported][:50]
    assert [post(article, t).status for t in later[:20]].count(Status.SPAM) == 0
    held_before = [post(article, t).status for t in readers(40)].count(Status.APPROVED)
    for text in variants("book", 60, seed=1):
        decisions.mark_spam(post(article, text), admin_user)
    out, err = StringIO(), StringIO()

    call_command("retrain_spam_model", "--out", str(tmp_path / "candidate"), stdout=out, stderr=err)

    active = ModelVersion.objects.get(is_active=True)
    assert active != shipped
    assert (
        out.getvalue().splitlines()[0]
        == f"Candidate {active.version} promoted: it scores new comments now."
    )
    assert "retraining: 100%" in err.getvalue()
    # The campaign repeats itself: 60 reports are 36 distinct texts, each counted once.
    assert "36 site labels to learn from, 0 recent ones held out (24 repeated" in err.getvalue()
    assert active.card["base"] == {"version": shipped.version, "sha256": shipped.sha256}
    filed = [post(article, t).status for t in later[20:50]]
    assert filed.count(Status.SPAM) >= 24  # 80% of the campaign's later comments
    assert [post(article, t).status for t in readers(40)].count(Status.APPROVED) >= held_before
    assert not no_datasets.exists()


@pytest.mark.database_agnostic
def test_a_candidate_that_flags_the_sites_approved_readers_is_refused(
    db, article, admin_user, no_datasets, tmp_path, settings
):
    # Labels that weigh this much make a candidate that files these readers as spam.
    settings.MODERATION = {**settings.MODERATION, "SITE_LABEL_WEIGHT": 30.0}
    active = ensure_active_model()
    texts = readers(60)
    for text in texts[:48]:  # older labels call these readers spam...
        decisions.mark_spam(post(article, text), admin_user)
    for text in texts[48:]:  # ...the recent ones, held out, approve readers like them
        decisions.approve(post(article, text), admin_user)

    result = retrain(out=tmp_path / "candidate")

    assert not result.promoted
    assert result.judgement.reason.startswith("Refused: it files as spam ")
    assert "of the site's 12 held-out approved comments, the active model 0." in (
        result.judgement.reason
    )
    assert ModelVersion.objects.get(is_active=True) == active
    assert result.candidate.card["promotion"]["promote"] is False


def test_the_check_set_refuses_a_candidate_that_would_flag_news_readers(db, tiny_model_dir):
    shipped = ensure_active_model()
    tiny = register_model(tiny_model_dir)  # learnt from a few dozen hand-written comments

    judgement = judge(judged(tiny), judged(shipped), [])

    assert not judgement.promote
    assert judgement.reason.startswith("Refused: it ")
    assert "of the check set's 1000 news comments, the active model " in judgement.reason
    assert judgement.candidate["check"]["ham"] == 1000


@pytest.mark.database_agnostic
def test_one_keys_hundred_not_spam_reports_of_blatant_spam_change_nothing(
    db, article, admin_user, no_datasets, tmp_path
):
    ensure_active_model()
    api_key, raw = create_key("Newsroom CMS", is_trusted=True)
    client = Client()
    form = "application/x-www-form-urlencoded"
    for i in range(100):  # as a hundred comments, from a hundred addresses
        body = {"api_key": raw, "blog": "https://news.example/", "comment_content": PILL}
        body["user_ip"] = f"203.0.113.{i}"
        answer = client.post("/akismet/1.1/submit-ham", urlencode(body), content_type=form)
        assert answer.content == THANKS.encode()
    for text in variants("recovery", 20, seed=1):
        decisions.mark_spam(post(article, text), admin_user)

    result = retrain(out=tmp_path / "candidate")

    site = result.candidate.card["site_labels"]
    assert (site["duplicates_counted_once"], site["overruled_single_key_not_spam"]) == (99, 1)
    assert post(article, PILL).status == Status.SPAM
    assert post(api_key, PILL).status == Status.SPAM


def test_copies_count_once_and_a_second_voice_lets_keys_call_spam_ham(db, active_model):
    first, _ = create_key("One", is_trusted=True)
    second, _ = create_key("Two", is_trusted=True)
    when = Comment().submitted_at
    spam = CommentData(SPAM[0])  # the tiny model files it as spam
    alone = [Label(spam, 0, when, first.pk)] * 3
    pipeline = load(active_model_source()).pipeline
    thresholds = card_thresholds(active_model.card)

    one_key = training_rows(alone, pipeline, thresholds)
    two_keys = training_rows([*alone, Label(spam, 0, when, second.pk)], pipeline, thresholds)

    assert (len(one_key.labels), one_key.duplicates, one_key.overruled) == (0, 2, 1)
    assert (len(two_keys.labels), two_keys.duplicates, two_keys.overruled) == (1, 3, 0)


def test_untrusted_keys_reports_are_not_labels_for_retraining_and_the_error_says_so(db):
    api_key, _ = create_key("Riverside Gazette")
    for text in variants("book", 3, seed=1):
        comment = post(api_key, text)
        decisions.record_decision(comment, Action.MARKED_SPAM, None, api_key=api_key)

    with pytest.raises(CommandError, match="the 3 reports there are came from untrusted API keys"):
        call_command("retrain_spam_model")
    assert labels() == []


@pytest.mark.database_agnostic
def test_a_second_retraining_learns_afresh_from_the_same_base(
    db, article, admin_user, no_datasets, tmp_path
):
    shipped = ensure_active_model()
    for text in variants("workhome", 12, seed=1):
        decisions.mark_spam(post(article, text), admin_user)
    first = retrain(out=tmp_path / "first")
    assert first.promoted, first.judgement.reason
    for text in variants("supplement", 12, seed=1):
        decisions.mark_spam(post(article, text), admin_user)

    second = retrain(out=tmp_path / "second")

    assert second.candidate.card["base"]["version"] == shipped.version
    assert second.candidate.card["site_labels"]["spam"] == 24
    card = (tmp_path / "second" / "MODEL_CARD.md").read_text()
    assert f"- Base model: {shipped.version}" in card
    assert "24 spam and 0 ham (24 from moderators, 0 from trusted API keys)" in card
    assert GATE_RULE in card
    assert f"Result: {second.judgement.reason}" in card
    assert json.loads((tmp_path / "second" / "card.json").read_text())["gate_rule"] == GATE_RULE
    # Same form as the base: the queue's "why" explains the candidate exactly.
    pipeline = artifacts.load_model(tmp_path / "second", second.candidate.sha256)
    linear = LinearScorer.from_pipeline(pipeline)
    texts = [CommentData(t) for t in variants("supplement", 3, seed=5) + readers(3)]
    assert [linear.score(c) for c in texts] == pytest.approx(
        pipeline.predict_proba(texts)[:, 1].tolist(), abs=1e-6
    )


def test_the_most_recent_labels_are_held_out_when_there_are_enough(db, article, admin_user):
    texts = readers(40) + variants("book", 20, seed=1)
    for content in texts:
        decisions.approve(CommentFactory(content_object=article, content=content), admin_user)

    older, recent = split_recent(labels())
    few_older, few_recent = split_recent(labels()[:40])

    assert (len(older), len(recent)) == (48, 12)
    assert max(x.decided_at for x in older) <= min(x.decided_at for x in recent)
    assert {x.comment.content for x in recent} == set(texts[-12:])
    assert (len(few_older), few_recent) == (40, [])


def test_retrain_without_labels_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no labelled comments yet"):
        call_command("retrain_spam_model")


def test_rollback_makes_the_previous_version_active_again(db, tiny_model_dir):
    first = ensure_active_model()
    second = activate_model(register_model(tiny_model_dir))

    call_command("rollback_spam_model")

    first.refresh_from_db(), second.refresh_from_db()
    assert (first.is_active, second.is_active) == (True, False)


def test_rollback_with_no_earlier_version_is_a_clear_error(db):
    ensure_active_model()

    with pytest.raises(CommandError, match="No earlier active model version"):
        call_command("rollback_spam_model")


def test_labels_export_as_json_lines_with_who_gave_them(db, article, admin_user, tmp_path):
    spam = CommentFactory(content_object=article, content="Buy pills", status=Status.PENDING)
    decisions.mark_spam(spam, admin_user)
    test_traffic = CommentFactory(content_object=article, is_test=True)
    decisions.approve(test_traffic, admin_user)
    api_key, _ = create_key("Riverside Gazette")
    reported = CommentFactory(content_object=api_key, content="Cheap loans")
    decisions.record_decision(reported, Action.MARKED_SPAM, None, api_key=api_key)

    call_command("export_labels", "--out", str(tmp_path / "labels.jsonl"))

    rows = [json.loads(line) for line in (tmp_path / "labels.jsonl").read_text().splitlines()]
    by_text = {row["content"]: row for row in rows}
    assert set(by_text) == {"Buy pills", "Cheap loans"}
    mine = by_text["Buy pills"]
    assert (mine["label"], mine["decision"], mine["moderator"]) == ("spam", "marked_spam", "admin")
    assert (mine["api_key"], mine["trusted"], mine["status_before"]) == (None, True, "pending")
    theirs = by_text["Cheap loans"]
    assert (theirs["moderator"], theirs["api_key"], theirs["trusted"]) == (
        None,
        "Riverside Gazette",
        False,
    )


def test_the_admin_activates_a_version_and_rolls_back(admin_client, tiny_model_dir):
    from django.urls import reverse

    shipped = ensure_active_model()
    tiny = register_model(tiny_model_dir)
    changelist = reverse("admin:moderation_modelversion_changelist")

    admin_client.post(changelist, {"action": "activate_selected", "_selected_action": [tiny.pk]})
    assert ModelVersion.objects.get(is_active=True) == tiny
    admin_client.post(changelist, {"action": "roll_back", "_selected_action": [tiny.pk]})
    assert ModelVersion.objects.get(is_active=True) == shipped
    assert shipped.path == str(shipped_model_source().directory.resolve())
