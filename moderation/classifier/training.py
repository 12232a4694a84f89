"""Fit build_pipeline() on datasets, choose thresholds out of fold, save model folder + card."""

from __future__ import annotations

import datetime as dt
import platform
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.pipeline import Pipeline
from tqdm import tqdm

from moderation.classifier.artifacts import read_card, save_model
from moderation.classifier.metrics import metrics_by_source
from moderation.classifier.model_card import write_model_card
from moderation.classifier.pipeline import build_pipeline
from moderation.classifier.thresholds import Thresholds, choose_thresholds
from moderation.dataset import Dataset, concat, text_group

RANDOM_STATE = 0
TARGET_FPR = 0.01
REVIEW_RATE = 0.05


@dataclass(frozen=True)
class FitResult:
    """A fitted pipeline, its thresholds, and the out-of-fold probability of every row."""

    pipeline: Pipeline
    thresholds: Thresholds
    oof_probabilities: np.ndarray
    labels: np.ndarray
    sources: list[str]


@dataclass(frozen=True)
class TrainResult:
    directory: Path
    sha256: str
    card: dict[str, Any]


def row_sources(datasets: list[Dataset]) -> list[str]:
    """Return the source name of every row of concat(datasets), in order."""
    return [d.name for d in datasets for _ in range(len(d))]


def source_weights(sources: list[str], emphasis: Mapping[str, float] | None = None) -> np.ndarray:
    """Return row weights that give every source the same total weight (mean weight 1).

    Without them the 30,000 easy news and talk-page ham rows outweigh the smaller, harder
    YouTube and SMS sets, and the model learns little from them. `emphasis` multiplies the
    total of named sources (retraining gives a site's own labels more). Returns (n_rows,).
    """
    names, inverse, counts = np.unique(sources, return_inverse=True, return_counts=True)
    factors = np.array([(emphasis or {}).get(str(name), 1.0) for name in names])
    weights = factors[inverse] / counts[inverse]
    return weights / weights.mean()


def fit_datasets(
    datasets: list[Dataset],
    *,
    target_fpr: float = TARGET_FPR,
    review_rate: float = REVIEW_RATE,
    emphasis: Mapping[str, float] | None = None,
    **pipeline_params: Any,
) -> FitResult:
    """Fit the pipeline on every row and choose thresholds from its out-of-fold probabilities.

    Returns oof_probabilities of shape (n_rows,), in the order of concat(datasets).
    """
    data = concat(datasets)
    labels = np.asarray(data.labels)
    if len(set(data.labels)) < 2:
        raise ValueError("Training needs both spam and ham rows; the data given has one class.")
    pipeline = build_pipeline(random_state=RANDOM_STATE, **pipeline_params)
    # Identical texts (copy-pasted spam, stock replies) stay in one calibration fold.
    groups = [text_group(c.content) for c in data.comments]
    sources = row_sources(datasets)
    pipeline.fit(
        data.comments,
        labels,
        classifier__groups=groups,
        classifier__sample_weight=source_weights(sources, emphasis),
    )
    classifier = pipeline.named_steps["classifier"]
    oof = classifier.oof_probabilities_
    del classifier.oof_probabilities_  # needed here only; it would bloat the model file
    thresholds = choose_thresholds(
        oof, labels, sources, target_fpr=target_fpr, review_rate=review_rate
    )
    return FitResult(pipeline, thresholds, oof, labels, sources)


def train_model(
    datasets: list[Dataset],
    out: Path,
    *,
    target_fpr: float = TARGET_FPR,
    review_rate: float = REVIEW_RATE,
    emphasis: Mapping[str, float] | None = None,
) -> TrainResult:
    """Fit on `datasets`, and save the model, its checksum and its card in `out`.

    The card says the model may be shipped only if every dataset's licence allows it.
    """
    started = time.perf_counter()
    with tqdm(total=2, desc="training", unit="step") as progress:
        progress.set_postfix_str("fit + out-of-fold calibration")
        result = fit_datasets(
            datasets, target_fpr=target_fpr, review_rate=review_rate, emphasis=emphasis
        )
        progress.update()
        progress.set_postfix_str("save")
        card: dict[str, Any] = {
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "is_shippable": all(d.may_ship for d in datasets),
            "sources": [
                {
                    "name": d.name,
                    "rows": len(d),
                    "spam": int(sum(d.labels)),
                    "ham": len(d) - int(sum(d.labels)),
                    "may_ship": d.may_ship,
                    "files": [{"name": name, "sha256": sha} for name, sha in d.files],
                }
                for d in datasets
            ],
            "pipeline": _describe(result.pipeline),
            "source_emphasis": dict(emphasis or {}),
            "target_fpr": target_fpr,
            "review_rate": review_rate,
            "ham_threshold": round(result.thresholds.ham, 6),
            "spam_threshold": round(result.thresholds.spam, 6),
            "metrics": {
                "out_of_fold": metrics_by_source(
                    result.labels, result.oof_probabilities, result.sources, result.thresholds.spam
                )
            },
            "training_seconds": round(time.perf_counter() - started, 1),
            "versions": {
                "python": platform.python_version(),
                "scikit-learn": sklearn.__version__,
                "numpy": np.__version__,
                "joblib": joblib.__version__,
            },
        }
        sha256 = save_model(result.pipeline, out, card)
        progress.update()
    card = read_card(out)
    write_model_card(out, card)
    return TrainResult(out, sha256, card)


def _describe(pipeline: Pipeline) -> dict[str, Any]:
    """Return the parameters that define the model, as JSON-safe strings."""
    params = pipeline.get_params(deep=True)
    keep = ("ngram_range", "analyzer", "min_df", "max_features", "C", "class_weight", "n_splits")
    return {k: repr(v) for k, v in params.items() if k.rsplit("__", 1)[-1] in keep}
