from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from moderation import decisions
from moderation.classifier.artifacts import ModelLoadError
from moderation.classifier.registry import activate_model, register_model
from moderation.jobs import wait_for_job
from moderation.models import Action, Comment, Decision, Job, Rule, RuleKind, Source, Status
from moderation.recheck import RecheckResult, recheck, recheck_pending
from moderation.submission import submit_comment
from tests.examples import HAM, SPAM


@pytest.fixture
def held(no_model, article):
    """Two ham and two spam comments, held because no model could score them when posted."""
    return [
        submit_comment(article, author_name="Reader", content=text).comment
        for text in (HAM[0], SPAM[0], HAM[1], SPAM[1])
    ]


@pytest.fixture
def tiny_active(held, tiny_model_dir):
    """The tiny model, activated after the comments were held."""
    return activate_model(register_model(tiny_model_dir))


def statuses():
    return {c.content: c.status for c in Comment.objects.all()}


def test_recheck_files_held_comments_by_the_newly_activated_model(held, tiny_active):
    result = recheck(Comment.objects.filter(status=Status.PENDING))

    assert result == RecheckResult(checked=4, published=2, held=0, spam=2, skipped=0)
    assert statuses() == {
        HAM[0]: Status.APPROVED,
        SPAM[0]: Status.SPAM,
        HAM[1]: Status.APPROVED,
        SPAM[1]: Status.SPAM,
    }
    ham = Comment.objects.get(content=HAM[0])
    assert ham.verdict == "ham"
    assert ham.spam_score < 0.3
    assert ham.model_version == "tiny-test-model"
    latest = ham.history.last()
    assert (latest.source, latest.action, latest.note) == (
        Source.CLASSIFIER,
        Action.PUBLISHED,
        "recheck",
    )
    assert (latest.status_before, latest.status_after) == (Status.PENDING, Status.APPROVED)
    assert (latest.spam_score, latest.model_version) == (ham.spam_score, "tiny-test-model")
    assert Comment.objects.get(content=SPAM[0]).history.last().action == Action.FLAGGED


def test_recheck_keeps_doubtful_comments_pending_with_their_new_score(held, tiny_active, settings):
    settings.MODERATION = {**settings.MODERATION, "HAM_THRESHOLD": 0.0, "SPAM_THRESHOLD": 1.0}

    result = recheck(Comment.objects.all())

    assert result == RecheckResult(checked=4, held=4)
    comment = Comment.objects.get(content=SPAM[0])
    assert comment.status == Status.PENDING
    assert comment.verdict == "pending"
    assert comment.spam_score > 0.5
    assert [d.action for d in comment.history.all()] == [Action.UNCHECKED, Action.HELD]


def test_recheck_leaves_comments_a_moderator_decided_before_it(held, tiny_active, admin_user):
    decisions.approve(Comment.objects.get(content=SPAM[0]), admin_user)

    result = recheck(Comment.objects.all())

    assert (result.checked, result.skipped) == (3, 1)
    approved = Comment.objects.get(content=SPAM[0])
    assert approved.status == Status.APPROVED
    assert approved.history.last().source == Source.MODERATOR


def test_recheck_leaves_comments_a_moderator_decides_while_it_runs(held, tiny_active, admin_user):
    # The caller's list is read before the recheck starts; the moderator acts between batches.
    comments = list(Comment.objects.all())

    def moderator_acts(n):
        decisions.mark_not_spam(Comment.objects.get(content=SPAM[1]), admin_user)

    result = recheck(comments, progress=moderator_acts, batch_size=2)

    assert result == RecheckResult(checked=3, published=2, spam=1, skipped=1)
    assert Comment.objects.get(content=SPAM[1]).status == Status.APPROVED
    assert not Decision.objects.filter(comment__content=SPAM[1], note="recheck").exists()


def test_recheck_leaves_comments_decided_by_a_rule(held, tiny_active):
    rule = Rule.objects.create(kind=RuleKind.ALLOW_EMAIL, value="reader@example.org")
    Comment.objects.filter(content=SPAM[0]).update(rule=rule)

    result = recheck(Comment.objects.all())

    assert (result.checked, result.skipped) == (3, 1)
    assert Comment.objects.get(content=SPAM[0]).status == Status.PENDING


def test_recheck_reports_progress_after_each_batch(held, tiny_active):
    done = []

    recheck(Comment.objects.all(), progress=done.append, batch_size=3)

    assert done == [3, 1]


def test_recheck_changes_nothing_when_the_model_cannot_load(held):
    with pytest.raises(ModelLoadError, match="No readable model.sha256"):
        recheck(Comment.objects.all())

    assert set(statuses().values()) == {Status.PENDING}
    assert not Decision.objects.filter(note="recheck").exists()


def test_recheck_pending_runs_inline_up_to_the_limit(held, tiny_active, admin_user):
    job = recheck_pending(admin_user)

    job.refresh_from_db()
    assert (job.kind, job.state, job.started_by) == ("recheck", Job.State.DONE, admin_user)
    assert (job.done, job.total) == (4, 4)
    assert job.result == "Rechecked 4 comments: 2 published, 0 still pending, 2 spam."


def test_recheck_pending_job_fails_with_the_reason_when_the_model_cannot_load(held):
    job = recheck_pending(background=False)

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.result.startswith("ModelFileMissing: No readable model.sha256")


@pytest.mark.django_db(transaction=True)
def test_recheck_pending_runs_in_the_background_above_the_limit(held, tiny_active, settings):
    settings.MODERATION = {**settings.MODERATION, "RECHECK_INLINE_LIMIT": 3}

    job = wait_for_job(recheck_pending(), timeout=60)

    assert job.state == Job.State.DONE
    assert job.done == 4
    assert job.result == "Rechecked 4 comments: 2 published, 0 still pending, 2 spam."
    assert not Comment.objects.filter(status=Status.PENDING).exists()


def test_summary_mentions_skipped_comments_only_when_there_are_some():
    assert RecheckResult(checked=1, spam=1, skipped=2).summary() == (
        "Rechecked 1 comment: 0 published, 0 still pending, 1 spam. Skipped 2 already decided."
    )


def test_recheck_comments_command_rechecks_all_pending(held, tiny_active, admin_user):
    decisions.remove(Comment.objects.get(content=HAM[1]), admin_user)
    out = StringIO()

    call_command("recheck_comments", stdout=out, stderr=StringIO())

    assert out.getvalue() == "Rechecked 3 comments: 1 published, 0 still pending, 2 spam.\n"
    assert Comment.objects.get(content=HAM[1]).status == Status.REMOVED


def test_recheck_comments_command_rechecks_given_ids(held, tiny_active):
    ids = [str(c.pk) for c in held[:2]]
    out = StringIO()

    call_command("recheck_comments", "--ids", *ids, stdout=out, stderr=StringIO())

    assert out.getvalue() == "Rechecked 2 comments: 1 published, 0 still pending, 1 spam.\n"
    assert Comment.objects.filter(status=Status.PENDING).count() == 2


def test_recheck_comments_command_rejects_unknown_ids(held):
    with pytest.raises(CommandError, match="No comment with id 998, 999."):
        call_command("recheck_comments", "--ids", str(held[0].pk), "999", "998")


def test_recheck_comments_command_explains_a_missing_model(held):
    with pytest.raises(CommandError, match="Cannot recheck: No readable model.sha256"):
        call_command("recheck_comments", stderr=StringIO())
