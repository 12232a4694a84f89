"""Benchmark: a model's scoring latency and one-core throughput, its size and training time.

Run from the repository root: `python bench/scoring_speed.py [--model DIR|default] [--train]
[--profile] [--json]`. Each figure is printed beside its target.
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# "One core" means one thread too: BLAS and OpenMP size their pools when numpy, scipy and
# scikit-learn load, so these must be set before any of them is imported.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

# `python bench/scoring_speed.py` puts bench/ on sys.path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import scipy.sparse
import sklearn
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_info
from tqdm import tqdm

from moderation.classifier import artifacts
from moderation.classifier.linear_scorer import LinearScorer
from moderation.conf import SHIPPED_MODEL_DIR
from moderation.corpora import SHIPPED_SOURCES, DatasetError, load_spec
from moderation.features import CommentData

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_MEDIAN_MS = 1.0
TARGET_COMMENTS_PER_SECOND = 20_000
TARGET_TRAINING_SECONDS = 60.0
TARGET_MODEL_MB = 25.0
SAMPLE_KINDS = (*SHIPPED_SOURCES, "c3", "datacamp")
BATCH_SIZES = (1_000, 20_000)
WARMUP_CALLS = 50

# Run in a fresh interpreter with the normal thread settings and every core, as
# `python -m training train --shipped` runs; its own rusage is then the training's peak RSS.
_TRAIN_CHILD = """
import json, resource, tempfile, time
from pathlib import Path
from moderation.corpora import SHIPPED_SOURCES, load_spec
from moderation.classifier.training import train_model
started = time.perf_counter()
datasets = [load_spec(kind) for kind in SHIPPED_SOURCES]
loaded = time.perf_counter()
with tempfile.TemporaryDirectory() as out:
    train_model(datasets, Path(out))
trained = time.perf_counter()
print(json.dumps({
    "rows": sum(len(d) for d in datasets),
    "load_seconds": loaded - started,
    "train_model_seconds": trained - loaded,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def sample_comments(count: int, seed: int = 0) -> tuple[list[CommentData], list[str]]:
    """Return `count` comments drawn from every corpus that loads, and the kinds that did."""
    pool: list[CommentData] = []
    kinds = []
    for kind in SAMPLE_KINDS:
        try:
            pool.extend(load_spec(kind).comments)
        except DatasetError:
            continue  # a missing corpus only narrows the sample
        kinds.append(kind)
    rng = random.Random(seed)
    if count <= len(pool):
        return rng.sample(pool, count), kinds
    return rng.choices(pool, k=count), kinds


def time_single_calls(
    score: Callable[[CommentData], object], comments: Sequence[CommentData], desc: str
) -> list[float]:
    """Return the seconds each one-comment call took, after a short warm-up."""
    for comment in comments[:WARMUP_CALLS]:
        score(comment)
    seconds = []
    for comment in tqdm(comments, desc=desc, unit="call", leave=False):
        started = time.perf_counter()
        score(comment)
        seconds.append(time.perf_counter() - started)
    return seconds


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """Return the median, p90, p99, mean and max of call times in milliseconds."""
    ms = np.asarray(seconds) * 1000
    return {
        "calls": len(ms),
        "median_ms": float(np.median(ms)),
        "p90_ms": float(np.percentile(ms, 90)),
        "p99_ms": float(np.percentile(ms, 99)),
        "mean_ms": float(ms.mean()),
        "max_ms": float(ms.max()),
    }


def step_seconds(pipeline: Pipeline, comments: list[CommentData]) -> dict[str, float]:
    """Return the seconds each pipeline step takes on `comments`, running the steps one by one.

    Nested Pipelines and FeatureUnions are walked; the final step is timed in predict_proba.
    """
    timings: dict[str, float] = defaultdict(float)
    data: Any = comments
    for name, step in pipeline.steps[:-1]:
        data = _timed_transform(step, data, name, timings)
    name, classifier = pipeline.steps[-1]
    started = time.perf_counter()
    classifier.predict_proba(data)
    timings[name] += time.perf_counter() - started
    return dict(timings)


def _timed_transform(estimator: Any, data: Any, name: str, timings: dict[str, float]) -> Any:
    if estimator is None or estimator == "passthrough":
        return data
    if isinstance(estimator, Pipeline):
        for step_name, step in estimator.steps:
            data = _timed_transform(step, data, f"{name}/{step_name}", timings)
        return data
    if isinstance(estimator, FeatureUnion):
        parts = [
            _timed_transform(part, data, f"{name}/{part_name}", timings)
            for part_name, part in estimator.transformer_list
            if part != "drop"
        ]
        started = time.perf_counter()
        if any(scipy.sparse.issparse(part) for part in parts):
            stacked = scipy.sparse.hstack(parts).tocsr()
        else:
            stacked = np.hstack(parts)
        timings[f"{name}/(hstack)"] += time.perf_counter() - started
        return stacked
    started = time.perf_counter()
    data = estimator.transform(data)
    timings[name] += time.perf_counter() - started
    return data


def step_breakdown(
    pipeline: Pipeline, batches: Sequence[list[CommentData]], total_seconds: float
) -> list[dict[str, Any]]:
    """Return each step's share of the time, plus the Pipeline's own overhead, largest first.

    `total_seconds` is what predict_proba took on the same batches; what the one-by-one steps
    do not account for is sklearn's Pipeline / FeatureUnion machinery (validation, routing).
    """
    totals: dict[str, float] = defaultdict(float)
    for batch in batches:
        for name, seconds in step_seconds(pipeline, batch).items():
            totals[name] += seconds
    totals["(Pipeline/FeatureUnion overhead)"] = max(total_seconds - sum(totals.values()), 0.0)
    whole = sum(totals.values())
    return [
        {"step": name, "seconds": seconds, "share": seconds / whole}
        for name, seconds in sorted(totals.items(), key=lambda item: -item[1])
    ]


def profile_top(run: Callable[[], object], limit: int = 15) -> list[dict[str, Any]]:
    """Return cProfile's `limit` functions with the most own time (tottime) while `run` runs."""
    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler)
    rows = []
    for (file, line, function), (_, calls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = file.split("site-packages/")[-1].replace(str(REPO_ROOT) + "/", "")
        rows.append(
            {
                "function": f"{where}:{line}({function})",
                "calls": calls,
                "tottime_s": tottime,
                "cumtime_s": cumtime,
            }
        )
    rows.sort(key=lambda row: -row["tottime_s"])
    return rows[:limit]


def django_latency(directory: Path, comments: Sequence[CommentData]) -> dict[str, Any]:
    """Time moderation.classifier.scoring.score_comment(), with and without an active version.

    Django is configured here with an in-memory SQLite database, so a real site's database
    round trip (one query per call) costs more than measured. The registered version's files go
    to a temporary MEDIA_ROOT, removed at exit, not into the current folder.
    """
    try:
        import django
        from django.conf import settings
        from django.core.management import call_command

        media = tempfile.mkdtemp(prefix="hamlet-scoring-media-")
        atexit.register(shutil.rmtree, media, ignore_errors=True)
        settings.configure(
            INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "moderation"],
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
            DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
            USE_TZ=True,
            MEDIA_ROOT=media,
            MODERATION={"DEFAULT_MODEL_DIR": directory},
        )
        django.setup()
        call_command("migrate", verbosity=0)
        # Importable only once Django is set up: scoring reads ModelVersion rows.
        from moderation.classifier import registry, scoring

        result = {}
        seconds = time_single_calls(scoring.score_comment, comments, "score_comment, default")
        result["no_active_version"] = latency_summary(seconds)
        registry.activate_model(registry.register_model(directory))
        seconds = time_single_calls(scoring.score_comment, comments, "score_comment, active")
        result["active_version"] = latency_summary(seconds)
        return result
    except Exception as exc:  # optional figure: report why it is missing, never stop the run
        return {"skipped": f"{type(exc).__name__}: {exc}"}


def model_size(directory: Path) -> dict[str, float]:
    """Return the model folder's size and the model file's, in MB (10**6 bytes)."""
    files = [path for path in directory.rglob("*") if path.is_file()]
    return {
        "folder_mb": sum(path.stat().st_size for path in files) / 1e6,
        "model_file_mb": (directory / artifacts.MODEL_FILE).stat().st_size / 1e6,
    }


def time_training() -> dict[str, Any]:
    """Run train_model() on every shipped source in a child process; return its figures."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    }
    started = time.perf_counter()
    # stderr (tqdm's progress bar) goes straight to the terminal.
    result = subprocess.run(
        [sys.executable, "-c", _TRAIN_CHILD],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    figures["process_seconds"] = time.perf_counter() - started
    figures["cores"] = len(os.sched_getaffinity(0))
    return figures


def run(
    directory: Path, *, calls: int, with_django: bool, train: bool, profile: bool
) -> dict[str, Any]:
    """Measure everything asked for and return the report as a JSON-safe dict."""
    all_cpus = os.sched_getaffinity(0)
    # One core for every scoring figure; training (below) gets all cores back.
    os.sched_setaffinity(0, {min(all_cpus)})
    report: dict[str, Any] = {
        "model": str(directory),
        "environment": {
            "cpu": min(all_cpus),
            "threadpools": [
                {"library": pool["internal_api"], "threads": pool["num_threads"]}
                for pool in threadpool_info()
            ],
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
        },
    }
    started = time.perf_counter()
    try:
        pipeline = artifacts.load_model(directory, artifacts.read_checksum(directory))
    except (AttributeError, ImportError) as exc:
        # joblib files name the functions they were fitted with; a refactor can remove them.
        raise artifacts.ModelLoadError(
            f"{directory} needs code that no longer exists ({exc}); retrain the model."
        ) from exc
    report["load_seconds"] = time.perf_counter() - started
    report["version"] = artifacts.read_card(directory).get("version", "?")

    comments, kinds = sample_comments(max(calls, *BATCH_SIZES))
    singles = comments[:calls]
    report["sample"] = {
        "kinds": kinds,
        "median_chars": float(np.median([len(c.content) for c in singles])),
    }

    def score_one(comment: CommentData) -> object:
        return pipeline.predict_proba([comment])

    seconds = time_single_calls(score_one, singles, "predict_proba, 1 comment")
    report["single"] = latency_summary(seconds)
    report["single_steps"] = step_breakdown(pipeline, [[c] for c in singles], sum(seconds))

    report["batches"] = {}
    for size in tqdm(BATCH_SIZES, desc="batches", unit="size", leave=False):
        batch = comments[:size]
        pipeline.predict_proba(batch[:100])  # warm-up
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            pipeline.predict_proba(batch)
            runs.append(time.perf_counter() - started)
        report["batches"][str(size)] = {
            "comments_per_second": size / statistics.median(runs),
            "best_comments_per_second": size / min(runs),
            "seconds": runs,
        }
        if size == max(BATCH_SIZES):
            report["batch_steps"] = step_breakdown(pipeline, [batch], statistics.median(runs))

    # What score_comment() runs: the linear model's arithmetic, without scikit-learn per call.
    scorer = LinearScorer.from_pipeline(pipeline)
    seconds = time_single_calls(scorer.score, singles, "LinearScorer.score, 1 comment")
    report["linear_single"] = latency_summary(seconds)
    report["linear_batches"] = {}
    for size in BATCH_SIZES:
        started = time.perf_counter()
        scorer.score_many(comments[:size])
        report["linear_batches"][str(size)] = size / (time.perf_counter() - started)

    if profile:
        report["profile"] = {
            "single": profile_top(lambda: [score_one(c) for c in singles[:500]]),
            "batch": profile_top(lambda: pipeline.predict_proba(comments[: max(BATCH_SIZES)])),
        }
    if with_django:
        report["django"] = django_latency(directory, singles)
    report["size"] = model_size(directory)

    os.sched_setaffinity(0, all_cpus)
    if train:
        report["training"] = time_training()
    return report


def _verdict(is_met: bool) -> str:
    return "yes" if is_met else "NO"


def format_report(report: dict[str, Any]) -> str:
    """Return the figures beside their targets, then where the time goes."""
    env = report["environment"]
    threads = ", ".join(f"{p['library']}={p['threads']}" for p in env["threadpools"]) or "none"
    lines = [
        f"Model {report['model']} ({report['version']}), verified and loaded in "
        f"{report['load_seconds']:.2f} s",
        f"Comments sampled from {', '.join(report['sample']['kinds'])} "
        f"(median {report['sample']['median_chars']:.0f} characters)",
        f"Pinned to CPU {env['cpu']}; thread pools: {threads}; Python {env['python']}, "
        f"numpy {env['numpy']}, scikit-learn {env['scikit-learn']}",
        "",
        f"{'figure':56}{'measured':>12}{'target':>12}{'met':>5}",
    ]

    def row(label: str, measured: str, target: str = "", met: str = "") -> None:
        lines.append(f"{label:56}{measured:>12}{target:>12}{met:>5}")

    single = report["single"]
    row(
        f"1 comment, predict_proba, median ({single['calls']:,} calls)",
        f"{single['median_ms']:.2f} ms",
        f"<= {TARGET_MEDIAN_MS:g} ms",
        _verdict(single["median_ms"] <= TARGET_MEDIAN_MS),
    )
    row("1 comment, predict_proba, p99", f"{single['p99_ms']:.2f} ms")
    linear = report["linear_single"]
    row(
        "1 comment, LinearScorer.score (what scoring uses), median",
        f"{linear['median_ms']:.2f} ms",
        f"<= {TARGET_MEDIAN_MS:g} ms",
        _verdict(linear["median_ms"] <= TARGET_MEDIAN_MS),
    )
    row("1 comment, LinearScorer.score, p99", f"{linear['p99_ms']:.2f} ms")
    django = report.get("django")
    if django and "skipped" in django:
        row("1 comment, score_comment()", "skipped")
    elif django:
        for key, label in (
            ("no_active_version", "no active version"),
            ("active_version", "active version"),
        ):
            figures = django[key]
            row(
                f"1 comment, score_comment() ({label}), median",
                f"{figures['median_ms']:.2f} ms",
                f"<= {TARGET_MEDIAN_MS:g} ms",
                _verdict(figures["median_ms"] <= TARGET_MEDIAN_MS),
            )
            row(f"1 comment, score_comment() ({label}), p99", f"{figures['p99_ms']:.2f} ms")
    for size, figures in report["batches"].items():
        rate = figures["comments_per_second"]
        row(
            f"batch of {int(size):,}, one core, comments/s (median of 3)",
            f"{rate:,.0f}",
            f">= {TARGET_COMMENTS_PER_SECOND:,}",
            _verdict(rate >= TARGET_COMMENTS_PER_SECOND),
        )
    for size, rate in report["linear_batches"].items():
        row(
            f"batch of {int(size):,}, LinearScorer, one core, comments/s",
            f"{rate:,.0f}",
            f">= {TARGET_COMMENTS_PER_SECOND:,}",
            _verdict(rate >= TARGET_COMMENTS_PER_SECOND),
        )
    size = report["size"]
    row(
        "model folder size",
        f"{size['folder_mb']:.1f} MB",
        f"< {TARGET_MODEL_MB:g} MB",
        _verdict(size["folder_mb"] < TARGET_MODEL_MB),
    )
    training = report.get("training")
    if training:
        row(
            f"train_model, shipped sources ({training['rows']:,} rows, {training['cores']} cores)",
            f"{training['train_model_seconds']:.1f} s",
            f"< {TARGET_TRAINING_SECONDS:g} s",
            _verdict(training["train_model_seconds"] < TARGET_TRAINING_SECONDS),
        )
        row(
            "  whole child process (imports, loading, training)",
            f"{training['process_seconds']:.1f} s",
        )
        row("  training peak RSS", f"{training['peak_rss_mb']:,.0f} MB")

    calls, batch = report["single"]["calls"], max(BATCH_SIZES)
    lines += ["", f"Where one-comment time goes (mean of {calls:,} calls, steps run one by one):"]
    for step in report["single_steps"]:
        per_call = step["seconds"] / calls * 1000
        lines.append(f"  {step['step']:58}{per_call:8.3f} ms{step['share']:7.1%}")
    lines += ["", f"Where batch time goes ({batch:,} comments, steps run one by one):"]
    for step in report["batch_steps"]:
        per_comment = step["seconds"] / batch * 1e6
        lines.append(
            f"  {step['step']:58}{step['seconds']:8.3f} s {per_comment:7.1f} µs/comment"
            f"{step['share']:7.1%}"
        )

    for key, title in (("single", "500 one-comment calls"), ("batch", "one batch")):
        if "profile" not in report:
            break
        lines += ["", f"cProfile, {title}: top functions by own time"]
        lines.append(f"  {'tottime':>8} {'cumtime':>8} {'calls':>9}  function")
        for entry in report["profile"][key]:
            lines.append(
                f"  {entry['tottime_s']:8.3f} {entry['cumtime_s']:8.3f} {entry['calls']:>9,}  "
                f"{entry['function']}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--model", default="default", help="model folder, or 'default'")
    parser.add_argument("--calls", type=int, default=2000, help="one-comment calls to time")
    parser.add_argument("--train", action="store_true", help="also time train_model()")
    parser.add_argument("--profile", action="store_true", help="add cProfile's top functions")
    parser.add_argument(
        "--no-django", action="store_true", help="skip timing score_comment() through Django"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    directory = SHIPPED_MODEL_DIR if args.model == "default" else Path(args.model)
    if args.calls < 1:
        parser.error("--calls must be at least 1.")
    try:
        report = run(
            directory,
            calls=args.calls,
            with_django=not args.no_django,
            train=args.train,
            profile=args.profile,
        )
    except artifacts.ModelLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as exc:
        print(
            f"error: the training run exited {exc.returncode} (its output is above).",
            file=sys.stderr,
        )
        return 1
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
