"""A fresh site for each run: its database, its environment, and the comment texts to send."""

from __future__ import annotations

import contextlib
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from moderation.corpora import SHIPPED_SOURCES, load_spec
from moderation.dataset import DatasetError

from .scenarios import REPO_ROOT

TEXT_SAMPLE = 2000
MAX_TEXT_CHARS = 2000  # the form allows 5000; corpora have a few very long texts
BENCH_RATE = "1000000/min"  # the benchmark key's own rate: measure the server, not the limit


def sample_texts(count: int = TEXT_SAMPLE, seed: int = 0) -> tuple[list[str], list[str]]:
    """Return `count` real comment texts (spam and ham) from the shipped corpora that load."""
    pool: list[str] = []
    kinds = []
    for kind in SHIPPED_SOURCES:
        try:
            pool += [c.content for c in load_spec(kind).comments]
        except DatasetError:
            continue  # a missing corpus only narrows the sample
        kinds.append(kind)
    texts = [" ".join(t.split())[:MAX_TEXT_CHARS] for t in pool]
    texts = [t for t in texts if t]
    if not texts:  # no corpora here: a fixed pair still exercises every path
        texts, kinds = ["Thanks, a useful article.", "Cheap pills at example.com!"], ["built-in"]
    return random.Random(seed).choices(texts, k=count), kinds


@contextlib.contextmanager
def fresh_postgres(url: str, *, keep: bool) -> Iterator[str]:
    """Create an empty database beside the one `url` names; yield its URL; drop it after."""
    import psycopg

    name = f"hamlet_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        if not keep:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_env(
    tmp: Path,
    database_url: str | None,
    *,
    conn_max_age: int | None,
    redis_url: str | None,
    sqlite_wal: bool,
    profile: bool,
) -> dict[str, str]:
    """Return the environment of the server and the set-up children."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DATABASE_CONN_MAX_AGE", "CELERY_BROKER_URL")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEMO_VAR_DIR": str(tmp / "var"),
        "PYTHONPATH": str(REPO_ROOT),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    if conn_max_age is not None:
        env["DATABASE_CONN_MAX_AGE"] = str(conn_max_age)
    if redis_url:
        env["REDIS_URL"] = redis_url
    if sqlite_wal:
        env["BENCH_SQLITE_WAL"] = "1"
    if profile:  # gunicorn_conf profiles the workers when this is set
        env["HAMLET_PROFILE_DIR"] = str(tmp / "profiles")
    return env


def run_site_data(env: dict[str, str], command: str, value: str) -> dict[str, Any]:
    """Run `site_data` `command` (setup / count) in a child with `env`; return its JSON."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.site_load.site_data", command, value],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"a set-up step failed:\n{result.stderr.strip()}")
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data
