"""Figures of an evaluation, written as PNG files (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import (
    ConfusionMatrixDisplay,
    precision_recall_curve,
    roc_curve,
)

from training.evaluate import Predictions


def _two_class_sources(predictions: Predictions) -> list[str]:
    y, s = np.asarray(predictions.labels), np.asarray(predictions.sources)
    names = [n for n in sorted(set(predictions.sources)) if len(set(y[s == n])) == 2]
    return [*names, "all"]


def _rows(predictions: Predictions, name: str) -> tuple[np.ndarray, np.ndarray]:
    y, p = np.asarray(predictions.labels), np.asarray(predictions.probabilities)
    if name == "all":
        return y, p
    rows = np.asarray(predictions.sources) == name
    return y[rows], p[rows]


def plot_curves(predictions: Predictions, directory: Path, stem: str) -> list[Path]:
    """Write precision-recall and ROC curves per two-class source; return the file paths."""
    directory.mkdir(parents=True, exist_ok=True)
    pr_path, roc_path = directory / f"{stem}-pr.png", directory / f"{stem}-roc.png"
    for path, kind in ((pr_path, "pr"), (roc_path, "roc")):
        fig, ax = plt.subplots(figsize=(6, 5), dpi=110)
        for name in _two_class_sources(predictions):
            y, p = _rows(predictions, name)
            if kind == "pr":
                precision, recall, _ = precision_recall_curve(y, p)
                ax.plot(recall, precision, label=name)
            else:
                fpr, tpr, _ = roc_curve(y, p)
                ax.plot(fpr, tpr, label=name)
        if kind == "pr":
            ax.set(xlabel="spam recall", ylabel="spam precision", ylim=(0, 1.02))
        else:
            ax.set(xlabel="ham false-positive rate", ylabel="spam recall", xscale="log")
            ax.set_xlim(1e-4, 1)
        ax.set_title(f"{predictions.name}: {'precision-recall' if kind == 'pr' else 'ROC'}")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left" if kind == "pr" else "lower right", fontsize=8)
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)
    return [pr_path, roc_path]


def plot_confusion(predictions: Predictions, directory: Path, stem: str) -> Path:
    """Write the confusion matrix of the spam decisions over all rows; return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stem}-confusion.png"
    fig, ax = plt.subplots(figsize=(4.5, 4), dpi=110)
    ConfusionMatrixDisplay.from_predictions(
        predictions.labels,
        np.asarray(predictions.is_spam).astype(int),
        display_labels=["ham", "spam"],
        ax=ax,
        colorbar=False,
        values_format="d",
    )
    ax.set_title(predictions.name, fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
