"""Fit build_pipeline() on datasets: a grouped hold-out for the card's metrics, then a final fit."""

from __future__ import annotations

import datetime as dt
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import Pipeline
from tqdm import tqdm

from moderation.classifier.artifacts import read_card, save_model
from moderation.classifier.pipeline import build_pipeline
from moderation.conf import DEFAULTS
from training.datasets import Dataset, concat, text_group
from training.metrics import metrics_by_source
from training.model_card import write_model_card

RANDOM_STATE = 0


@dataclass(frozen=True)
class TrainResult:
    directory: Path
    sha256: str
    card: dict[str, Any]


def fit(dataset: Dataset) -> Pipeline:
    """Return build_pipeline() fitted on every row of `dataset`."""
    pipeline = build_pipeline(random_state=RANDOM_STATE)
    pipeline.fit(dataset.comments, np.asarray(dataset.labels))
    return pipeline


def train_model(
    datasets: list[Dataset], out: Path, *, holdout: float = 0.2, is_shippable: bool = True
) -> TrainResult:
    """Measure on a grouped hold-out, refit on everything, and save model + card in `out`."""
    data = concat(datasets)
    if len(set(data.labels)) < 2:
        raise ValueError("Training needs both spam and ham rows; the data given has one class.")
    started = time.perf_counter()
    with tqdm(total=3, desc="training", unit="step") as progress:
        progress.set_postfix_str("hold-out fit")
        splitter = GroupShuffleSplit(n_splits=1, test_size=holdout, random_state=RANDOM_STATE)
        # Identical texts (copy-pasted spam, stock replies) stay on one side of the split.
        groups = [text_group(c.content) for c in data.comments]
        train_idx, test_idx = next(splitter.split(data.comments, groups=groups))
        held_out = data.subset(test_idx.tolist())
        probe = fit(data.subset(train_idx.tolist()))
        progress.update()

        progress.set_postfix_str("hold-out metrics")
        threshold = float(DEFAULTS["SPAM_THRESHOLD"])
        probabilities = probe.predict_proba(held_out.comments)[:, 1]
        sources = [d.name for d in datasets for _ in range(len(d))]
        holdout_metrics = metrics_by_source(
            held_out.labels, probabilities, [sources[i] for i in test_idx], threshold
        )
        progress.update()

        progress.set_postfix_str("final fit")
        pipeline = fit(data)
        progress.update()

    card: dict[str, Any] = {
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "is_shippable": is_shippable,
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
        "pipeline": _describe(pipeline),
        "spam_threshold": threshold,
        "metrics": {"holdout": holdout_metrics, "holdout_fraction": holdout},
        "training_seconds": round(time.perf_counter() - started, 1),
        "versions": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "joblib": joblib.__version__,
        },
    }
    sha256 = save_model(pipeline, out, card)
    card = read_card(out)
    write_model_card(out, card)
    return TrainResult(out, sha256, card)


def _describe(pipeline: Pipeline) -> dict[str, Any]:
    """Return the non-default parameters of each pipeline step, as JSON-safe values."""
    params = pipeline.get_params(deep=True)
    keep = ("ngram_range", "analyzer", "min_df", "max_features", "C", "class_weight")
    return {k: repr(v) for k, v in params.items() if k.rsplit("__", 1)[-1] in keep}
