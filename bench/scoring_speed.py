"""Benchmark: a model's scoring latency and one-core throughput, its size and training time,
each beside its target and beside bogofilter's figure on the same comments and the same core.

Run from the repository root: `python bench/scoring_speed.py [--model DIR|default] [--train]
[--profile] [--json]`. Without bogofilter on PATH the comparison is skipped, with a line saying so.
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
import sklearn
from bogofilter_compare import BOGOFILTER, Bogofilter, _rate
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_info
from tqdm import tqdm

from moderation.classifier import artifacts
from moderation.classifier.linear_scorer import LinearScorer
from moderation.conf import SHIPPED_MODEL_DIR
from moderation.corpora import SHIPPED_SOURCES, load_spec
from moderation.dataset import Dataset, DatasetError
from moderation.features import CommentData

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_MEDIAN_MS = 0.5  # LinearScorer.score, one comment
TARGET_COMMENTS_PER_SECOND = 20_000  # LinearScorer.score_many, a batch of BATCH_SIZE, one core
TARGET_TRAINING_SECONDS = 30.0  # train_model() on every shipped source, 2 cores
TARGET_MODEL_MB = 25.0
SAMPLE_KINDS = (*SHIPPED_SOURCES, "c3", "datacamp")
BATCH_SIZE = 20_000
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


def load_corpora() -> dict[str, Dataset]:
    """Return every corpus of SAMPLE_KINDS that loads, by kind."""
    corpora = {}
    for kind in SAMPLE_KINDS:
        try:
            corpora[kind] = load_spec(kind)
        except DatasetError:
            continue  # a missing corpus only narrows the sample
    return corpora


def sample_comments(corpora: dict[str, Dataset], count: int, seed: int = 0) -> list[CommentData]:
    """Return `count` comments drawn from all of `corpora` (with replacement if too few)."""
    pool = [comment for data in corpora.values() for comment in data.comments]
    rng = random.Random(seed)
    if count <= len(pool):
        return rng.sample(pool, count)
    return rng.choices(pool, k=count)


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


def step_breakdown(
    pipeline: Pipeline, batches: Sequence[list[CommentData]], total_seconds: float
) -> list[dict[str, Any]]:
    """Return each step's share of the time, plus the Pipeline's own overhead, largest first.

    The steps run one by one on each batch: every step but the last in transform, the last in
    predict_proba. `total_seconds` is what predict_proba took on the same batches; what the
    steps do not account for is scikit-learn's Pipeline machinery (validation, routing).
    """
    *transformers, (last, classifier) = pipeline.steps
    totals: dict[str, float] = defaultdict(float)
    for batch in batches:
        data: Any = batch
        for name, step in transformers:
            started = time.perf_counter()
            data = step.transform(data)
            totals[name] += time.perf_counter() - started
        started = time.perf_counter()
        classifier.predict_proba(data)
        totals[last] += time.perf_counter() - started
    totals["(Pipeline overhead)"] = max(total_seconds - sum(totals.values()), 0.0)
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


def folder_mb(directory: Path) -> float:
    """Return the size of every file under `directory`, in MB (10**6 bytes)."""
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file()) / 1e6


def time_training() -> dict[str, Any]:
    """Run train_model() on every shipped source in a child process; return its figures."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
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


def compare_bogofilter(
    corpora: dict[str, Dataset], batch: Sequence[CommentData], singles: Sequence[CommentData]
) -> dict[str, Any]:
    """Train bogofilter on the shipped sources, as the shipped model was, and time it on `batch`
    in bulk and on `singles` one process per comment; return its figures or why it was skipped.

    Call it pinned to the CPU Hamlet was timed on: bogofilter's processes inherit the affinity.
    """
    if shutil.which(BOGOFILTER) is None:
        return {"skipped": "bogofilter is not on PATH (Debian/Ubuntu: apt-get install bogofilter)"}
    shipped = [corpora[kind] for kind in SHIPPED_SOURCES if kind in corpora]
    if not shipped:
        return {"skipped": "no shipped corpus loaded to train it on"}
    rows = [pair for data in shipped for pair in zip(data.comments, data.labels, strict=True)]
    spam = [comment for comment, label in rows if label == 1]
    ham = [comment for comment, label in rows if label != 1]
    try:
        with tempfile.TemporaryDirectory(prefix="hamlet-bogofilter-") as wordlist:
            bogofilter = Bogofilter(Path(wordlist))
            training_seconds = bogofilter.register(spam, is_spam=True)
            training_seconds += bogofilter.register(ham, is_spam=False)
            size_mb = folder_mb(Path(wordlist))
            bogofilter.bulk_seconds(batch[:100])  # warm-up: the wordlist into the page cache
            bulk = [bogofilter.bulk_seconds(batch) for _ in range(3)]
            single_seconds = bogofilter.single_seconds(singles)
        version = Bogofilter.settings()["version"]
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        return {"skipped": f"bogofilter failed: {type(exc).__name__}: {exc}"}
    return {
        "version": version,
        "training_rows": len(spam) + len(ham),
        "training_seconds": training_seconds,
        "wordlist_mb": size_mb,
        "batch_comments_per_second": len(batch) / sorted(bulk)[1],
        "single_calls": len(singles),
        "single_comments_per_second": len(singles) / single_seconds,
    }


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
            "load_average": os.getloadavg()[0],
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
        scorer = LinearScorer.from_pipeline(pipeline)
    except (AttributeError, ImportError, ValueError) as exc:
        # joblib files name the functions they were fitted with; a refactor can remove them.
        raise artifacts.ModelLoadError(
            f"{directory} needs code that no longer exists ({exc}); retrain the model."
        ) from exc
    report["load_seconds"] = time.perf_counter() - started
    report["version"] = artifacts.read_card(directory).get("version", "?")

    corpora = load_corpora()
    comments = sample_comments(corpora, max(calls, BATCH_SIZE))
    singles, batch = comments[:calls], comments[:BATCH_SIZE]
    report["sample"] = {
        "kinds": list(corpora),
        "median_chars": float(np.median([len(c.content) for c in singles])),
    }

    # The headline figures: what scoring runs, for one comment and for a batch.
    seconds = time_single_calls(scorer.score, singles, "LinearScorer.score, 1 comment")
    report["single"] = latency_summary(seconds)
    scorer.score_many(batch[:100])  # warm-up
    report["batch_comments_per_second"] = _rate(len(batch), lambda: scorer.score_many(batch))

    # For reference: the Pipeline's own path, and where its time goes step by step.
    def score_one(comment: CommentData) -> object:
        return pipeline.predict_proba([comment])

    seconds = time_single_calls(score_one, singles, "predict_proba, 1 comment")
    report["predict_proba_single"] = latency_summary(seconds)
    report["single_steps"] = step_breakdown(pipeline, [[c] for c in singles], sum(seconds))
    pipeline.predict_proba(batch[:100])  # warm-up
    rate = _rate(len(batch), lambda: pipeline.predict_proba(batch))
    report["predict_proba_batch_comments_per_second"] = rate
    report["batch_steps"] = step_breakdown(pipeline, [batch], len(batch) / rate)

    if profile:
        report["profile"] = {
            "single": profile_top(lambda: [scorer.score(c) for c in singles[:500]]),
            "batch": profile_top(lambda: scorer.score_many(batch)),
        }
    if with_django:
        report["django"] = django_latency(directory, singles)
    model_file_mb = (directory / artifacts.MODEL_FILE).stat().st_size / 1e6
    report["size"] = {"folder_mb": folder_mb(directory), "model_file_mb": model_file_mb}
    report["bogofilter"] = compare_bogofilter(corpora, batch, singles)

    os.sched_setaffinity(0, all_cpus)
    if train:
        report["training"] = time_training()
    return report


def _verdict(is_met: bool) -> str:
    return "yes" if is_met else "NO"


def format_report(report: dict[str, Any]) -> str:
    """Return the figures beside their targets and bogofilter's, then where the time goes."""
    env = report["environment"]
    threads = ", ".join(f"{p['library']}={p['threads']}" for p in env["threadpools"]) or "none"
    bogo = report["bogofilter"]
    lines = [
        f"Model {report['model']} ({report['version']}), verified and loaded in "
        f"{report['load_seconds']:.2f} s",
        f"Comments sampled from {', '.join(report['sample']['kinds'])} "
        f"(median {report['sample']['median_chars']:.0f} characters)",
        f"Pinned to CPU {env['cpu']}; thread pools: {threads}; Python {env['python']}, "
        f"numpy {env['numpy']}, scikit-learn {env['scikit-learn']}; "
        f"load average {env['load_average']:.2f} at start",
        "",
        f"{'figure':52}{'Hamlet':>11}{'target':>12}{'met':>5}{'bogofilter':>12}  Hamlet is",
    ]

    def row(label: str, *cells: str) -> None:
        """Add a row; cells: Hamlet, target, met, bogofilter, ratio (missing ones blank)."""
        *right, ratio = (*cells, "", "", "", "", "")[:5]
        aligned = "".join(
            f"{cell:>{width}}" for cell, width in zip(right, (11, 12, 5, 12), strict=True)
        )
        lines.append(f"{label:52}{aligned}  {ratio}".rstrip())

    def versus(key: str, fmt: str, hamlet: float, what: str) -> list[str]:
        """Return bogofilter's cell and Hamlet's figure / bogofilter's ("N.NNx bogofilter's
        rate"), or nothing if bogofilter was skipped."""
        if key not in bogo:
            return []
        return [fmt.format(bogo[key]), f"{hamlet / bogo[key]:.2f}x bogofilter's {what}"]

    single = report["single"]
    row(
        f"1 comment, LinearScorer.score, median ({single['calls']:,} calls)",
        f"{single['median_ms']:.2f} ms",
        f"<= {TARGET_MEDIAN_MS:g} ms",
        _verdict(single["median_ms"] <= TARGET_MEDIAN_MS),
    )
    row("1 comment, LinearScorer.score, p99", f"{single['p99_ms']:.2f} ms")
    # From the mean call, not the median: bogofilter's figure is comments / total time.
    rate = 1000 / single["mean_ms"]
    row(
        "1 comment at a time, LinearScorer.score, comments/s",
        f"{rate:,.0f}",
        "",
        "",
        *versus("single_comments_per_second", "{:,.0f}", rate, "rate"),
    )
    rate = report["batch_comments_per_second"]
    row(
        f"batch of {BATCH_SIZE:,}, LinearScorer.score_many, comments/s",
        f"{rate:,.0f}",
        f">= {TARGET_COMMENTS_PER_SECOND:,}",
        _verdict(rate >= TARGET_COMMENTS_PER_SECOND),
        *versus("batch_comments_per_second", "{:,.0f}", rate, "rate"),
    )
    size = report["size"]
    row(
        "model folder size (bogofilter: its wordlist)",
        f"{size['folder_mb']:.1f} MB",
        f"< {TARGET_MODEL_MB:g} MB",
        _verdict(size["folder_mb"] < TARGET_MODEL_MB),
        *versus("wordlist_mb", "{:.1f} MB", size["folder_mb"], "size"),
    )
    training = report.get("training")
    if training:
        row(
            f"train_model, shipped sources ({training['rows']:,} rows, {training['cores']} cores)",
            f"{training['train_model_seconds']:.1f} s",
            f"<= {TARGET_TRAINING_SECONDS:g} s",
            _verdict(training["train_model_seconds"] <= TARGET_TRAINING_SECONDS),
            *versus("training_seconds", "{:.1f} s", training["train_model_seconds"], "time"),
        )
        row("  whole child process (imports, loading)", f"{training['process_seconds']:.1f} s")
        row("  training peak RSS", f"{training['peak_rss_mb']:,.0f} MB")

    lines += ["", "For reference (no targets):"]
    proba = report["predict_proba_single"]
    row("1 comment, pipeline.predict_proba, median", f"{proba['median_ms']:.2f} ms")
    row(
        f"batch of {BATCH_SIZE:,}, pipeline.predict_proba, comments/s",
        f"{report['predict_proba_batch_comments_per_second']:,.0f}",
    )
    django = report.get("django")
    if django and "skipped" in django:
        row("1 comment, score_comment()", "skipped")
        lines.append(f"  ({django['skipped']})")
    elif django:
        for key, label in (("no_active_version", "no active"), ("active_version", "active")):
            for stat in ("median", "p99"):
                figure = django[key][f"{stat}_ms"]
                row(f"1 comment, score_comment(), {label} version, {stat}", f"{figure:.2f} ms")

    lines.append("")
    if "skipped" in bogo:
        lines.append(f"bogofilter comparison skipped: {bogo['skipped']}.")
    else:
        lines += [
            f"bogofilter {bogo['version']}, on Hamlet's CPU: its wordlist registered (-s / -n) "
            f"from the {bogo['training_rows']:,} comments",
            f"of the shipped sources in {bogo['training_seconds']:.1f} s; the same "
            f"{BATCH_SIZE:,} comments in one -M -T process (median of 3);",
            f"the same {bogo['single_calls']:,} comments one at a time, a -T process each. "
            "'Hamlet is' = Hamlet's figure /",
            "bogofilter's: above 1x favours Hamlet for a rate, below 1x for a size or a time.",
        ]

    calls = report["single"]["calls"]
    lines += ["", f"Where predict_proba's one-comment time goes (mean of {calls:,} calls):"]
    for step in report["single_steps"]:
        per_call = step["seconds"] / calls * 1000
        lines.append(f"  {step['step']:58}{per_call:8.3f} ms{step['share']:7.1%}")
    lines += ["", f"Where predict_proba's batch time goes ({BATCH_SIZE:,} comments):"]
    for step in report["batch_steps"]:
        per_comment = step["seconds"] / BATCH_SIZE * 1e6
        lines.append(
            f"  {step['step']:58}{step['seconds']:8.3f} s {per_comment:7.1f} µs/comment"
            f"{step['share']:7.1%}"
        )

    titles = (
        ("single", f"{min(calls, 500):,} LinearScorer.score calls"),
        ("batch", "one score_many batch"),
    )
    for key, title in titles:
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
