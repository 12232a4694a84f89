from __future__ import annotations

import logging

import pytest

from moderation.jobs import advance, start_job, wait_for_job
from moderation.models import Job


def count_to_three(job):
    for _ in range(3):
        advance(job, 1)
    return "Counted to 3."


def fail_half_way(job):
    advance(job, 1)
    raise RuntimeError("the model fell over")


COUNT = f"{__name__}.count_to_three"
FAIL = f"{__name__}.fail_half_way"


@pytest.mark.django_db(transaction=True)
def test_background_job_advances_and_finishes(admin_user):
    job = start_job("count", 3, COUNT, user=admin_user)

    job = wait_for_job(job, timeout=30)

    assert job.state == Job.State.DONE
    assert (job.done, job.total) == (3, 3)
    assert job.result == "Counted to 3."
    assert job.started_by == admin_user
    assert job.finished_at >= job.started_at


@pytest.mark.django_db(transaction=True)
def test_failing_background_job_ends_failed_with_the_message(caplog):
    with caplog.at_level(logging.ERROR, logger="moderation"):
        job = wait_for_job(start_job("fail", 3, FAIL), timeout=30)

    assert job.state == Job.State.FAILED
    assert job.result == "RuntimeError: the model fell over"
    assert job.done == 1
    assert job.finished_at is not None
    assert f"Job {job.pk} (fail) failed" in caplog.text
    assert "Traceback" in caplog.text


def test_inline_job_is_finished_when_start_job_returns(db):
    job = start_job("count", 3, COUNT, background=False)

    stored = Job.objects.get(pk=job.pk)
    assert stored.state == Job.State.DONE
    assert stored.done == 3
    assert stored.result == "Counted to 3."


def test_background_job_waits_for_the_commit_of_its_row(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        job = start_job("count", 3, COUNT)
        running = Job.objects.get(pk=job.pk)

    assert running.state == Job.State.RUNNING
    assert running.done == 0
    assert len(callbacks) == 1


def test_a_misnamed_work_function_fails_at_once(db):
    with pytest.raises(ImportError):
        start_job("count", 3, f"{__name__}.no_such_function")

    assert not Job.objects.exists()
