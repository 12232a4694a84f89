"""Held-out evaluation: grouped cross-validation, leave-one-source-out, evaluation-only sets.

Every figure here comes from a model that never saw the rows it scores (vectorisers included),
each at the spam threshold that model chose for itself from its own training data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold
from tqdm import tqdm

from moderation.classifier.metrics import spam_metrics
from moderation.classifier.training import fit_datasets, row_sources
from moderation.dataset import Dataset, concat, text_group


@dataclass
class Predictions:
    """Held-out probabilities and spam decisions of one evaluation, row by row."""

    name: str
    labels: list[int] = field(default_factory=list)
    probabilities: list[float] = field(default_factory=list)
    is_spam: list[bool] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    thresholds: list[float] = field(default_factory=list)

    def add(
        self, labels: list[int], probabilities: np.ndarray, threshold: float, sources: list[str]
    ) -> None:
        self.labels += labels
        self.probabilities += probabilities.tolist()
        self.is_spam += (probabilities >= threshold).tolist()
        self.sources += sources
        self.thresholds.append(threshold)

    def at(self, threshold: float) -> Predictions:
        """The same rows decided at one fixed threshold instead of each model's own."""
        is_spam = [p >= threshold for p in self.probabilities]
        return replace(self, is_spam=is_spam, thresholds=[threshold])

    def metrics(self) -> dict[str, dict[str, Any]]:
        """Return spam_metrics per source and for all rows, from each row's own decision."""
        y, p = np.asarray(self.labels), np.asarray(self.probabilities)
        decided = np.asarray(self.is_spam)
        s = np.asarray(self.sources)
        result = {}
        for name in [*sorted(set(self.sources)), "all"]:
            rows = np.ones(len(y), bool) if name == "all" else s == name
            # Decisions were made at per-model thresholds; pass them as 0/1 "probabilities"
            # at 0.5 and restore the real probabilities for the ranking metric.
            metrics = spam_metrics(y[rows], decided[rows].astype(float), 0.5)
            ranked = spam_metrics(y[rows], p[rows], 0.5)
            metrics["roc_auc"] = ranked["roc_auc"]
            result[name] = metrics
        return result


def _splits(
    data: Dataset, folds: int, random_state: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    groups = [text_group(c.content) for c in data.comments]
    splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=random_state)
    yield from splitter.split(data.comments, data.labels, groups)


def cross_validate(
    datasets: list[Dataset], *, folds: int = 5, random_state: int = 0, **fit_params: Any
) -> Predictions:
    """Return held-out predictions for every row from a grouped, stratified K-fold.

    Identical texts stay in one fold; each fold's model chooses its own thresholds.
    """
    data = concat(datasets)
    sources = np.asarray(row_sources(datasets))
    result = Predictions(f"{folds}-fold grouped cross-validation")
    progress = tqdm(_splits(data, folds, random_state), total=folds, desc="cross-validation")
    for train_idx, test_idx in progress:
        parts = _parts(datasets, train_idx)
        fitted = fit_datasets(parts, **fit_params)
        held_out = data.subset(test_idx.tolist())
        probabilities = fitted.pipeline.predict_proba(held_out.comments)[:, 1]
        result.add(
            held_out.labels, probabilities, fitted.thresholds.spam, sources[test_idx].tolist()
        )
    return result


def leave_one_out(
    datasets: list[Dataset], held_out: list[Dataset], **fit_params: Any
) -> Predictions:
    """Return predictions on each of `held_out` from a model trained on `datasets` without it.

    `held_out` are slices of the training data (a YouTube video, a whole corpus); a slice is
    removed from the training data by the identity of its comments.
    """
    result = Predictions("leave one source out")
    for piece in tqdm(held_out, desc="leave one source out"):
        removed = {id(c) for c in piece.comments}
        rest = [
            d.subset(i for i, c in enumerate(d.comments) if id(c) not in removed) for d in datasets
        ]
        fitted = fit_datasets([d for d in rest if len(d)], **fit_params)
        probabilities = fitted.pipeline.predict_proba(piece.comments)[:, 1]
        result.add(piece.labels, probabilities, fitted.thresholds.spam, [piece.name] * len(piece))
    return result


def split_by_group(dataset: Dataset) -> list[Dataset]:
    """Return one dataset per group key of `dataset` (e.g. each YouTube video)."""
    keys = sorted(set(dataset.groups))
    return [
        replace(dataset.subset(i for i, g in enumerate(dataset.groups) if g == key), name=key)
        for key in keys
    ]


def _parts(datasets: list[Dataset], indices: np.ndarray) -> list[Dataset]:
    """Return each dataset's rows among `indices` of their concatenation, as datasets."""
    offsets = np.cumsum([0] + [len(d) for d in datasets])
    parts = []
    for d, start, end in zip(datasets, offsets[:-1], offsets[1:], strict=True):
        local = indices[(indices >= start) & (indices < end)] - start
        if len(local):
            parts.append(d.subset(local.tolist()))
    return parts
