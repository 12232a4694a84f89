"""Celery tasks: jobs, and the schedules of retraining and retention for Celery beat.

They are shared tasks, so they run on the site's own Celery app (see site_demo/celery.py).
"""

from __future__ import annotations

from celery import shared_task

from moderation import jobs


@shared_task(name="moderation.run_job", ignore_result=True)
def run_job(job_pk: int, work: str) -> None:
    """Run a Job that start_job() recorded (a recheck, a retraining)."""
    jobs.run(job_pk, work)


@shared_task(name="moderation.retrain", ignore_result=True)
def retrain() -> None:
    """Nightly: retrain from the site's labels; promoted only if not worse (a Job row each)."""
    jobs.start_job("retrain", 0, "moderation.retraining.retrain_job", background=False)


@shared_task(name="moderation.purge", ignore_result=True)
def purge() -> None:
    """Daily: delete spam and removed comments past RETENTION_DAYS, keeping the labels."""
    jobs.start_job("purge", 0, "moderation.retention.purge_job", background=False)
