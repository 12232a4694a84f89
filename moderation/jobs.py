"""Jobs: long work (a queue recheck) run inline or in the background, with progress in a Job row.

start_job() is the seam for a task queue. Today a background job runs in a thread of the web
process; when Celery replaces it, only _start_thread() becomes `task.delay(job.pk, ...)` and
wait_for_job() an AsyncResult wait. Work functions, advance() and the Job row stay as they are.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from moderation.models import Job

logger = logging.getLogger(__name__)

# Work takes the job (to report progress with advance()) and returns the result text.
Work = Callable[[Job], str]

# Running background threads by job pk, so callers (tests, commands) can wait for one.
_threads: dict[int, threading.Thread] = {}


def start_job(
    kind: str,
    total: int,
    work: Work,
    *,
    user: AbstractBaseUser | None = None,
    background: bool = True,
) -> Job:
    """Record a running Job and run `work(job)`, in a thread when `background`.

    Without `background` the work runs before this returns and the job comes back finished.
    """
    # started_by accepts any AUTH_USER_MODEL, which the stubs cannot know.
    job = Job.objects.create(kind=kind, total=total, started_by=user)  # type: ignore[misc]
    if background:
        # The thread uses its own connection: it must not start before the Job row is committed.
        transaction.on_commit(lambda: _start_thread(job.pk, work))
    else:
        _run(job, work)
    return job


def advance(job: Job, n: int) -> None:
    """Add `n` to the job's done count, saved at once so a page polling the row sees it."""
    job.done += n
    job.save(update_fields=["done"])


def wait_for_job(job: Job, timeout: float | None = None) -> Job:
    """Wait until the background thread of `job` ends (if it runs here); return the fresh row."""
    thread = _threads.get(job.pk)
    if thread is not None:
        thread.join(timeout)
    job.refresh_from_db()
    return job


def _start_thread(job_pk: int, work: Work) -> None:
    # Not a daemon: a server shutting down waits for the job instead of leaving it "running".
    thread = threading.Thread(
        target=_run_in_thread, args=(job_pk, work), name=f"moderation-job-{job_pk}", daemon=False
    )
    _threads[job_pk] = thread
    thread.start()


def _run_in_thread(job_pk: int, work: Work) -> None:
    try:
        _run(Job.objects.get(pk=job_pk), work)
    finally:
        _threads.pop(job_pk, None)
        # Django closes connections at the end of a request; this thread has no request.
        connection.close()


def _run(job: Job, work: Work) -> None:
    try:
        result = work(job)
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.State.FAILED, f"{type(exc).__name__}: {exc}")
    else:
        _finish(job, Job.State.DONE, result)


def _finish(job: Job, state: Job.State, result: str) -> None:
    job.state = state
    job.result = result
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "result", "finished_at"])
