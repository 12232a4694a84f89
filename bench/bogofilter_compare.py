"""Benchmark: Hamlet against bogofilter, trained on the same grouped splits of the shipped corpora:
quality per evaluation set, then scoring throughput on one core, in bulk and one at a time.

Run from the repository root: `python bench/bogofilter_compare.py [--holdout 0.2] [--json]`.
Needs Debian's `bogofilter` on PATH and the corpora in ../shared/datasets (or $MODERATION_DATASETS).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# `python bench/bogofilter_compare.py` puts bench/ on sys.path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from numpy.typing import NDArray
from sklearn.model_selection import GroupShuffleSplit
from tqdm import tqdm

from moderation.classifier import artifacts
from moderation.classifier.linear_scorer import LinearScorer
from moderation.classifier.metrics import spam_metrics
from moderation.classifier.training import train_model
from moderation.corpora import SHIPPED_SOURCES, load_spec
from moderation.dataset import Dataset, DatasetError, text_group
from moderation.features import CommentData, normalize_text

EVALUATION_ONLY = ("c3", "datacamp")
RANDOM_STATE = 0
BOGOFILTER = "bogofilter"

# The From_ line separates messages in an mbox; its address and date are never tokenised.
_MBOX_FROM = "From bench@localhost Thu Jan  1 00:00:00 1970\n"
# Constant headers, so bogofilter sees exactly what Hamlet's pipeline reads: the comment text.
# The charset line stops bogofilter from decoding UTF-8 text as its default ISO-8859-1.
_HEADERS = (
    "From: author\nSubject: comment\nMIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"
)
# mboxrd quoting: a body line starting with "From " would otherwise start a new message.
_FROM_LINE = re.compile(r"^(>*From )")
# -t with this format prints the verdict letter (S/H/U) and the spamicity to 12 digits; the
# fixed -T format rounds to 6 significant digits, which ties many scores near 0 and 1 for ROC-AUC.
_TERSE_FORMAT = "--terse-format=%1.1c %.12e"
# Throughput: comments scored in bulk by each tool, and one at a time (a process per comment
# for bogofilter, so fewer).
BULK_COMMENTS = 20_000
SINGLE_COMMENTS = 1_000


@dataclass(frozen=True)
class Scores:
    """One tool's scores for an evaluation set, and how long producing them took."""

    is_spam: NDArray[np.int_]
    spamicity: NDArray[np.float64]
    seconds: float
    unsure: int = 0


class Bogofilter:
    """bogofilter with a private wordlist folder and no configuration files (-C)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _run(self, options: Sequence[str], mbox: bytes) -> subprocess.CompletedProcess[bytes]:
        command = [BOGOFILTER, "-C", "-d", str(self.directory), *options]
        result = subprocess.run(command, input=mbox, capture_output=True, check=False)
        # Exit 0/1/2 mean spam/ham/unsure for the last message; 3 is an error.
        if result.returncode not in (0, 1, 2):
            raise RuntimeError(
                f"{' '.join(command)} exited {result.returncode}: {result.stderr.decode().strip()}"
            )
        return result

    def register(self, comments: Sequence[CommentData], *, is_spam: bool) -> float:
        """Register `comments` as spam (-s) or ham (-n); return the seconds bogofilter took."""
        mbox = to_mbox(comments)
        started = time.perf_counter()
        self._run(["-M", "-s" if is_spam else "-n"], mbox)
        return time.perf_counter() - started

    def classify(self, comments: Sequence[CommentData]) -> Scores:
        """Return bogofilter's verdicts (S = spam) and spamicities, one process per call."""
        mbox = to_mbox(comments)
        started = time.perf_counter()
        result = self._run(["-M", "-t", _TERSE_FORMAT], mbox)
        seconds = time.perf_counter() - started
        lines = result.stdout.decode().splitlines()
        if len(lines) != len(comments):
            raise RuntimeError(
                f"bogofilter printed {len(lines)} verdicts for {len(comments)} messages; "
                "the mbox framing is broken."
            )
        letters = [line.split()[0] for line in lines]
        return Scores(
            is_spam=np.array([letter == "S" for letter in letters], dtype=int),
            spamicity=np.array([float(line.split()[1]) for line in lines]),
            seconds=seconds,
            unsure=letters.count("U"),
        )

    def bulk_seconds(self, comments: Sequence[CommentData]) -> float:
        """Return the seconds one `-M -T` process takes to classify all `comments`."""
        mbox = to_mbox(comments)
        started = time.perf_counter()
        result = self._run(["-M", "-T"], mbox)
        seconds = time.perf_counter() - started
        if len(result.stdout.splitlines()) != len(comments):
            raise RuntimeError("bogofilter -M -T printed the wrong number of verdicts.")
        return seconds

    def single_seconds(self, comments: Sequence[CommentData]) -> float:
        """Return the seconds `-T` takes over `comments`, one process per comment, as a filter
        that is run for each message would."""
        messages = [to_mbox([comment]) for comment in comments]
        started = time.perf_counter()
        for message in tqdm(messages, desc="bogofilter, 1 at a time", unit="comment", leave=False):
            self._run(["-T"], message)
        return time.perf_counter() - started

    @staticmethod
    def settings() -> dict[str, str]:
        """Return bogofilter's version and built-in cutoffs, as `bogofilter -C -Q` prints them."""
        output = subprocess.run(
            [BOGOFILTER, "-C", "-Q"], capture_output=True, text=True, check=True
        ).stdout
        found = dict(re.findall(r"^(\w+)\s*=\s*(\S+)", output, flags=re.MULTILINE))
        version = re.search(r"bogofilter version (\S+)", output)
        return {
            "version": version.group(1) if version else "unknown",
            "spam_cutoff": found.get("spam_cutoff", "?"),
            "ham_cutoff": found.get("ham_cutoff", "?"),
        }


def to_mbox(comments: Sequence[CommentData]) -> bytes:
    """Return the comments as one mbox of minimal e-mails, text normalised as Hamlet reads it."""
    messages = []
    for comment in comments:
        # normalize_text collapses all whitespace, so the body is a single line.
        body = _FROM_LINE.sub(r">\1", normalize_text(comment.content))
        messages.append(f"{_MBOX_FROM}{_HEADERS}{body}\n\n")
    return "".join(messages).encode()


def split_sources(holdout: float) -> tuple[list[Dataset], dict[str, Dataset]]:
    """Return the training parts of every shipped source and the evaluation sets by name.

    Each shipped source is split 80/20 (by default) with duplicate texts kept on one side;
    the evaluation-only corpora are evaluated whole.
    """
    training: list[Dataset] = []
    evaluation: dict[str, Dataset] = {}
    for kind in tqdm(SHIPPED_SOURCES, desc="loading + splitting", unit="source"):
        data = load_spec(kind)
        splitter = GroupShuffleSplit(n_splits=1, test_size=holdout, random_state=RANDOM_STATE)
        groups = [text_group(c.content) for c in data.comments]
        train_idx, test_idx = next(splitter.split(data.comments, groups=groups))
        training.append(data.subset(train_idx.tolist()))
        evaluation[kind] = data.subset(test_idx.tolist())
    for kind in tqdm(EVALUATION_ONLY, desc="loading evaluation-only", unit="source"):
        evaluation[kind] = load_spec(kind)
    return training, evaluation


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def _rate(count: int, run: Callable[[], object], repeats: int = 3) -> float:
    """Return `count` / the median seconds of `repeats` calls of `run`."""
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return count / statistics.median(seconds)


def throughput(
    pipeline: Any, bogofilter: Bogofilter, evaluation: dict[str, Dataset]
) -> dict[str, Any]:
    """Return comments/s of both tools on the same comments, on one CPU.

    Bulk: Hamlet's predict_proba on the whole sample against one `bogofilter -M -T` process.
    One at a time: Hamlet's LinearScorer, the path score_comment() takes for one comment (and
    predict_proba per comment, for reference), against one `bogofilter -T` process per comment.
    """
    pool = [c for data in evaluation.values() for c in data.comments]
    comments = random.Random(RANDOM_STATE).sample(pool, min(BULK_COMMENTS, len(pool)))
    singles = comments[:SINGLE_COMMENTS]
    all_cpus = os.sched_getaffinity(0)
    cpu = min(all_cpus)
    # bogofilter is single-threaded; pinning this process (and so its children) gives both
    # tools the same one core.
    os.sched_setaffinity(0, {cpu})
    try:
        pipeline.predict_proba(comments[:100])  # warm-up
        hamlet_bulk = _rate(len(comments), lambda: pipeline.predict_proba(comments))
        scorer = LinearScorer.from_pipeline(pipeline)
        for comment in singles[:50]:
            scorer.score_many([comment])
        hamlet_single = _rate(len(singles), lambda: [scorer.score_many([c]) for c in singles])
        sklearn_single = _rate(
            len(singles), lambda: [pipeline.predict_proba([c]) for c in singles], repeats=1
        )
        bogofilter.bulk_seconds(comments[:100])  # warm-up: the wordlist into the page cache
        bogo_bulk = statistics.median(
            len(comments) / bogofilter.bulk_seconds(comments) for _ in range(3)
        )
        bogo_single = len(singles) / bogofilter.single_seconds(singles)
    finally:
        os.sched_setaffinity(0, all_cpus)
    return {
        "cpu": cpu,
        "bulk_comments": len(comments),
        "single_comments": len(singles),
        "hamlet_bulk": hamlet_bulk,
        "hamlet_single": hamlet_single,
        "hamlet_single_predict_proba": sklearn_single,
        "bogofilter_bulk": bogo_bulk,
        "bogofilter_single": bogo_single,
        "bulk_hamlet_over_bogofilter": hamlet_bulk / bogo_bulk,
        "single_hamlet_over_bogofilter": hamlet_single / bogo_single,
    }


def run(holdout: float) -> dict[str, Any]:
    """Train both tools, score every evaluation set, and return the report as a JSON-safe dict."""
    training, evaluation = split_sources(holdout)
    n_train = sum(len(part) for part in training)
    bogo_settings = Bogofilter.settings()

    with tempfile.TemporaryDirectory(prefix="hamlet-bench-") as tmp:
        bogofilter = Bogofilter(Path(tmp) / "wordlist")
        bogofilter.directory.mkdir()
        spam = [c for p in training for c, y in zip(p.comments, p.labels, strict=True) if y == 1]
        ham = [c for p in training for c, y in zip(p.comments, p.labels, strict=True) if y == 0]
        with tqdm(total=2, desc="bogofilter training", unit="list") as progress:
            bogo_seconds = bogofilter.register(spam, is_spam=True)
            progress.update()
            bogo_seconds += bogofilter.register(ham, is_spam=False)
            progress.update()

        started = time.perf_counter()
        result = train_model(training, Path(tmp) / "hamlet")
        hamlet_seconds = time.perf_counter() - started
        threshold = float(result.card["spam_threshold"])
        pipeline = artifacts.load_model(result.directory, result.sha256)

        rows: dict[str, Any] = {}
        for name, data in tqdm(evaluation.items(), desc="scoring", unit="set"):
            started = time.perf_counter()
            probabilities = pipeline.predict_proba(data.comments)[:, 1]
            hamlet_rate = len(data) / (time.perf_counter() - started)
            hamlet = spam_metrics(data.labels, probabilities, threshold)
            hamlet["comments_per_second"] = hamlet_rate

            scores = bogofilter.classify(data.comments)
            # Threshold metrics count bogofilter's own Spam verdicts (Unsure is not spam);
            # ROC-AUC ranks by its spamicity.
            bogo = spam_metrics(data.labels, scores.is_spam, 0.5)
            bogo["roc_auc"] = spam_metrics(data.labels, scores.spamicity, 0.5)["roc_auc"]
            bogo["unsure"] = scores.unsure
            bogo["comments_per_second"] = len(data) / scores.seconds

            rows[name] = {
                "split": "full set" if name in EVALUATION_ONLY else f"{holdout:.0%} held out",
                "n": len(data),
                "spam": int(sum(data.labels)),
                "hamlet": hamlet,
                "bogofilter": bogo,
                "ratios": {
                    "f1_hamlet_over_bogofilter": _ratio(hamlet["f1"], bogo["f1"]),
                    "mcc_hamlet_over_bogofilter": _ratio(hamlet["mcc"], bogo["mcc"]),
                    "fpr_bogofilter_over_hamlet": _ratio(bogo["fpr"], hamlet["fpr"]),
                },
            }
        speed = throughput(pipeline, bogofilter, evaluation)

    return {
        "holdout": holdout,
        "training": {
            "sources": {p.name: {"n": len(p), "spam": int(sum(p.labels))} for p in training},
            "n": n_train,
            "hamlet": {
                "seconds": hamlet_seconds,
                "spam_threshold": threshold,
            },
            "bogofilter": {"seconds": bogo_seconds, **bogo_settings},
        },
        "evaluation": rows,
        "throughput": speed,
    }


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def format_report(report: dict[str, Any]) -> str:
    """Return the report as per-source tables followed by a one-row-per-source summary."""
    training = report["training"]
    bogo = training["bogofilter"]
    lines = [
        f"Training data: {training['n']:,} comments, "
        f"{1 - report['holdout']:.0%} of each of {', '.join(training['sources'])}.",
        f"  Hamlet     {training['hamlet']['seconds']:6.1f} s  (train_model(), wall); "
        f"spam at P(spam) >= {training['hamlet']['spam_threshold']:.3g} (its card's threshold)",
        f"  bogofilter {bogo['seconds']:6.1f} s  (bogofilter {bogo['version']} -s/-n, two mboxes);"
        f" spam at spamicity >= {bogo['spam_cutoff']} (default; Unsure counts as ham)",
        "",
    ]
    header = (
        f"{'':22}{'precision':>10}{'recall':>8}{'fpr':>8}{'f1':>8}{'mcc':>8}"
        f"{'roc_auc':>9}{'comments/s':>12}"
    )
    for name, row in report["evaluation"].items():
        lines.append(
            f"{name} ({row['split']}): n={row['n']:,}, spam={row['spam']:,}, "
            f"bogofilter unsure={row['bogofilter']['unsure']:,}"
        )
        lines.append(header)
        for tool, label in (("hamlet", "Hamlet"), ("bogofilter", "bogofilter")):
            m = row[tool]
            lines.append(
                f"{label:22}{_fmt(m['precision']):>10}{_fmt(m['recall']):>8}"
                f"{_fmt(m['fpr'], 4):>8}{_fmt(m['f1']):>8}{_fmt(m['mcc']):>8}"
                f"{_fmt(m['roc_auc']):>9}{m['comments_per_second']:>12,.0f}"
            )
        ratios = row["ratios"]
        lines.append(
            f"{'Hamlet / bogofilter':22}{'':26}{_fmt(ratios['f1_hamlet_over_bogofilter'], 2):>8}"
            f"{_fmt(ratios['mcc_hamlet_over_bogofilter'], 2):>8}"
        )
        lines.append(
            f"{'bogofilter / Hamlet':22}{'':18}{_fmt(ratios['fpr_bogofilter_over_hamlet'], 2):>8}"
        )
        lines.append("")

    lines.append("Summary (H = Hamlet, B = bogofilter)")
    lines.append(
        f"{'source':11}{'n':>7}{'F1 H':>8}{'F1 B':>8}{'MCC H':>8}{'MCC B':>8}"
        f"{'FPR H':>9}{'FPR B':>9}{'AUC H':>8}{'AUC B':>8}"
    )
    for name, row in report["evaluation"].items():
        h, b = row["hamlet"], row["bogofilter"]
        lines.append(
            f"{name:11}{row['n']:>7,}{_fmt(h['f1']):>8}{_fmt(b['f1']):>8}{_fmt(h['mcc']):>8}"
            f"{_fmt(b['mcc']):>8}{_fmt(h['fpr'], 4):>9}{_fmt(b['fpr'], 4):>9}"
            f"{_fmt(h['roc_auc']):>8}{_fmt(b['roc_auc']):>8}"
        )
    lines.append("— = undefined here: one class only, no spam flagged, or a zero divisor")

    speed = report["throughput"]
    lines += [
        "",
        f"Throughput on one core (CPU {speed['cpu']}), comments/s on the same "
        f"{speed['bulk_comments']:,} evaluation comments (one at a time: the first "
        f"{speed['single_comments']:,})",
        f"{'':26}{'Hamlet':>10}{'bogofilter':>12}{'Hamlet / bogofilter':>21}",
        f"{'in bulk':26}{speed['hamlet_bulk']:>10,.0f}{speed['bogofilter_bulk']:>12,.0f}"
        f"{speed['bulk_hamlet_over_bogofilter']:>21.2f}",
        f"{'one comment at a time':26}{speed['hamlet_single']:>10,.0f}"
        f"{speed['bogofilter_single']:>12,.0f}{speed['single_hamlet_over_bogofilter']:>21.2f}",
        "Hamlet in bulk: predict_proba on all of them; one at a time: LinearScorer, as "
        "score_comment() runs (predict_proba per comment: "
        f"{speed['hamlet_single_predict_proba']:,.0f}/s).",
        "bogofilter in bulk: one -M -T process over one mbox; one at a time: a -T process per "
        "comment, as a filter run for each message.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--holdout", type=float, default=0.2, help="fraction of each source held out (0.2)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not 0 < args.holdout < 1:
        parser.error("--holdout must be between 0 and 1.")
    if shutil.which(BOGOFILTER) is None:
        print(
            "error: bogofilter is not on PATH; install it (Debian/Ubuntu: "
            "apt-get install -y bogofilter) and run this again.",
            file=sys.stderr,
        )
        return 2
    try:
        report = run(args.holdout)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
