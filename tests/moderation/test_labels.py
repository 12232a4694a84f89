from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from moderation import decisions
from moderation.features import CommentData
from moderation.labels import labelled_comments
from moderation.models import Action, Decision, ModelVersion, Source, Status
from tests.factories import CommentFactory


def test_latest_spam_or_not_spam_decision_is_the_label(db, admin_user):
    flipped, removed, spam = CommentFactory(), CommentFactory(), CommentFactory(content="Buy pills")
    decisions.mark_spam(flipped, admin_user)
    decisions.mark_not_spam(flipped, admin_user)
    decisions.remove(removed, admin_user)
    decisions.mark_spam(spam, admin_user)

    labels = {c.content: label for c, label in labelled_comments()}

    assert labels == {flipped.content: 0, "Buy pills": 1}


def test_labels_of_deleted_comments_are_read_from_their_snapshot(db, admin_user):
    kept = CommentFactory(content="The mayor spoke well")
    decisions.approve(kept, admin_user)
    gone = {"content": "Cheap pills", "author_name": "pharma", "author_email": "", "author_url": ""}
    for snapshot in (gone, None):
        Decision.objects.create(
            source=Source.MODERATOR,
            action=Action.MARKED_SPAM,
            status_after=Status.SPAM,
            snapshot=snapshot,
        )

    labels = labelled_comments()

    assert labels == [
        (
            CommentData(
                content="The mayor spoke well",
                author_name="Reader",
                author_email="reader@example.org",
            ),
            0,
        ),
        (CommentData(content="Cheap pills", author_name="pharma"), 1),
    ]


def test_train_spam_model_learns_from_site_labels_and_activates(
    db, admin_user, tiny_jsonl, tmp_path
):
    for i in range(3):
        decisions.mark_spam(CommentFactory(content=f"Cheap replica watches {i}"), admin_user)
        decisions.approve(CommentFactory(content=f"The mayor spoke well {i}"), admin_user)
    out = StringIO()

    call_command(
        "train_spam_model",
        "--data",
        "site",
        "--data",
        f"jsonl:{tiny_jsonl}",
        "--out",
        str(tmp_path / "m"),
        "--activate",
        stdout=out,
    )

    active = ModelVersion.objects.get(is_active=True)
    assert active.path == str((tmp_path / "m").resolve())
    assert [s["name"] for s in active.card["sources"]] == ["site", "tiny"]
    assert active.card["is_shippable"] is False
    assert f"Active model: {active.version}" in out.getvalue()


def test_train_spam_model_says_when_the_site_has_no_labels(db, tmp_path):
    with pytest.raises(CommandError, match="no moderator-labelled comments yet"):
        call_command("train_spam_model", "--data", "site", "--out", str(tmp_path / "m"))


def test_evaluate_spam_model_prints_json_for_the_active_model(active_model, tiny_jsonl):
    out = StringIO()

    call_command("evaluate_spam_model", "--data", f"jsonl:{tiny_jsonl}", "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert report["tiny"]["n"] == 144
    assert report["tiny"]["roc_auc"] > 0.9


def test_evaluate_spam_model_rejects_a_folder_without_a_model(db, tiny_jsonl, tmp_path):
    with pytest.raises(CommandError, match="No readable model.sha256"):
        call_command(
            "evaluate_spam_model", "--model", str(tmp_path), "--data", f"jsonl:{tiny_jsonl}"
        )
