"""Jobs on a real Celery worker over the Redis on 127.0.0.1:6379, and the fallback without it."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from celery.signals import task_postrun

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


@contextmanager
def jobs_finished() -> Iterator[Callable[[int, float], bool]]:
    """Yield wait(job_pk, timeout): whether the worker ran that job's task to its end in time.

    The test waits on Celery's task_postrun rather than polling the Job's row: the test
    database is SQLite in memory with a shared cache, where a read in progress makes the
    worker's write fail at once with "database table is locked".
    """
    finished: set[int] = set()
    changed = threading.Condition()

    def record(task: Any = None, args: Sequence[Any] = (), **kwargs: Any) -> None:
        if getattr(task, "name", "") == "moderation.run_job":
            with changed:
                finished.add(args[0])
                changed.notify_all()

    def wait(job_pk: int, timeout: float) -> bool:
        with changed:
            return changed.wait_for(lambda: job_pk in finished, timeout)

    task_postrun.connect(record, weak=False)
    try:
        yield wait
    finally:
        task_postrun.disconnect(record)


@pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379 (CI has it)")
@pytest.mark.django_db(transaction=True)
def test_a_recheck_runs_on_a_celery_worker_over_redis(broker, article, active_model, caplog):
    from celery.contrib.testing.worker import start_worker

    broker("redis://127.0.0.1:6379/15")
    app.control.purge()  # a task left queued by an interrupted run is not this test's
    held = CommentFactory.create_batch(
        3, content_object=article, status=Status.PENDING, content=SPAM_TEXT
    )

    with (
        caplog.at_level(logging.WARNING, logger="moderation"),
        start_worker(app, perform_ping_check=False, shutdown_timeout=30),
        jobs_finished() as wait,
    ):
        job = recheck_pending(background=True)
        assert wait(job.pk, 60), f"the worker did not finish job {job.pk} within 60 s"

    job.refresh_from_db()
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
