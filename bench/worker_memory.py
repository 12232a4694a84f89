"""Benchmark: the memory gunicorn's workers hold after serving comment-checks, and how soon a
replaced worker answers, with the README's old command and with the shipped gunicorn.conf.py.

Run from the repository root: `python bench/worker_memory.py [--workers 4] [--checks 10000]`.
A fresh SQLite site in a temporary folder for each configuration (bench/site_load's set-up);
bench/README.md has the method and the latest figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# `python bench/worker_memory.py` puts bench/ on sys.path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psutil

from bench.site_load.fixtures import BENCH_RATE, bench_env, run_site_data, sample_texts
from bench.site_load.measurement import child_pids, machine
from bench.site_load.scenarios import REPO_ROOT
from bench.site_load.server import GUNICORN, Server

TARGET_WORKER_PSS_MIB = 80.0  # each worker's share of memory, with 4 workers after the checks
TARGET_FIRST_CHECK_MS = 50.0  # a replaced worker's first answer
MIB = 2**20


@dataclass(frozen=True)
class Configuration:
    """A way of starting gunicorn: the config file it reads."""

    name: str
    label: str
    config: Path


CONFIGURATIONS = {
    c.name: c
    for c in (
        # /dev/null: with no --config gunicorn would read ./gunicorn.conf.py, the new one.
        Configuration("old", "gunicorn site_demo.wsgi --workers N (no config)", Path("/dev/null")),
        Configuration(
            "production",
            "gunicorn site_demo.wsgi -c gunicorn.conf.py",
            REPO_ROOT / "gunicorn.conf.py",
        ),
    )
}


class Site:
    """A migrated site in a temporary folder: its environment, API key and comment texts."""

    def __init__(self, texts: list[str]) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="hamlet-memory-"))
        self.env = bench_env(
            self.tmp, None, conn_max_age=None, redis_url=None, sqlite_wal=False, profile=False
        )
        try:
            self.key: str = run_site_data(self.env, "setup", BENCH_RATE)["key"]
        except RuntimeError:
            self.remove()
            raise
        self.texts = texts
        self.sent = 0

    def check(self, client: httpx.Client, author: str) -> int:
        """Send one Akismet comment-check, form-encoded as WordPress sends it; return the status."""
        self.sent += 1  # only a tag: a repeat across threads is harmless
        text = self.texts[self.sent % len(self.texts)]
        data = {
            "api_key": self.key,
            "blog": "http://bench.example/",
            "user_ip": f"10.2.{self.sent % 250}.{self.sent % 199 + 1}",
            "user_agent": "worker_memory",
            "comment_type": "comment",
            "comment_author": author,
            "comment_content": f"memory-{self.sent} {text}",
        }
        return client.post("/akismet/1.1/comment-check", data=data).status_code

    def start(self, configuration: Configuration, workers: int) -> Server:
        """Start gunicorn over this site; return once every worker has loaded and sits idle."""
        log = self.tmp / f"gunicorn-{configuration.name}-{workers}.log"
        server = Server(
            self.env,
            log,
            workers=workers,
            worker_class="sync",
            threads=1,
            config=configuration.config,
        )
        try:
            server.wait_ready()
        except RuntimeError:
            server.stop()
            raise
        return server

    def remove(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def memory_of(pid: int) -> dict[str, float]:
    """Return process `pid`'s PSS, USS and RSS in MiB (psutil reads /proc/PID/smaps)."""
    info = psutil.Process(pid).memory_full_info()
    return {"pss": info.pss / MIB, "uss": info.uss / MIB, "rss": info.rss / MIB}


def memory_snapshot(server: Server) -> dict[str, Any]:
    """Return the memory of the master, of each worker, and the total (PSS adds up)."""
    master = memory_of(server.process.pid)
    workers = {pid: memory_of(pid) for pid in child_pids(server.process.pid)}
    return {
        "master": master,
        "workers": workers,
        "total_pss": master["pss"] + sum(w["pss"] for w in workers.values()),
        "total_rss": master["rss"] + sum(w["rss"] for w in workers.values()),
    }


def send_checks(site: Site, url: str, checks: int, clients: int) -> dict[str, Any]:
    """Send `checks` comment-checks from `clients` threads back to back; count the statuses."""
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def client(n: int, share: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            for _ in range(share):
                status = site.check(http, f"Reader {n}")
                with lock:
                    statuses[status] += 1

    shares = [checks // clients + (n < checks % clients) for n in range(clients)]
    threads = [threading.Thread(target=client, args=(n, s)) for n, s in enumerate(shares)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {"statuses": dict(statuses), "seconds": seconds, "per_second": checks / seconds}


def measure_memory(
    site: Site, configuration: Configuration, workers: int, checks: int, clients: int
) -> dict[str, Any]:
    """Serve with `workers` workers; return the memory when ready and after `checks` checks."""
    server = site.start(configuration, workers)
    try:
        idle = memory_snapshot(server)
        load = send_checks(site, server.url, checks, clients)
        time.sleep(1)  # a worker replaced at the very end has finished starting
        after = memory_snapshot(server)
    finally:
        server.stop()
    return {
        "idle": idle,
        "after": after,
        "load": load,
        # Workers that max_requests (or a crash) replaced during the checks.
        "replaced_workers": len(set(idle["workers"]) - set(after["workers"])),
    }


def is_waiting_for_requests(pid: int) -> bool:
    """Return whether worker `pid` sleeps in select() on the listening socket, i.e. has booted.

    Linux's /proc/PID/wchan names the kernel function a sleeping process waits in.
    """
    try:
        return "poll" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


def cpu_ms(pid: int) -> float:
    """Return the CPU time process `pid` has run, in ms (/proc/PID/schedstat: nanoseconds, where
    psutil's cpu_times counts 10 ms ticks)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e6


def replace_worker(server: Server, *, wait_until_booted: bool) -> tuple[float, float | None, int]:
    """SIGKILL the server's one worker; return when its replacement exists, or has booted.

    Returns the moment of the kill (perf_counter's clock), the replacement's boot ms (None if
    not waited for) and its pid.
    """
    (old,) = child_pids(server.process.pid)
    killed = time.perf_counter()
    os.kill(old, signal.SIGKILL)
    deadline = killed + 60
    while (new := child_pids(server.process.pid)) in ([], [old]):
        if time.perf_counter() > deadline:
            raise RuntimeError(f"no worker replaced {old} in 60 s; see {server.log}")
        time.sleep(0.001)
    if not wait_until_booted:
        return killed, None, new[0]
    while not is_waiting_for_requests(new[0]):
        if time.perf_counter() > deadline:
            raise RuntimeError(f"worker {new[0]} never waited for requests; see {server.log}")
        time.sleep(0.001)
    return killed, (time.perf_counter() - killed) * 1000, new[0]


def measure_cold_start(site: Site, configuration: Configuration, restarts: int) -> dict[str, Any]:
    """With one worker, kill it `restarts` times; time the first check its replacement answers.

    Every other time the check is sent once the new worker has booted (as with several
    workers, where the others answer meanwhile): the first check's own cost. In between, it is
    sent as soon as the new process exists, and waits in the listening socket's queue while the
    worker boots, as a reader's request would with one worker.
    """
    server = site.start(configuration, 1)
    booted: list[dict[str, float]] = []
    at_once: list[dict[str, float]] = []
    warm: list[dict[str, float]] = []
    try:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            for _ in range(20):
                site.check(http, "Warm-up")
            for n in range(restarts):
                killed, boot_ms, pid = replace_worker(server, wait_until_booted=n % 2 == 0)
                first = timed_check(site, http, pid)
                first["from_kill_ms"] = (time.perf_counter() - killed) * 1000
                if boot_ms is None:
                    del first["cpu_ms"]  # it holds the boot too
                    at_once.append(first)
                else:
                    booted.append({**first, "boot_ms": boot_ms})
                warm += [timed_check(site, http, pid) for _ in range(10)]
                time.sleep(0.5)
    finally:
        server.stop()
    return {"after_boot": booted, "at_once": at_once, "warm": warm}


def timed_check(site: Site, http: httpx.Client, worker: int) -> dict[str, float]:
    """Send one comment-check to the one worker; return its wall time and the worker's CPU."""
    cpu = cpu_ms(worker)
    sent = time.perf_counter()
    status = site.check(http, "Cold")
    wall = (time.perf_counter() - sent) * 1000
    if status != 200:
        raise RuntimeError(f"a check after a restart answered {status}")
    return {"wall_ms": wall, "cpu_ms": cpu_ms(worker) - cpu}


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Measure each configuration on its own fresh site; return the report."""
    texts, kinds = sample_texts()
    report: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "texts_from": kinds,
        "workers": args.workers,
        "checks": args.checks,
        "clients": args.clients,
        "configurations": {},
    }
    for name in args.configurations:
        configuration = CONFIGURATIONS[name]
        print(f"{configuration.label}: {args.checks:,} checks...", file=sys.stderr)
        site = Site(texts)
        try:
            result = measure_memory(site, configuration, args.workers, args.checks, args.clients)
            if args.restarts:
                print(f"{configuration.label}: {args.restarts} restarts...", file=sys.stderr)
                result["cold_start"] = measure_cold_start(site, configuration, args.restarts)
        finally:
            if args.keep:
                print(f"kept {site.tmp}", file=sys.stderr)
            else:
                site.remove()
        report["configurations"][name] = {"label": configuration.label, **result}
    return report


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {max(values):.1f}"


def _row(what: str, memory: dict[str, float]) -> str:
    return f"  {what:28}{memory['pss']:>9.1f}{memory['uss']:>9.1f}{memory['rss']:>9.1f}"


def format_report(report: dict[str, Any]) -> str:
    """Return the report as text: memory per process, then the cold starts and the targets."""
    m = report["machine"]
    load = ", ".join(f"{x:.2f}" for x in m["load_average"])
    lines = [
        f"{report['date']}; {m['cores']} cores ({m['cpu']}); load average before: {load}",
        f"{report['workers']} sync workers, SQLite; {report['checks']:,} Akismet comment-checks "
        f"from {report['clients']} clients; texts from {', '.join(report['texts_from'])}",
    ]
    verdicts = []
    for name, result in report["configurations"].items():
        lines += ["", f"{name}: {result['label']}"]
        load_run = result["load"]
        lines.append(
            f"  checks: {load_run['per_second']:.0f}/s, statuses {load_run['statuses']}, "
            f"workers replaced during them: {result['replaced_workers']}"
        )
        lines.append(f"  {'MiB':28}{'PSS':>9}{'USS':>9}{'RSS':>9}")
        for moment in ("idle", "after"):
            snapshot = result[moment]
            when = "when ready" if moment == "idle" else "after the checks"
            lines.append(_row(f"master, {when}", snapshot["master"]))
            for pid, worker in sorted(snapshot["workers"].items()):
                lines.append(_row(f"worker {pid}, {when}", worker))
            lines.append(
                f"  {'total, ' + when:28}{snapshot['total_pss']:>9.1f}{'':>9}"
                f"{snapshot['total_rss']:>9.1f}"
            )
        worst = max(w["pss"] for w in result["after"]["workers"].values())
        verdicts.append(_verdict(name, "largest worker PSS", worst, "MiB", TARGET_WORKER_PSS_MIB))
        cold = result.get("cold_start")
        if cold and cold["after_boot"]:
            booted, at_once, warm = cold["after_boot"], cold["at_once"], cold["warm"]
            first = [r["wall_ms"] for r in booted]
            lines.append(
                f"  replaced worker ({len(booted) + len(at_once)} kills; median / max ms): boots "
                f"in {_spread([r['boot_ms'] for r in booted])}; its first check, once booted, "
                f"{_spread(first)} (its CPU {_spread([r['cpu_ms'] for r in booted])})"
            )
            if at_once:
                lines.append(
                    "  a check sent as the new worker starts: answered in "
                    f"{_spread([r['wall_ms'] for r in at_once])}, "
                    f"{_spread([r['from_kill_ms'] for r in at_once])} after the kill"
                )
            lines.append(
                f"  a warm check: {_spread([r['wall_ms'] for r in warm])} "
                f"(its CPU {_spread([r['cpu_ms'] for r in warm])})"
            )
            what = "replaced worker's first check, max"
            verdicts.append(_verdict(name, what, max(first), "ms", TARGET_FIRST_CHECK_MS))
    return "\n".join([*lines, "", "Targets (at most):", *verdicts])


def _verdict(name: str, what: str, value: float, unit: str, target: float) -> str:
    met = "met" if value <= target else "MISSED"
    return f"  {name:12}{what:38}{value:>8.1f} {unit:4}{target:>6.0f}  {met}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark with the options in `argv`; return the exit status."""
    parser = argparse.ArgumentParser(prog="worker_memory.py", description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--checks", type=int, default=10_000, help="comment-checks sent (10,000)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (4)")
    parser.add_argument("--restarts", type=int, default=6, help="worker kills timed (6; 0: none)")
    parser.add_argument(
        "--configurations",
        type=lambda value: value.split(","),
        default=list(CONFIGURATIONS),
        help=f"comma-separated, from {','.join(CONFIGURATIONS)} (default: both)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    unknown = [name for name in args.configurations if name not in CONFIGURATIONS]
    if unknown:
        parser.error(f"unknown configuration {', '.join(unknown)}")
    if not Path(GUNICORN).exists():
        print(f"error: {GUNICORN} is missing; pip install gunicorn", file=sys.stderr)
        return 2
    try:
        report = run(args)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
