"""Jobs: long work (a queue recheck, a retraining) with progress in a Job row, run by Celery
when MODERATION["CELERY"] is on, else in a thread of this process, or inline when asked.

Work is named by the dotted path of a function `work(job) -> result text`, so a Celery worker
on another machine can run it. When the broker cannot be reached the job still runs, in a
thread here, and the fallback is logged: the embedded default needs no broker at all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from moderation.conf import get_settings
from moderation.models import Job

logger = logging.getLogger(__name__)

# Running background threads by job pk, so callers (tests, commands) can wait for one.
_threads: dict[int, threading.Thread] = {}


def start_job(
    kind: str,
    total: int,
    work: str,
    *,
    user: AbstractBaseUser | None = None,
    background: bool = True,
) -> Job:
    """Record a running Job and run `work` (a dotted path) on it.

    Without `background` the work runs before this returns and the job comes back finished.
    """
    import_string(work)  # a typo fails here, in the caller, not later in a worker
    # started_by accepts any AUTH_USER_MODEL, which the stubs cannot know.
    job = Job.objects.create(kind=kind, total=total, started_by=user)  # type: ignore[misc]
    if not background:
        run(job.pk, work)
        job.refresh_from_db()
    else:
        # A worker uses its own connection: it must not start before the Job row is committed.
        transaction.on_commit(lambda: _dispatch(job.pk, work))
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


def run(job_pk: int, work: str) -> None:
    """Run `work` on the job (in whatever process or thread calls this) and record the end."""
    job = Job.objects.get(pk=job_pk)
    function: Callable[[Job], str] = import_string(work)
    try:
        result = function(job)
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.State.FAILED, f"{type(exc).__name__}: {exc}")
    else:
        _finish(job, Job.State.DONE, result)


def _dispatch(job_pk: int, work: str) -> None:
    if get_settings()["CELERY"]:
        from moderation.tasks import run_job

        try:
            run_job.apply_async((job_pk, work), retry=False)
            return
        except Exception as exc:  # broker down or misconfigured: the work must still happen
            logger.warning("Celery broker unavailable (%s); running job %s here.", exc, job_pk)
    _start_thread(job_pk, work)


def _start_thread(job_pk: int, work: str) -> None:
    # Not a daemon: a server shutting down waits for the job instead of leaving it "running".
    thread = threading.Thread(
        target=_run_in_thread, args=(job_pk, work), name=f"moderation-job-{job_pk}", daemon=False
    )
    _threads[job_pk] = thread
    thread.start()


def _run_in_thread(job_pk: int, work: str) -> None:
    try:
        run(job_pk, work)
    finally:
        _threads.pop(job_pk, None)
        # Django closes connections at the end of a request; this thread has no request.
        connection.close()


def _finish(job: Job, state: Job.State, result: str) -> None:
    job.state = state
    job.result = result
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "result", "finished_at"])
