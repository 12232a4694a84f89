"""Benchmark: training time and peak memory against corpus size (1k, 10k, 100k comments).

Each size is a sample of the shipped corpora, every source in proportion to its size, drawn
with replacement once a source runs out (duplicates share a text group, so they stay in one
calibration fold). Each size trains in a fresh process: memory figures start from nothing.

Run from the repository root: `python bench/training_cost.py [--sizes 1000,10000,100000]`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SECONDS = 0.05  # how often the process tree's memory is read

# One size in a fresh interpreter with the normal thread settings and every core, as
# retraining runs. It prints one JSON line; its parent samples the memory of its process tree.
_CHILD = """
import gc, json, os, sys, time
import numpy as np
from moderation.dataset import DatasetError
from moderation.corpora import SHIPPED_SOURCES, load_spec
from moderation.classifier.training import fit_datasets

def status_mb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0

size, seed = int(sys.argv[1]), int(sys.argv[2])
started = time.perf_counter()
datasets = []
for kind in SHIPPED_SOURCES:
    try:
        datasets.append(load_spec(kind))
    except DatasetError:
        pass
pool = sum(len(d) for d in datasets)
rng = np.random.default_rng(seed)
parts = []
for d in datasets:
    n = max(round(size * len(d) / pool), 2)
    parts.append(d.subset(rng.choice(len(d), n, replace=n > len(d)).tolist()))
del datasets
gc.collect()
loaded = time.perf_counter()
rss_before = status_mb("VmRSS")
try:  # reset VmHWM, the kernel's peak RSS, so it covers the fit alone (Linux >= 4.0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    peak_field = "VmHWM"
except OSError:
    peak_field = None
print("FIT", flush=True)  # the parent takes the tree's memory before this as its baseline
times = os.times()
fit_started = time.perf_counter()
result = fit_datasets(parts)
fit_seconds = time.perf_counter() - fit_started
peak_main = status_mb(peak_field) if peak_field else None
# Shut the joblib workers down so their CPU time is counted in this process's children.
from joblib.externals.loky import get_reusable_executor
get_reusable_executor().shutdown(wait=True)
after = os.times()
print(json.dumps({
    "rows": sum(len(p) for p in parts),
    "distinct_texts": len({c.content for p in parts for c in p.comments}),
    "spam": int(sum(sum(p.labels) for p in parts)),
    "pool": pool,
    "sources": [p.name for p in parts],
    "load_seconds": loaded - started,
    "fit_seconds": fit_seconds,
    "cpu_seconds": sum(after[:4]) - sum(times[:4]),
    "rss_before_fit_mb": rss_before,
    "peak_main_mb": peak_main,
    "features": result.pipeline.named_steps["features"].n_features,
}))
"""


def tree_pids(root: int) -> list[int]:
    """Return `root` and every process below it."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def pss_mb(pid: int) -> float:
    """Return a process's proportional set size in MB: shared pages split among their users."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass  # the process has just exited
    return 0.0


class TreeMemory(threading.Thread):
    """Sample the summed PSS of a process tree (the child and its joblib workers) until stopped."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak = 0.0
        self.latest = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.latest = sum(pss_mb(pid) for pid in tree_pids(self.root))
            self.peak = max(self.peak, self.latest)
            time.sleep(SAMPLE_SECONDS)


def measure(size: int, seed: int) -> dict[str, Any]:
    """Train on `size` resampled comments in a fresh process; return its figures."""
    process = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(size), str(seed)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    sampler = TreeMemory(process.pid)
    sampler.start()
    baseline = 0.0
    lines = []
    for line in process.stdout:
        if line.strip() == "FIT":
            baseline = sampler.latest
            sampler.peak = baseline  # the peak from here on is the fit's
        else:
            lines.append(line)
    process.wait()
    sampler.stopped.set()
    sampler.join()
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"training {size:,} rows exited {process.returncode}")
    figures: dict[str, Any] = json.loads(lines[-1])
    figures["size"] = size
    figures["tree_pss_before_fit_mb"] = baseline
    figures["tree_peak_pss_mb"] = sampler.peak
    figures["fit_memory_mb"] = max(sampler.peak - baseline, 0.0)
    return figures


def growth_exponent(sizes: Sequence[float], values: Sequence[float]) -> float | None:
    """Return b in value ~ size**b, fitted on log-log; None with fewer than two sizes."""
    points = [(s, v) for s, v in zip(sizes, values, strict=True) if s > 0 and v > 0]
    if len(points) < 2:
        return None
    x, y = np.log([p[0] for p in points]), np.log([p[1] for p in points])
    return float(np.polyfit(x, y, 1)[0])


def run(sizes: Sequence[int], seed: int) -> dict[str, Any]:
    rows = [measure(size, seed) for size in tqdm(sizes, desc="training sizes", unit="size")]
    n = [r["rows"] for r in rows]
    steps = [
        {
            "from": a["rows"],
            "to": b["rows"],
            **{
                name: growth_exponent([a["rows"], b["rows"]], [a[name], b[name]])
                for name in ("fit_seconds", "cpu_seconds", "fit_memory_mb")
            },
        }
        for a, b in zip(rows, rows[1:], strict=False)
    ]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "rows": rows,
        "exponents": {
            "fit_seconds": growth_exponent(n, [r["fit_seconds"] for r in rows]),
            "cpu_seconds": growth_exponent(n, [r["cpu_seconds"] for r in rows]),
            "fit_memory_mb": growth_exponent(n, [r["fit_memory_mb"] for r in rows]),
        },
        "steps": steps,
    }


def format_report(report: dict[str, Any]) -> str:
    load = ", ".join(f"{x:.2f}" for x in report["load_average"])
    pool = report["rows"][0]["pool"] if report["rows"] else 0
    lines = [
        f"{report['date']}; {report['cores']} cores; load average before: {load}",
        f"fit_datasets() on samples of the shipped corpora ({pool:,} comments; larger sizes "
        "repeat comments)",
        "",
        f"{'rows':>9}{'distinct':>10}{'features':>10}{'fit s':>8}{'CPU s':>8}"
        f"{'peak MB':>9}{'fit MB':>8}{'main MB':>9}",
    ]
    for r in report["rows"]:
        features = r["features"]
        main = "—" if r["peak_main_mb"] is None else f"{r['peak_main_mb']:.0f}"
        lines.append(
            f"{r['rows']:>9,}{r['distinct_texts']:>10,}{features:>10,}{r['fit_seconds']:>8.1f}"
            f"{r['cpu_seconds']:>8.1f}{r['tree_peak_pss_mb']:>9.0f}{r['fit_memory_mb']:>8.0f}"
            f"{main:>9}"
        )
    lines += ["", "Growth, cost ~ rows^b (b = 1: linear):"]

    def exponents(values: dict[str, Any]) -> str:
        return ", ".join(
            f"{label} b = {'—' if values[name] is None else f'{values[name]:.2f}'}"
            for name, label in (
                ("fit_seconds", "fit s"),
                ("cpu_seconds", "CPU s"),
                ("fit_memory_mb", "fit MB"),
            )
        )

    lines.append(f"  {'all sizes':>22}: {exponents(report['exponents'])}")
    for step in report["steps"]:
        lines.append(f"  {step['from']:>9,} -> {step['to']:>9,}: {exponents(step)}")
    lines += [
        "",
        "fit s: wall time of fit_datasets() (5 calibration folds, 2 at a time, plus the final "
        "fit); CPU s: its CPU time, joblib workers included",
        "peak MB: most memory of the process and its joblib workers together (PSS, sampled every "
        f"{SAMPLE_SECONDS * 1000:.0f} ms); fit MB: that peak less the memory before the fit "
        "(interpreter, libraries, the comments); main MB: the main process's own peak RSS",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        type=lambda value: [int(v) for v in value.split(",")],
        default=[1_000, 10_000, 100_000],
        help="comma-separated corpus sizes (1000,10000,100000)",
    )
    parser.add_argument("--seed", type=int, default=0, help="resampling seed (0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if any(size < 100 for size in args.sizes):
        parser.error("each size must be at least 100 comments.")
    try:
        report = run(args.sizes, args.seed)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
