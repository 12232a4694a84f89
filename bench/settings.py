"""Settings for bench/http_load.py: the demo site's, run as in production (DEBUG off), with the
form's minimum submit time off so a load generator may post at once. The demo's defaults stay.

BENCH_SQLITE_WAL=1 adds the SQLite options proposed for concurrent writers (WAL, IMMEDIATE
transactions, a longer busy timeout), so they can be measured against the demo's defaults.
"""

from __future__ import annotations

import os
from typing import Any, cast

from moderation.conf import DEFAULTS
from site_demo import settings as demo
from site_demo.settings import *  # noqa: F403

DEBUG = False
# A load generator posts as soon as it has the form (the demo makes people wait 3 s), and
# every simulated reader comes from 127.0.0.1: the benchmark measures the server, not the limits.
MODERATION = {**MODERATION, "MIN_SUBMIT_SECONDS": 0}  # noqa: F405
if "FORM_RATE_PER_IP" in DEFAULTS:
    MODERATION["FORM_RATE_PER_IP"] = None

# With DEBUG off Django logs a 500's traceback only to mail_admins; the benchmark counts them
# (and "database is locked") in gunicorn's log, so send them to stderr too.
_loggers = cast("dict[str, Any]", demo.LOGGING["loggers"])
LOGGING = {
    **demo.LOGGING,
    "loggers": {
        **_loggers,
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

if (
    os.environ.get("BENCH_SQLITE_WAL") == "1"
    and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"  # noqa: F405
):
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        # WAL: readers never wait for the writer. synchronous=NORMAL: a commit appends to the
        # log with no fsync (the log is synced at checkpoints); a power cut may lose the last
        # commits but cannot corrupt the database.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        # Take the write lock at BEGIN, where the busy timeout applies; a deferred transaction
        # that upgrades from read to write fails at once with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,  # seconds a writer waits for the lock
    }
