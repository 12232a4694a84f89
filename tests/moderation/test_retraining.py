"""The learning loop: moderator labels -> retraining -> a judged candidate -> promotion or not."""

from __future__ import annotations

import itertools
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from moderation import decisions
from moderation.classifier.registry import activate_model, ensure_active_model, register_model
from moderation.classifier.training import train_model
from moderation.corpora import Dataset, datasets_dir, text_group
from moderation.features import CommentData
from moderation.labels import labels
from moderation.models import Comment, ModelVersion, Status
from moderation.retraining import judge, retrain, split_recent
from moderation.submission import submit_comment
from tests.factories import CommentFactory

needs_datasets = pytest.mark.skipif(
    not datasets_dir().is_dir(),
    reason=f"needs the shared datasets folder {datasets_dir()} (set MODERATION_DATASETS)",
)

# A campaign the shipped model lets through: plain prose pushing one book, no links.
OPENERS = [
    "Everyone discussing this should read",
    "Before commenting here, please read",
    "If you want the real story, pick up",
    "My whole family finally understood this after reading",
    "Honestly the only thing that explains this is",
    "Nobody in the media will tell you about",
    "I keep recommending",
    "You will see it differently after",
]
PITCHES = [
    "The Quiet Ledger by Harmon Vale.",
    "Harmon Vale's book The Quiet Ledger, chapter four predicted all of it.",
    "The Quiet Ledger, Harmon Vale saw this coming years ago.",
    "The Quiet Ledger (Harmon Vale). Worth every penny.",
    "Harmon Vale and his Quiet Ledger, read it before it gets banned.",
]
NEW_WAVE = [
    "Read The Quiet Ledger by Harmon Vale and you will understand why this happened.",
    "Harmon Vale wrote about exactly this in The Quiet Ledger, look it up.",
    "This is why I tell everyone about The Quiet Ledger by Harmon Vale.",
]
READERS = [
    "The council should publish the full budget before the vote, not after.",
    "I drive this road every day and the new junction has made the mornings much slower.",
    "Good reporting. Could you follow up on what the school board decided about buses?",
    "The figures in the third paragraph do not match the ones in the chart.",
    "My grandmother lived through that winter and remembers the queues for bread.",
    "Thanks for explaining the tax change so clearly, I finally get it.",
    "Interesting interview, but the minister did not answer the question about hospitals.",
    "The library closing on Sundays will hurt students the most.",
]


def campaign(n: int) -> list[str]:
    pairs = itertools.cycle(itertools.product(OPENERS, PITCHES))
    return [" ".join(next(pairs)) for _ in range(n)]


def readers(n: int) -> list[str]:
    suffixes = ["", " Just my view.", " Keep it up.", " Thanks.", " Anyone else?"]
    texts = (f"{t}{s}" for s, t in itertools.product(suffixes, READERS))
    return list(itertools.islice(texts, n))


@needs_datasets
@pytest.mark.database_agnostic
def test_a_campaign_moderators_mark_is_caught_after_retraining(
    db, article, admin_user, tmp_path, settings
):
    shipped = ensure_active_model()
    spam, ham = campaign(40), readers(40)
    for content, is_spam in itertools.chain.from_iterable(
        zip([(t, True) for t in spam], [(t, False) for t in ham], strict=True)
    ):
        comment = submit_comment(article, author_name="Reader", content=content).comment
        if is_spam:
            assert comment.status == Status.APPROVED  # the shipped model misses the campaign
            decisions.mark_spam(comment, admin_user)
        else:
            decisions.approve(comment, admin_user)

    result = retrain(out=tmp_path / "candidate")

    assert result.promoted, result.judgement.reason
    assert ModelVersion.objects.get(is_active=True) == result.candidate
    new, old = result.judgement.candidate, result.judgement.active
    assert new["c3"]["fpr"] <= old["c3"]["fpr"] + 0.001  # public news ham: no more flagged
    assert new["site"]["recall"] > old["site"]["recall"]
    for content in NEW_WAVE:
        caught = submit_comment(article, author_name="Reader", content=content)
        assert caught.comment.status == Status.SPAM, content
    assert result.candidate.card["promotion"]["promote"] is True
    assert shipped.version != result.candidate.version


@needs_datasets
@pytest.mark.database_agnostic
def test_a_candidate_trained_on_flipped_labels_is_refused(db, tmp_path):
    active = ensure_active_model()
    texts = campaign(30) + readers(30)
    truth = [1] * 30 + [0] * 30
    flipped = Dataset(
        name="flipped",
        comments=[CommentData(t) for t in texts],
        labels=[1 - y for y in truth],
        groups=[text_group(t) for t in texts],
        files=[],
        may_ship=False,
    )
    train_model([flipped], tmp_path / "flipped")
    candidate = register_model(tmp_path / "flipped")

    judgement = judge(candidate, [])

    assert not judgement.promote
    assert judgement.reason.startswith("Refused: on c3 news comments it flags")
    assert ModelVersion.objects.get(is_active=True) == active


def test_the_most_recent_labels_are_held_out_when_there_are_enough(db, article, admin_user):
    for content in readers(40) + campaign(20):
        decisions.approve(CommentFactory(content_object=article, content=content), admin_user)

    older, recent = split_recent(labels())
    few_older, few_recent = split_recent(labels()[:40])

    assert (len(older), len(recent)) == (48, 12)
    assert max(x.decided_at for x in older) <= min(x.decided_at for x in recent)
    assert {x.comment.content for x in recent} == set(campaign(20)[-12:])
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


def test_labels_export_as_json_lines(db, article, admin_user, tmp_path, capsys):
    spam = CommentFactory(content_object=article, content="Buy pills", status=Status.PENDING)
    decisions.mark_spam(spam, admin_user)
    test_traffic = CommentFactory(content_object=article, is_test=True)
    decisions.approve(test_traffic, admin_user)

    call_command("export_labels", "--out", str(tmp_path / "labels.jsonl"))

    [row] = [json.loads(line) for line in (tmp_path / "labels.jsonl").read_text().splitlines()]
    assert row["content"] == "Buy pills"
    assert (row["label"], row["decision"], row["moderator"]) == ("spam", "marked_spam", "admin")
    assert row["status_before"] == "pending"
    assert Comment.objects.count() == 2


def test_the_admin_activates_a_version_and_rolls_back(admin_client, tiny_model_dir):
    from django.urls import reverse

    shipped = ensure_active_model()
    tiny = register_model(tiny_model_dir)
    changelist = reverse("admin:moderation_modelversion_changelist")

    admin_client.post(changelist, {"action": "activate_selected", "_selected_action": [tiny.pk]})
    assert ModelVersion.objects.get(is_active=True) == tiny
    admin_client.post(changelist, {"action": "roll_back", "_selected_action": [tiny.pk]})
    assert ModelVersion.objects.get(is_active=True) == shipped
