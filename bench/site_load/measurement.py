"""What a run costs and how the machine behaves: CPU time per process (psutil), response
latencies, the disk's commit time and the machine's description."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from .scenarios import Record


def process_cpu(pid: int) -> float:
    """Return the CPU seconds (user + system) process `pid` has used, 0 if it is gone."""
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


def child_pids(parent: int) -> list[int]:
    """Return the pids whose parent is `parent`."""
    try:
        return [child.pid for child in psutil.Process(parent).children()]
    except psutil.Error:
        return []


def machine_busy() -> tuple[float, float]:
    """Return (busy, total) CPU seconds of the whole machine since boot."""
    times = psutil.cpu_times()
    total = sum(times)
    return total - times.idle - getattr(times, "iowait", 0.0), total


class CpuMeter:
    """CPU seconds used while it runs: by the server, the load generator and everything else."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def _server(self) -> float:
        return sum(process_cpu(p) for p in [self.server_pid, *child_pids(self.server_pid)])

    def _generator(self) -> float:
        # This process (the Python generator) and its waited-for children (wrk).
        times = os.times()
        return times.user + times.system + times.children_user + times.children_system

    def __enter__(self) -> CpuMeter:
        self.start = (self._server(), self._generator(), *machine_busy(), time.perf_counter())
        return self

    def __exit__(self, *exc: object) -> None:
        server, generator, busy, total, wall = self.start
        self.server = self._server() - server
        self.generator = self._generator() - generator
        self.busy = machine_busy()[0] - busy
        self.capacity = machine_busy()[1] - total
        self.wall = time.perf_counter() - wall


def latency(records: Sequence[Record]) -> dict[str, float]:
    """Return the count and the p50 / p90 / p99 / max latency (ms) of the answered records."""
    ms = np.array([r.micros for r in records if r.status]) / 1000
    if not len(ms):
        return {"n": 0}
    return {
        "n": len(ms),
        "p50_ms": float(np.percentile(ms, 50)),
        "p90_ms": float(np.percentile(ms, 90)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
        "over_1s": int((ms >= 1000).sum()),  # Akismet clients give up after 1 s
    }


def machine() -> dict[str, Any]:
    """Return the CPU model, the number of cores and the load average now."""
    # psutil has no CPU model name; /proc/cpuinfo is the one place Linux gives it.
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    return {"cpu": model, "cores": psutil.cpu_count(), "load_average": psutil.getloadavg()}


def sqlite_commit_ms(directory: Path, commits: int = 30) -> dict[str, float]:
    """Return the median ms of one committed INSERT in SQLite on this disk: with the default
    rollback journal (fsync'd several times per commit) and in WAL with synchronous=NORMAL."""
    result = {}
    for mode, pragmas in (("journal", ()), ("wal", ("journal_mode=WAL", "synchronous=NORMAL"))):
        path = directory / f"commit-{mode}.sqlite3"
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
            for pragma in pragmas:
                db.execute(f"PRAGMA {pragma}")
            db.execute("CREATE TABLE t (x INTEGER)")
            seconds = []
            for i in range(commits):
                started = time.perf_counter()
                db.execute("INSERT INTO t VALUES (?)", (i,))
                seconds.append(time.perf_counter() - started)
        result[mode] = 1000 * statistics.median(seconds)
    return result
