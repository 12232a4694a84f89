"""gunicorn's configuration in production: `gunicorn site_demo.wsgi -c gunicorn.conf.py` (gunicorn
also reads ./gunicorn.conf.py on its own). deploy/systemd/hamlet-web.service runs it; the
figures behind its choices are in docs/deployment.md and bench/README.md (worker_memory.py).

The master imports the app and loads the spam model once (`preload_app`); the workers it forks
share those pages, where each would otherwise load its own copy (seconds, and 170 MiB each)
before its first request. Settings come from the environment, each with a default:

    GUNICORN_BIND=127.0.0.1:8000   WEB_CONCURRENCY=<2 x cores>   GUNICORN_MAX_REQUESTS=5000
    GUNICORN_TIMEOUT=30   GUNICORN_ACCESS_LOG=-  (stdout; default: none, nginx keeps one)
    GUNICORN_LOG_LEVEL=info   DJANGO_TRUSTED_PROXIES=127.0.0.1,::1
    PROMETHEUS_MULTIPROC_DIR=/run/hamlet-web/metrics  (prometheus-client's multiprocess mode)
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gunicorn.arbiter import Arbiter
    from gunicorn.workers.base import Worker


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this service may use, not the machine's
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# TCP on loopback, not a Unix socket: over a Unix socket REMOTE_ADDR is empty, so Hamlet would
# see no reader address at all (it reads REMOTE_ADDR, then X-Forwarded-For from a trusted proxy).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Sync workers: one request each at a time. A worker waiting for its COMMIT leaves the core to
# another, so more workers than cores pay on PostgreSQL (bench/README.md).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores())
worker_class = "sync"
preload_app = True
# Replace a worker after this many requests (a leak's bound). With the model preloaded a new
# worker is a fork: its first answer costs milliseconds, not a model load. The jitter keeps
# workers from being replaced at the same moment. 0 turns it off: do that if jobs run in a thread
# of the web process (no Celery), since a replaced worker cuts a running retrain short.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Akismet clients give up after 1 s; a request still running after 30 s is stuck, and the master
# replaces its worker. Stopping, each worker may finish its request for as long.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = timeout
# Only the gthread and async workers keep connections open; sync workers close each one, which
# costs nothing to an nginx on the same machine.
keepalive = 5
# The heartbeat file each worker touches: in memory, so a slow disk cannot make the master think
# a worker hangs.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = "hamlet-web"

# gunicorn believes X-Forwarded-Proto (wsgi.url_scheme) only from these addresses: the same
# proxies Hamlet believes X-Forwarded-For from (site_demo/settings_production.py reads the same
# variable). gunicorn leaves REMOTE_ADDR the address that connected, and must: Hamlet itself
# picks the reader's address out of X-Forwarded-For (moderation/client_address.py), and a
# REMOTE_ADDR already rewritten would make the proxy's own entry look like the reader's.
forwarded_allow_ips = os.environ.get("DJANGO_TRUSTED_PROXIES") or "127.0.0.1,::1"

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicornc's control socket: in the service's runtime directory (RuntimeDirectory= sets
# RUNTIME_DIRECTORY), else none, rather than one $HOME/.gunicorn/gunicorn.ctl shared by every
# gunicorn the user runs.
if os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"].split(":")[0], "gunicorn.ctl")
else:
    control_socket_disable = True

# prometheus-client's multiprocess mode: each worker writes its metrics to files in this folder
# and /metrics adds them up. It must exist before the app is imported (preloading may create
# metrics), and start empty (on_starting).
_METRICS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _METRICS_DIR:
    Path(_METRICS_DIR).mkdir(parents=True, exist_ok=True)


def on_starting(server: Arbiter) -> None:
    """Empty the metrics folder: files left by a previous run would be added to this one's."""
    if not _METRICS_DIR:
        return
    for entry in Path(_METRICS_DIR).iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def when_ready(server: Arbiter) -> None:
    """Load the URLs, the cache's client, the model and the metrics in the master, then hand its
    memory over to the workers unchanged."""
    if _is_django_ready():
        # Django imports ROOT_URLCONF, and with it every view module (DRF, drf-spectacular, …),
        # on the first request: 40 MB and 250 ms in each new worker, unless the master has.
        # A site without a page at the root has had its URLs imported all the same.
        from django.urls import Resolver404, resolve

        with contextlib.suppress(Resolver404):
            resolve("/")
        from django.conf import settings
        from django.core.cache import caches

        # Each cache's backend is imported at its first use, and Django's Redis cache imports
        # redis-py when it first connects (the first rate limit): 60 ms in each new worker.
        caches.all()
        if any(cache["BACKEND"].endswith(".RedisCache") for cache in settings.CACHES.values()):
            importlib.import_module("redis")
    if _is_hamlet_site():
        from moderation.classifier.scoring import warm_up
        from moderation.monitoring import instrumentation

        # site_demo.wsgi has warmed up already (again is a cache hit); a site's own wsgi.py
        # may not have.
        warm_up()
        if instrumentation.is_enabled():
            # Else imported on each worker's first counted comment: 15 ms in every new worker.
            importlib.import_module("moderation.monitoring.metrics")
    _close_connections()
    # Everything loaded so far lives as long as the process. Frozen, the collector never walks
    # it, and so never writes to its pages, which would copy each page into every worker.
    gc.collect()
    gc.freeze()


def pre_fork(server: Arbiter, worker: Worker) -> None:
    """Fork with no open database or cache connection: a socket shared by two processes mixes
    their queries and answers."""
    _close_connections()


def post_worker_init(worker: Worker) -> None:
    """Score a sample comment before the worker takes its first request.

    A new worker's first touch of each shared page copies it (reference counts are writes), and
    the libraries' code is faulted in: its first comment-check made about 4,800 page faults and
    took 26 ms where the next took 3 (gunicorn's access log); scoring a comment first took it
    to 16 ms. No reader waits for that here: the other workers answer meanwhile. It also opens
    the worker's database connection.
    """
    if not _is_hamlet_site():
        return
    from django.db import connection

    from moderation.classifier.scoring import score_comment
    from moderation.features import CommentData

    try:
        connection.ensure_connection()
        score_comment(CommentData(content="Thanks for the article, it helped me a lot."))
    except Exception as exc:  # the first real comment will log it again, and wait as pending
        worker.log.warning("Could not score a sample comment at start-up: %s", exc)


def child_exit(server: Arbiter, worker: Worker) -> None:
    """Drop the gone worker's live gauges from the metrics."""
    if not _METRICS_DIR:
        return
    try:
        from prometheus_client import multiprocess
    except ImportError:  # metrics are optional; without the library there are no files either
        return
    multiprocess.mark_process_dead(worker.pid)


def _is_django_ready() -> bool:
    """Return whether the master has loaded a Django app (preload_app on a Django site)."""
    if "django.apps" not in sys.modules:
        return False
    from django.apps import apps

    return apps.ready


def _is_hamlet_site() -> bool:
    if not _is_django_ready():
        return False
    from django.apps import apps

    return apps.is_installed("moderation")


def _close_connections() -> None:
    if not _is_django_ready():
        return  # no Django app loaded here: no connection either
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    for cache in caches.all(initialized_only=True):
        cache.close()
