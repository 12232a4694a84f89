"""Load from wrk: one thread and one connection per client, running `load.lua`, which logs
every response; the preferred generator, as it takes little of the shared CPU."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from .scenarios import REQUEST_TIMEOUT, LoadRun, Record, Scenario, Target, tick

WRK = "wrk"
LUA_SCRIPT = Path(__file__).with_name("load.lua")


def run_wrk(
    scenario: Scenario, prefix: str, duration: float, target: Target, progress: tqdm[Any]
) -> LoadRun:
    """Run wrk with one thread and one connection per client; return its logged responses."""
    logs = Path(tempfile.mkdtemp(prefix="wrk-", dir=target.tmp))
    env = {
        **os.environ,
        "HAMLET_MODE": scenario.mode,
        "HAMLET_PREFIX": prefix,
        "HAMLET_KEY": target.key,
        "HAMLET_TEXTS": str(target.texts_file),
        "HAMLET_ARTICLES": ",".join(target.articles),
        "HAMLET_LOGS": str(logs),
    }
    command = [
        WRK,
        f"--threads={scenario.clients}",
        f"--connections={scenario.clients}",
        f"--duration={max(1, round(duration))}s",
        f"--timeout={REQUEST_TIMEOUT:.0f}s",
        f"--script={LUA_SCRIPT}",
        target.url,
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    while process.poll() is None:
        time.sleep(1)
        tick(progress)
    output = process.stdout.read() if process.stdout else ""
    line = next((ln for ln in output.splitlines() if ln.startswith("HAMLET_JSON ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{output}")
    summary = json.loads(line.removeprefix("HAMLET_JSON "))
    records = []
    for path in logs.glob("thread-*.log"):
        for row in path.read_text().splitlines():
            kind, tag, status, micros = row.split()
            records.append(Record(kind, tag, int(status), int(micros)))
    return LoadRun(
        records,
        summary["duration_us"] / 1e6,
        {name: summary[name] for name in ("connect", "read", "write", "timeout")},
    )
