from __future__ import annotations

import pytest

from moderation import decisions
from moderation.models import Action, Comment, Source, Status
from moderation.signals import decision_recorded
from moderation.submission import submit_comment


@pytest.fixture
def held_comment(no_model, article):
    # With no model the comment is held, as it would be for a doubtful score.
    return submit_comment(
        article, author_name="Reader", author_email="r@example.org", content="Is this spam?"
    ).comment


@pytest.mark.parametrize(
    ("decide", "action", "status", "is_label"),
    [
        (decisions.approve, Action.APPROVED, Status.APPROVED, True),
        (decisions.mark_spam, Action.MARKED_SPAM, Status.SPAM, True),
        (decisions.mark_not_spam, Action.MARKED_NOT_SPAM, Status.APPROVED, True),
        (decisions.remove, Action.REMOVED, Status.REMOVED, False),
    ],
)
def test_each_decision_updates_status_and_appends_history(
    held_comment, admin_user, decide, action, status, is_label
):
    decision = decide(held_comment, admin_user)

    held_comment.refresh_from_db()
    assert held_comment.status == status
    history = list(held_comment.history.all())
    assert [d.action for d in history] == [Action.UNCHECKED, action]
    assert decision == history[-1]
    assert decision.source == Source.MODERATOR
    assert decision.moderator == admin_user
    assert (decision.status_before, decision.status_after) == (Status.PENDING, status)
    assert decision.is_label is is_label


def test_decision_keeps_the_score_at_the_time(active_model, article, admin_user):
    comment = submit_comment(
        article,
        author_name="Spammer",
        author_email="s@example.com",
        content="Buy cheap viagra online at http://pills.example.com no prescription",
    ).comment

    decision = decisions.approve(comment, admin_user)

    assert decision.spam_score == comment.spam_score
    assert decision.model_version == "tiny-test-model"
    assert decision.status_before == Status.SPAM


def test_record_decision_refuses_a_classifier_action(held_comment, admin_user):
    with pytest.raises(ValueError, match="is not a moderator action"):
        decisions.record_decision(held_comment, Action.PUBLISHED, admin_user)

    assert Comment.objects.get().history.count() == 1


def test_decision_recorded_signal_carries_the_decision(held_comment, admin_user):
    seen = []

    def receiver(sender, comment, decision, **kwargs):
        seen.append((sender, comment.pk, decision.action))

    decision_recorded.connect(receiver, dispatch_uid="test-decision")
    try:
        decisions.mark_spam(held_comment, admin_user)
    finally:
        decision_recorded.disconnect(dispatch_uid="test-decision")

    assert seen == [(Comment, held_comment.pk, Action.MARKED_SPAM)]
