"""`python -m training report`: the full evaluation of the shipped recipe, with plots and targets.

Runs grouped cross-validation over the shippable corpora, leave-one-source-out (each YouTube
video, each corpus), and the evaluation-only sets on a model trained on everything shippable;
writes evaluation.json, EVALUATION.md and PNG curves, and checks the issue's targets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from moderation.classifier import artifacts
from moderation.classifier.model_card import render_evaluation, write_model_card
from moderation.classifier.thresholds import Thresholds, card_thresholds
from moderation.classifier.training import fit_datasets
from moderation.corpora import SHIPPED_SOURCES, load_jsonl, load_spec
from moderation.dataset import Dataset
from training.evaluate import Predictions, cross_validate, leave_one_out, split_by_group
from training.plots import plot_confusion, plot_curves

EVALUATION_ONLY = ("c3", "datacamp")
# Short, warm, link-free comments the project wrote as held-out data (friendly_readers.md).
FRIENDLY_READERS = Path(__file__).resolve().parent / "friendly_readers.jsonl"
FRIENDLY = "friendly readers"
SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class Target:
    name: str
    section: str
    source: str
    metric: str
    goal: float
    is_maximum: bool = False  # the figure must stay at or below the goal

    def check(self, results: dict[str, dict[str, dict[str, Any]]]) -> tuple[float | None, bool]:
        value = results.get(self.section, {}).get(self.source, {}).get(self.metric)
        if value is None:
            return None, False
        return value, value <= self.goal if self.is_maximum else value >= self.goal


TARGETS = (
    Target("C3 news ham: false-positive rate", "evaluation_only", "c3", "fpr", 0.005, True),
    Target("Civil held out: false-positive rate", "cross_validation", "civil", "fpr", 0.005, True),
    Target("WordPress spam held out: recall", "cross_validation", "wordpress", "recall", 0.95),
    Target("SMS 5-fold: MCC", "cross_validation", "sms", "mcc", 0.95),
    Target("SMS 5-fold: ham FPR", "cross_validation", "sms", "fpr", 0.01, True),
    Target("YouTube leave-one-video-out: mean MCC", "youtube_videos", "mean", "mcc", 0.90),
    Target(
        "YouTube leave-one-video-out: mean ham FPR", "youtube_videos", "mean", "fpr", 0.02, True
    ),
    Target("Friendly readers: filed as spam", "friendly_readers", FRIENDLY, "spam", 0.0, True),
    Target("Friendly readers: held", "friendly_readers", FRIENDLY, "held_rate", 1 / 30, True),
)


def run_report(
    out: Path, *, folds: int = 5, model: Path | None = None, skip_corpora: bool = False
) -> dict[str, Any]:
    """Run every evaluation, write the report into `out`, and return its JSON object."""
    shipped = [load_spec(kind) for kind in SHIPPED_SOURCES]
    results: dict[str, Any] = {}

    cv = cross_validate(shipped, folds=folds)
    results["cross_validation"] = cv.metrics()
    _figures(cv, out, "cross-validation")

    youtube = next(d for d in shipped if d.name == "youtube")
    videos = leave_one_out(shipped, split_by_group(youtube))
    results["youtube_videos"] = _with_mean(videos.metrics())
    _figures(videos, out, "youtube-videos")

    if not skip_corpora:
        corpora = leave_one_out(shipped, shipped)
        results["leave_one_corpus_out"] = corpora.metrics()

    held_out, threshold, friendly = _evaluate_on_held_out_sets(shipped, model, out)
    results["friendly_readers"] = {FRIENDLY: friendly}
    results["evaluation_only"] = held_out.metrics()
    results["evaluation_only"]["threshold"] = {"spam": threshold}
    results["trade_off"] = trade_off(
        {"cross_validation": cv, "youtube_videos": videos, "evaluation_only": held_out},
        sorted({*SWEEP, round(threshold, 4)}),
    )
    results["targets"] = [
        {"target": t.name, "goal": t.goal, "value": value, "met": met}
        for t in TARGETS
        for value, met in [t.check(results)]
    ]
    out.mkdir(parents=True, exist_ok=True)
    (out / "evaluation.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / "EVALUATION.md").write_text(render_report(results, folds=folds))
    if model is not None:
        card = {**artifacts.read_card(model), "evaluation": results}
        artifacts.write_card(model, card)
        write_model_card(model, card)
    return results


def trade_off(
    predictions: dict[str, Predictions], thresholds: list[float]
) -> list[dict[str, float | None]]:
    """Each target's value when every model decides at the same fixed spam threshold.

    The targets pull against each other (news-comment FPR against SMS and YouTube MCC); this is
    the curve a site moves along with MODERATION["SPAM_THRESHOLD"].
    """
    rows = []
    for threshold in thresholds:
        results = {section: p.at(threshold).metrics() for section, p in predictions.items()}
        if "youtube_videos" in results:
            results["youtube_videos"] = _with_mean(results["youtube_videos"])
        row: dict[str, float | None] = {"threshold": threshold}
        rows.append(row | {t.name: t.check(results)[0] for t in TARGETS})
    return rows


def _evaluate_on_held_out_sets(
    shipped: list[Dataset], model: Path | None, out: Path
) -> tuple[Predictions, float, dict[str, float]]:
    if model is not None:
        pipeline = artifacts.load_model(model, artifacts.read_checksum(model))
        thresholds = card_thresholds(artifacts.read_card(model))
    else:
        fitted = fit_datasets(shipped)
        pipeline, thresholds = fitted.pipeline, fitted.thresholds
    threshold = thresholds.spam
    friendly_readers = load_jsonl(FRIENDLY_READERS).comments
    friendly = filings(pipeline.predict_proba(friendly_readers)[:, 1], thresholds)
    held_out = Predictions("evaluation-only sets (never trained on)")
    for kind in EVALUATION_ONLY:
        dataset = load_spec(kind)
        probabilities = pipeline.predict_proba(dataset.comments)[:, 1]
        held_out.add(dataset.labels, probabilities, threshold, [dataset.name] * len(dataset))
    _figures(held_out, out, "evaluation-only")
    return held_out, threshold, friendly


def filings(probabilities: np.ndarray, thresholds: Thresholds) -> dict[str, float]:
    """Return how many comments the thresholds publish, hold and file as spam, and the rates."""
    n = len(probabilities)
    spam = int((probabilities >= thresholds.spam).sum())
    held = int((probabilities >= thresholds.ham).sum()) - spam
    return {
        "n": n,
        "published": n - spam - held,
        "held": held,
        "spam": spam,
        "held_rate": held / n,
        "spam_rate": spam / n,
    }


def _with_mean(metrics: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    per_video = [m for name, m in metrics.items() if name != "all"]
    metrics["mean"] = {
        key: float(np.mean([m[key] for m in per_video]))
        for key in ("accuracy", "precision", "recall", "f1", "mcc", "roc_auc", "fpr")
        if all(m[key] is not None for m in per_video)
    }
    return metrics


def _figures(predictions: Predictions, out: Path, stem: str) -> None:
    plot_curves(predictions, out, stem)
    plot_confusion(predictions, out, stem)


def render_report(results: dict[str, Any], *, folds: int) -> str:
    """Return the Markdown report of `results`."""
    lines = ["# Evaluation", "", f"Cross-validation: {folds} grouped folds.", ""]
    lines += render_evaluation(results)
    lines += ["", "Figures: `*-pr.png`, `*-roc.png`, `*-confusion.png` beside this file.", ""]
    return "\n".join(lines)
