"""Thresholds from out-of-fold probabilities: a target ham false-positive rate, not 0.5."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

# A source needs this many ham rows before its false-positive rate constrains the threshold:
# at 1% that is 5 expected false positives; fewer and one odd row would move the threshold.
MIN_HAM_ROWS = 500


@dataclass(frozen=True)
class Thresholds:
    """At or above `spam` a comment is spam; below `ham` it is published; between, reviewed."""

    ham: float
    spam: float


# For model files whose card names no thresholds (trained elsewhere, or before cards had them).
FALLBACK_THRESHOLDS = Thresholds(ham=0.3, spam=0.8)


def card_thresholds(card: dict[str, object]) -> Thresholds:
    """Return the thresholds recorded in a model card, or FALLBACK_THRESHOLDS."""
    ham, spam = card.get("ham_threshold"), card.get("spam_threshold")
    if isinstance(ham, int | float) and isinstance(spam, int | float):
        return Thresholds(ham=float(ham), spam=float(spam))
    return FALLBACK_THRESHOLDS


def rate_threshold(ham_probabilities: np.ndarray, rate: float) -> float:
    """Return the lowest threshold at which at most `rate` of these ham rows score at or above."""
    ranked = np.sort(ham_probabilities)[::-1]
    allowed = int(np.floor(rate * len(ranked)))
    if allowed >= len(ranked):
        return 0.0
    return float(np.nextafter(ranked[allowed], np.inf))


def choose_thresholds(
    probabilities: ArrayLike,
    labels: ArrayLike,
    sources: ArrayLike,
    *,
    target_fpr: float = 0.01,
    review_rate: float = 0.05,
) -> Thresholds:
    """Return thresholds that hold on every source with enough ham, out of fold.

    `spam`: at most `target_fpr` of any source's ham is filed as spam. `ham`: at most
    `review_rate` of any source's ham waits for review (never above `spam`).
    """
    p, y, s = np.asarray(probabilities), np.asarray(labels), np.asarray(sources)
    spam, ham = 0.5, 0.0
    for source in np.unique(s):
        ham_scores = p[(s == source) & (y == 0)]
        if len(ham_scores) < MIN_HAM_ROWS:
            continue
        spam = max(spam, rate_threshold(ham_scores, target_fpr))
        ham = max(ham, rate_threshold(ham_scores, review_rate))
    spam = min(spam, 0.999)
    return Thresholds(ham=min(ham, spam), spam=spam)
