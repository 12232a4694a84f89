"""The whole run: set up a fresh site, serve it, and for each scenario warm up, load, meter
and count what was stored; returns the report `report.format_report` prints."""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from tqdm import tqdm

from .fixtures import BENCH_RATE, bench_env, fresh_postgres, run_site_data, sample_texts
from .httpx_load import run_httpx
from .measurement import CpuMeter, latency, machine, sqlite_commit_ms
from .profiling import profile_summary
from .scenarios import SCENARIOS, Scenario, Target
from .server import CONFIGS, Server
from .wrk_load import run_wrk

GENERATORS = {"wrk": run_wrk, "python": run_httpx}


def run_scenario(
    scenario: Scenario,
    target: Target,
    server: Server,
    generator: str,
    *,
    warmup: float,
    duration: float,
) -> dict[str, Any]:
    """Warm up, load the server for `duration` seconds, then count what was stored."""
    generate = GENERATORS[generator]
    prefix = f"bench-{scenario.name}-"
    with tqdm(total=round(warmup + duration), desc=scenario.label, unit="s") as bar:
        if warmup > 0:
            generate(scenario, f"warm{scenario.name}", warmup, target, bar)
        time.sleep(1)  # let the warm-up's last requests finish
        before = run_site_data(target.env, "count", prefix)
        log_start = server.log.stat().st_size
        with CpuMeter(server.process.pid) as cpu:
            run = generate(scenario, f"bench-{scenario.name}", duration, target, bar)
    time.sleep(1)  # requests in flight when the generator stopped finish on the server
    after = run_site_data(target.env, "count", prefix)
    with server.log.open("rb") as log:
        log.seek(log_start)
        server_log = log.read().decode(errors="replace")

    accepted_status = 302 if scenario.mode == "form" else 200
    comment_kind = "post" if scenario.mode == "form" else scenario.mode
    statuses = Counter(f"{r.kind} {r.status}" for r in run.records)
    accepted = {
        r.tag for r in run.records if r.kind == comment_kind and r.status == accepted_status
    }
    stored = Counter(after["tags"])
    responses = len([r for r in run.records if r.status])
    bad_status = sum(1 for r in run.records if r.status and not 200 <= r.status < 400)
    # A comment-bearing request answered with a 2xx/3xx other than the expected one is an
    # error too (a 200 error page for the form, say).
    wrong_answer = sum(
        1
        for r in run.records
        if r.kind == comment_kind and 200 <= r.status < 400 and r.status != accepted_status
    )
    errors = {
        "status": bad_status,
        "wrong_answer": wrong_answer,
        **run.socket_errors,
        "database_locked": server_log.count("database is locked"),
        "tracebacks": server_log.count("Traceback"),
        "worker_timeouts": server_log.count("WORKER TIMEOUT"),
    }
    # The log counts are not added: each logged failure is already a 500 among the statuses.
    request_errors = bad_status + wrong_answer + sum(run.socket_errors.values())
    per_response = 1000 / max(responses, 1)  # seconds -> ms per response
    return {
        "scenario": scenario.name,
        "label": scenario.label,
        "clients": scenario.clients,
        "seconds": run.seconds,
        "responses": responses,
        "requests_per_second": responses / run.seconds,
        "comments_per_second": len(accepted) / run.seconds,
        "latency": {
            kind: latency([r for r in run.records if r.kind == kind])
            for kind in sorted({r.kind for r in run.records})
        },
        "statuses": dict(sorted(statuses.items())),
        "errors": errors,
        "request_errors": request_errors,
        "accepted": len(accepted),
        "stored": sum(stored.values()),
        "lost": len(accepted - set(stored)),
        "duplicated": sum(n - 1 for n in stored.values() if n > 1),
        # Stored but never answered with success: in flight when the generator stopped, or
        # answered with an error after the row was written.
        "stored_unacknowledged": len(set(stored) - accepted),
        "api_calls_counted": after["api_calls"] - before["api_calls"],
        "cpu": {
            "machine_busy": cpu.busy / cpu.capacity if cpu.capacity else 0.0,
            "server_ms_per_response": cpu.server * per_response,
            "generator_ms_per_response": cpu.generator * per_response,
            "other_ms_per_response": max(cpu.busy - cpu.server - cpu.generator, 0) * per_response,
        },
    }


def run(args: argparse.Namespace, generator: str) -> dict[str, Any]:
    """Set up a fresh site, serve it, run the scenarios, and return the report."""
    texts, kinds = sample_texts()
    tmp = Path(tempfile.mkdtemp(prefix="hamlet-http-"))
    report: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {**machine(), "sqlite_commit_ms": sqlite_commit_ms(tmp)},
        "generator": generator,
        "texts_from": kinds,
    }
    try:
        with contextlib.ExitStack() as stack:
            database_url = None
            if args.database_url:
                database_url = stack.enter_context(
                    fresh_postgres(args.database_url, keep=args.keep)
                )
            env = bench_env(
                tmp,
                database_url,
                conn_max_age=args.conn_max_age,
                redis_url=args.redis_url,
                sqlite_wal=args.sqlite_wal,
                profile=args.profile,
            )
            (tmp / "profiles").mkdir()
            setup = run_site_data(env, "setup", BENCH_RATE)
            texts_file = tmp / "texts.txt"
            texts_file.write_text("\n".join(quote_plus(t) for t in texts) + "\n")
            server = Server(
                env,
                tmp / "gunicorn.log",
                workers=args.workers,
                worker_class=args.worker_class,
                threads=args.threads,
                config=CONFIGS[args.gunicorn_config],
            )
            stack.callback(server.stop)
            server.wait_ready()
            report["server"] = {
                "database": setup["database"],
                "workers": args.workers,
                "worker_class": args.worker_class,
                "threads": args.threads,
                "gunicorn_config": args.gunicorn_config,
                "conn_max_age": "the demo's default"
                if args.conn_max_age is None
                else args.conn_max_age,
                "cache": "redis" if args.redis_url else "locmem (per worker)",
                "sqlite_wal": bool(args.sqlite_wal),
            }
            target = Target(
                tmp=tmp,
                env=env,
                url=server.url,
                key=setup["key"],
                articles=setup["articles"],
                texts=texts,
                texts_file=texts_file,
            )
            report["scenarios"] = [
                run_scenario(
                    SCENARIOS[name],
                    target,
                    server,
                    generator,
                    warmup=args.warmup,
                    duration=args.duration,
                )
                for name in args.scenarios
            ]
            server.stop()  # workers dump their profiles as they exit
        if args.profile:
            report["profile"] = profile_summary(tmp / "profiles")
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return report
