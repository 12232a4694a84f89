"""The command line of bench/http_load.py: parse the options, pick the load generator, run,
and print the report (text or JSON)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from .report import format_report
from .runner import run
from .scenarios import SCENARIOS
from .server import CONFIGS, GUNICORN
from .wrk_load import WRK

DESCRIPTION = "Benchmark: the demo site under HTTP load, served by gunicorn on a fresh database."


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark with the options in `argv`; return the exit status."""
    parser = argparse.ArgumentParser(prog="http_load.py", description=DESCRIPTION)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL URL; a fresh database is created on that server and dropped after "
        "(default: SQLite in a temporary folder)",
    )
    parser.add_argument("--duration", type=float, default=20, help="seconds per scenario (20)")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds before each")
    parser.add_argument(
        "--scenarios",
        type=lambda value: value.split(","),
        default=[name for name, scenario in SCENARIOS.items() if scenario.default],
        help=f"comma-separated, from {','.join(SCENARIOS)} (default: all but the unscored ones)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (1)")
    parser.add_argument(
        "--gunicorn-config",
        choices=tuple(CONFIGS),
        default="bench",
        help="bench: bench/site_load/gunicorn_conf.py (the default); production: the shipped "
        "gunicorn.conf.py (model preloaded in the master, workers recycled)",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="DATABASE_CONN_MAX_AGE seconds (the demo's default: 600 on SQLite, 0 otherwise)",
    )
    parser.add_argument("--redis-url", help="share the cache (rate-limit counts) through Redis")
    parser.add_argument(
        "--sqlite-wal", action="store_true", help="SQLite in WAL mode with IMMEDIATE transactions"
    )
    parser.add_argument(
        "--generator", choices=("auto", "wrk", "python"), default="auto", help="load generator"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the workers; print where time goes"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder/database")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    unknown = [name for name in args.scenarios if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    if args.profile and args.gunicorn_config != "bench":
        parser.error("--profile needs --gunicorn-config bench (its hooks profile the workers).")
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a postgres:// URL (SQLite is the default).")
    if not Path(GUNICORN).exists():
        print(f"error: {GUNICORN} is missing; pip install gunicorn", file=sys.stderr)
        return 2
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which(WRK) else "python"
        if generator == "python":
            print(
                "note: wrk is not installed (Debian/Ubuntu: apt-get install -y wrk); using the "
                "Python load generator, which needs more of the shared CPU.",
                file=sys.stderr,
            )
    elif generator == "wrk" and not shutil.which(WRK):
        print("error: wrk is not on PATH; apt-get install -y wrk", file=sys.stderr)
        return 2
    if os.getloadavg()[0] > 0.7:
        print(
            f"note: load average {os.getloadavg()[0]:.2f}; other work shares the CPU and "
            "lowers the figures.",
            file=sys.stderr,
        )
    try:
        report = run(args, generator)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0
