"""gunicorn's configuration for http_load.py, passed with `--config`: the app, the timeout and,
with --profile, cProfile around each worker's requests. The run's own values (bind address,
workers, worker class, threads) come as command-line flags, which gunicorn applies over these.

Passing a file also keeps a `gunicorn.conf.py` in the repository root, which gunicorn reads by
default, out of the benchmark's figures.
"""

from __future__ import annotations

import cProfile
import os
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gunicorn.arbiter import Arbiter
    from gunicorn.workers.base import Worker

wsgi_app = "site_demo.wsgi:application"
timeout = 60  # seconds; far above any request, so a stuck worker shows in the log

# Set by http_load.py with --profile: where each worker dumps its profile as it exits.
_PROFILE_DIR = os.environ.get("HAMLET_PROFILE_DIR")
# CPU time, so other work on the machine and waits (fsync, locks) do not inflate it. Created in
# the master before the fork: each worker profiles into its own copy.
_profiler = cProfile.Profile(time.process_time) if _PROFILE_DIR else None


def post_worker_init(worker: Worker) -> None:
    """Profile the worker's handle_request: parsing, the Django app, writing the response and
    request_finished."""
    if _profiler is None:
        return
    profiler = _profiler
    handle = worker.handle_request

    def handle_request(*args: Any, **kwargs: Any) -> Any:
        profiler.enable()
        try:
            return handle(*args, **kwargs)
        finally:
            profiler.disable()

    worker.handle_request = handle_request


def worker_exit(server: Arbiter, worker: Worker) -> None:
    """Dump the worker's profile to HAMLET_PROFILE_DIR as `<pid>.prof`."""
    if _profiler is not None and _PROFILE_DIR:
        _profiler.dump_stats(os.path.join(_PROFILE_DIR, f"{os.getpid()}.prof"))
