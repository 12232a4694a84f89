"""LinearScorer: the fitted pipeline's arithmetic, without scikit-learn's per-call checks.

The model is linear, so P(spam) is a sigmoid of the dot product of its weights with the
vectoriser's row for the comment. Scoring one comment through the Pipeline spends most of its
time validating inputs; this computes the same number (to float rounding) directly. Tests hold
it to the pipeline's predict_proba.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.pipeline import Pipeline

from moderation.classifier.vectorizer import CommentVectorizer
from moderation.features import CommentData


@dataclass(frozen=True)
class LinearScorer:
    """Score comments with the weights of a fitted build_pipeline() pipeline."""

    vectorizer: CommentVectorizer
    weights: np.ndarray  # float64, one per vectoriser column
    intercept: float
    platt: tuple[float, float]  # slope and intercept of the calibration sigmoid

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> LinearScorer:
        """Return the scorer for `pipeline`; ValueError if it is not build_pipeline()'s shape."""
        try:
            vectorizer = pipeline.named_steps["features"]
            classifier = pipeline.named_steps["classifier"]
            coef = np.asarray(classifier.estimator_.coef_[0], np.float64)
            calibrator = classifier.calibrator_
            platt = (float(calibrator.coef_[0, 0]), float(calibrator.intercept_[0]))
            intercept = float(classifier.estimator_.intercept_[0])
        except (AttributeError, KeyError, TypeError, IndexError) as exc:
            raise ValueError(f"Not a pipeline built by build_pipeline(): {exc}") from exc
        if not isinstance(vectorizer, CommentVectorizer):
            raise ValueError("Not a pipeline built by build_pipeline(): no CommentVectorizer")
        if len(coef) != vectorizer.n_features:
            raise ValueError(
                f"weights for {len(coef)} features, the vectoriser gives {vectorizer.n_features}"
            )
        return cls(vectorizer, coef, intercept, platt)

    def decision_functions(self, comments: Sequence[CommentData]) -> np.ndarray:
        """Return the linear model's spam log-odds of each comment, before calibration."""
        result: np.ndarray = self.vectorizer.transform(comments) @ self.weights + self.intercept
        return result

    def decision_function(self, comment: CommentData) -> float:
        return float(self.decision_functions([comment])[0])

    def calibrate(self, decisions: np.ndarray) -> np.ndarray:
        """Return P(spam) for decision_function values."""
        slope, offset = self.platt
        result: np.ndarray = 0.5 * (1.0 + np.tanh(0.5 * (slope * decisions + offset)))
        return result

    def score(self, comment: CommentData) -> float:
        """Return P(spam) for one comment."""
        return self.score_many([comment])[0]

    def score_many(self, comments: Sequence[CommentData]) -> list[float]:
        scores: list[float] = self.calibrate(self.decision_functions(comments)).tolist()
        return scores
