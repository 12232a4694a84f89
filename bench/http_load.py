"""Benchmark: the demo site under HTTP load, served by gunicorn on a fresh database.

Scenarios: Akismet comment-check with 32 and with 4 concurrent clients, and the comment form
(GET the article, POST the comment) with 32 clients. Reports requests/s, p50/p99 latency and
errors, then checks every accepted comment was stored exactly once.

Run from the repository root: `python bench/http_load.py [--database-url URL] [--duration 20]`.
Uses wrk (Debian: apt-get install -y wrk) when it is on PATH, else a Python load generator.
The parts live in bench/site_load/ (bench/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

# `python bench/http_load.py` puts bench/ on sys.path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.site_load.cli import main

if __name__ == "__main__":
    sys.exit(main())
