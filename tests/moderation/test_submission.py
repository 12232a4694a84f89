from __future__ import annotations

import logging
import shutil

import pytest

from moderation.classifier.artifacts import MODEL_FILE
from moderation.models import Action, Comment, Decision, Source, Status
from moderation.signals import comment_scored, verdict_reached
from moderation.submission import submit_comment
from moderation.verdicts import Verdict

SPAM_TEXT = "Buy cheap viagra online at http://cheap-pills.example.com best prices no prescription"
HAM_TEXT = "I think the council should publish the full budget before the vote, not after."


def post(target, content, **extra):
    fields = {"author_name": "Reader", "author_email": "reader@example.org", "content": content}
    return submit_comment(target, **{**fields, **extra})


def test_submit_publishes_ham_and_records_the_verdict(active_model, article):
    submission = post(article, HAM_TEXT)

    comment = Comment.objects.get(pk=submission.comment.pk)
    assert submission.verdict == Verdict.HAM
    assert comment.status == Status.APPROVED
    assert comment.spam_score < 0.3
    assert comment.model_version == "tiny-test-model"
    [decision] = comment.history.all()
    assert (decision.source, decision.action, decision.status_after) == (
        Source.CLASSIFIER,
        Action.PUBLISHED,
        Status.APPROVED,
    )
    assert decision.spam_score == comment.spam_score
    assert decision.model_version == "tiny-test-model"


def test_submit_files_blatant_link_spam_as_spam(active_model, article):
    submission = post(article, SPAM_TEXT)

    comment = Comment.objects.get(pk=submission.comment.pk)
    assert comment.status == Status.SPAM
    assert comment.spam_score >= 0.8
    assert comment.history.get().action == Action.FLAGGED


@pytest.mark.parametrize(
    ("ham", "spam", "verdict", "status"),
    [
        (0.0, 0.0, Verdict.SPAM, Status.SPAM),
        (1.0, 1.0, Verdict.HAM, Status.APPROVED),
        (0.0, 1.0, Verdict.PENDING, Status.PENDING),
    ],
)
def test_thresholds_from_settings_decide_the_verdict(
    active_model, article, settings, ham, spam, verdict, status
):
    settings.MODERATION = {**settings.MODERATION, "HAM_THRESHOLD": ham, "SPAM_THRESHOLD": spam}

    submission = post(article, "An ordinary remark about the weather: see https://weather.example")

    assert submission.verdict == verdict
    assert Comment.objects.get(pk=submission.comment.pk).status == status


@pytest.mark.parametrize(
    ("text", "url", "hold_unadvertised", "status"),
    [
        ("Thank you, a lovely piece to read this morning.", "", True, Status.PENDING),
        ("Thank you, a lovely piece to read this morning.", "", False, Status.SPAM),
        ("Thank you, a lovely piece. More at https://lovely.example", "", True, Status.SPAM),
        ("Thank you, a lovely piece to read this morning.", "https://a.example", True, Status.SPAM),
        ("Thank you, a lovely piece. Call me on +44 7700 900123", "", True, Status.SPAM),
        ("Thank you, a lovely piece. Write to me: jo@example.org", "", True, Status.SPAM),
    ],
)
def test_a_comment_with_nothing_to_advertise_is_at_most_held_by_the_model(
    active_model, article, settings, text, url, hold_unadvertised, status
):
    settings.MODERATION = {
        **settings.MODERATION,
        "SPAM_THRESHOLD": 0.0,
        "HOLD_UNADVERTISED": hold_unadvertised,
    }

    submission = post(article, text, author_url=url)

    assert Comment.objects.get(pk=submission.comment.pk).status == status


def test_submit_keeps_comment_pending_when_model_file_missing(no_model, article, caplog):
    with caplog.at_level(logging.ERROR, logger="moderation"):
        submission = post(article, HAM_TEXT)

    comment = Comment.objects.get(pk=submission.comment.pk)
    assert submission.verdict is None
    assert comment.status == Status.PENDING
    assert comment.spam_score is None
    decision = comment.history.get()
    assert decision.action == Action.UNCHECKED
    assert "ModelFileMissing" in decision.note
    assert f"Could not score comment {comment.pk}" in caplog.text
    assert "Traceback" not in caplog.text  # the message says it all


def test_submit_keeps_comment_pending_when_model_file_is_corrupt(
    db, article, tiny_model_dir, tmp_path, caplog
):
    from moderation.classifier.registry import activate_model, register_model

    model_version = activate_model(register_model(tiny_model_dir))
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    data = (tiny_model_dir / MODEL_FILE).read_bytes()
    (corrupt / MODEL_FILE).write_bytes(data[: len(data) // 2])
    # It claims to hold the version (a file truncated in place), so it is not fetched again.
    shutil.copy(tiny_model_dir / "model.sha256", corrupt)
    model_version.path = str(corrupt)
    model_version.save()

    with caplog.at_level(logging.ERROR, logger="moderation"):
        submission = post(article, HAM_TEXT)

    comment = Comment.objects.get(pk=submission.comment.pk)
    assert comment.status == Status.PENDING
    assert "ModelChecksumMismatch" in comment.history.get().note
    assert "refusing to load it" in caplog.text


def test_submit_keeps_comment_pending_when_the_model_raises(db, article, tmp_path, caplog):
    from moderation.classifier.artifacts import save_model
    from moderation.classifier.pipeline import build_pipeline
    from moderation.classifier.registry import activate_model, register_model

    # A checksum-valid file holding a pipeline that was never fitted: predict_proba raises.
    save_model(build_pipeline(), tmp_path / "unfitted", {"version": "unfitted"})
    activate_model(register_model(tmp_path / "unfitted"))

    with caplog.at_level(logging.ERROR, logger="moderation"):
        submission = post(article, HAM_TEXT)

    comment = Comment.objects.get(pk=submission.comment.pk)
    assert comment.status == Status.PENDING
    assert "NotFittedError" in comment.history.get().note
    # Not a model file problem: the log has the traceback to find the bug by.
    [record] = [r for r in caplog.records if r.getMessage().startswith("Could not score")]
    assert record.exc_info is not None
    assert record.exc_info[0].__name__ == "NotFittedError"


def test_submit_discards_blatant_spam_when_configured_but_logs_it(
    active_model, article, settings, caplog
):
    settings.MODERATION = {
        **settings.MODERATION,
        "DISCARD_BLATANT_SPAM": True,
        "DISCARD_THRESHOLD": 0.5,
    }

    with caplog.at_level(logging.WARNING, logger="moderation"):
        submission = post(article, SPAM_TEXT)

    assert submission.is_discarded
    assert not Comment.objects.exists()
    # The verdict stays in the history, without the text: it counts as spam caught.
    flagged = Decision.objects.get()
    assert (flagged.comment, flagged.action) == (None, Action.FLAGGED)
    [record] = [r for r in caplog.records if r.getMessage().startswith("Discarded blatant spam")]
    assert record.comment_guid == str(submission.comment.guid)
    # The record names the comment, not what it said or who wrote it (no personal data in logs).
    assert "cheap-pills.example.com" not in caplog.text


def test_submit_sends_scored_and_verdict_signals(active_model, article):
    received = []

    def record(signal, **kwargs):
        received.append((signal, kwargs.get("verdict")))

    comment_scored.connect(record, dispatch_uid="test-scored")
    verdict_reached.connect(record, dispatch_uid="test-verdict")
    try:
        post(article, HAM_TEXT)
    finally:
        comment_scored.disconnect(dispatch_uid="test-scored")
        verdict_reached.disconnect(dispatch_uid="test-verdict")

    assert received == [(comment_scored, None), (verdict_reached, Verdict.HAM)]


def test_comment_can_be_attached_to_any_model(active_model, django_user_model):
    profile = django_user_model.objects.create(username="someone")

    submission = post(profile, HAM_TEXT)

    assert Comment.objects.for_object(profile).get() == submission.comment
    assert submission.comment.content_object == profile
