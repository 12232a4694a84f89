"""Spam-detection metrics at one threshold, overall and per source (training and retraining)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.pipeline import Pipeline
from tqdm import tqdm

from moderation.corpora import load_spec


def spam_metrics(labels: ArrayLike, probabilities: ArrayLike, threshold: float) -> dict:
    """Return n, accuracy, spam precision/recall/F1, MCC, ROC-AUC and ham FPR at `threshold`.

    Metrics that a one-class slice cannot define (ROC-AUC, MCC, precision on ham-only data)
    are None rather than a misleading 0.
    """
    y = np.asarray(labels)
    p = np.asarray(probabilities)
    predicted = (p >= threshold).astype(int)
    has_both = len(set(y.tolist())) == 2
    has_spam = bool((y == 1).any())
    ham = y == 0
    return {
        "n": int(len(y)),
        "accuracy": float(accuracy_score(y, predicted)),
        "precision": float(precision_score(y, predicted, zero_division=0))
        if predicted.any() and has_spam
        else None,
        "recall": float(recall_score(y, predicted, zero_division=0)) if has_spam else None,
        "f1": float(f1_score(y, predicted, zero_division=0)) if has_spam else None,
        "mcc": float(matthews_corrcoef(y, predicted)) if has_both else None,
        "roc_auc": float(roc_auc_score(y, p)) if has_both else None,
        "fpr": float(predicted[ham].mean()) if ham.any() else None,
    }


def metrics_by_source(
    labels: ArrayLike, probabilities: ArrayLike, sources: Sequence[str], threshold: float
) -> dict[str, dict]:
    """Return spam_metrics for every source and for all rows together under "all"."""
    y, p, s = np.asarray(labels), np.asarray(probabilities), np.asarray(sources)
    result = {name: spam_metrics(y[s == name], p[s == name], threshold) for name in sorted(set(s))}
    result["all"] = spam_metrics(y, p, threshold)
    return result


def metrics_on(pipeline: Pipeline, specs: list[str], threshold: float) -> dict[str, dict]:
    """Return spam_metrics of `pipeline` at `threshold` on each KIND:PATH dataset."""
    report = {}
    for spec in tqdm(specs, desc="evaluating", unit="dataset"):
        dataset = load_spec(spec)
        probabilities = pipeline.predict_proba(dataset.comments)[:, 1]
        report[dataset.name] = spam_metrics(dataset.labels, probabilities, threshold)
    return report


def format_metrics(report: dict[str, dict], *, as_json: bool) -> str:
    """Return `report` as one JSON object, or as one "name: metric=value, ..." line per source."""
    if as_json:
        return json.dumps(report)
    return "\n".join(
        f"{name}: "
        + ", ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items())
        for name, row in report.items()
    )
