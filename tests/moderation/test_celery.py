"""Jobs on a real Celery worker over the Redis on 127.0.0.1:6379, and the fallback without it."""

from __future__ import annotations

import logging
import socket
import time

import pytest

from moderation import jobs
from moderation.models import Job, Status
from moderation.recheck import recheck_pending
from site_demo.celery import app
from tests.factories import CommentFactory

REDIS = ("127.0.0.1", 6379)
SPAM_TEXT = "Buy cheap viagra online at http://cheap-pills.example.com best prices no prescription"


def redis_is_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def broker(settings):
    """Point the demo's Celery app at a broker URL for one test, and jobs at Celery."""
    settings.MODERATION = {**settings.MODERATION, "CELERY": True}
    before = app.conf.broker_url

    def use(url: str) -> None:
        # The producer pool keeps connections to the broker it first reached: start afresh.
        app.pool.force_close_all()
        app.conf.broker_url = url
        app._pool = None

    yield use
    use(before)


def wait_until_finished(job: Job, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state != Job.State.RUNNING:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job.pk} still running after {timeout} s")


@pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379 (CI has it)")
@pytest.mark.django_db(transaction=True)
def test_a_recheck_runs_on_a_celery_worker_over_redis(broker, article, active_model, caplog):
    from celery.contrib.testing.worker import start_worker

    broker("redis://127.0.0.1:6379/15")
    held = CommentFactory.create_batch(
        3, content_object=article, status=Status.PENDING, content=SPAM_TEXT
    )

    with (
        caplog.at_level(logging.WARNING, logger="moderation"),
        start_worker(app, perform_ping_check=False, shutdown_timeout=30),
    ):
        job = wait_until_finished(recheck_pending(background=True))

    assert (job.state, job.done, job.total) == (Job.State.DONE, 3, 3)
    assert {c.status for c in type(held[0]).objects.all()} == {Status.SPAM}
    assert job.pk not in jobs._threads and "running job" not in caplog.text  # not the fallback


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_job_runs_here_and_says_so(broker, article, active_model, caplog):
    broker("redis://127.0.0.1:9/0")  # the discard port: nothing listens
    CommentFactory(content_object=article, status=Status.PENDING, content=SPAM_TEXT)

    with caplog.at_level(logging.WARNING, logger="moderation"):
        job = jobs.wait_for_job(recheck_pending(background=True), timeout=60)

    assert (job.state, job.done) == (Job.State.DONE, 1)
    assert (
        "Celery broker unavailable" in caplog.text and f"running job {job.pk} here" in caplog.text
    )
