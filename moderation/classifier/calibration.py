"""CrossCalibratedClassifier: a linear model whose scores become probabilities out of fold."""

from __future__ import annotations

from typing import Any

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data


class CrossCalibratedClassifier(ClassifierMixin, BaseEstimator):
    """Fit `estimator` on all rows, and a Platt sigmoid on its out-of-fold decision scores.

    The out-of-fold calibrated probabilities of the training rows are kept in
    `oof_probabilities_` so the caller can choose thresholds and report cross-validated
    metrics without fitting again. Pass `groups` to `fit` to keep related rows (duplicate
    texts) in one fold. Binary labels only.
    """

    def __init__(
        self,
        estimator: Any = None,
        n_splits: int = 5,
        random_state: int | None = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.estimator = estimator
        self.n_splits = n_splits
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        groups: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
    ) -> CrossCalibratedClassifier:
        X, y = validate_data(self, X, y, accept_sparse="csr")
        y = np.asarray(y)
        check_classification_targets(y)
        if type_of_target(y) != "binary":
            raise ValueError(
                f"Only binary classification is supported; the target is {type_of_target(y)}."
            )
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError("CrossCalibratedClassifier needs spam and ham rows; got 1 class.")
        base = clone(self.estimator if self.estimator is not None else LogisticRegression())
        cv: StratifiedGroupKFold | StratifiedKFold
        if groups is None:
            cv = StratifiedKFold(self.n_splits, shuffle=True, random_state=self.random_state)
        else:
            cv = StratifiedGroupKFold(self.n_splits, shuffle=True, random_state=self.random_state)
        weights = None if sample_weight is None else np.asarray(sample_weight)
        folds = list(cv.split(X, y, groups))
        # The folds' models and the final one are fitted side by side, n_jobs at a time.
        fitted = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit)(clone(base), X, y, weights, rows)
            for rows in [train for train, _ in folds] + [None]
        )
        scores = np.zeros((len(y), 1))
        for model, (_, test) in zip(fitted, folds, strict=False):
            scores[test, 0] = model.decision_function(_rows(X, test))
        # Platt scaling on the rows as they are (unweighted), so probabilities keep the real
        # class balance; the large C leaves its two parameters essentially unregularised.
        self.calibrator_ = LogisticRegression(C=1e4).fit(scores, y)
        self.oof_probabilities_ = self.calibrator_.predict_proba(scores)[:, 1]
        self.estimator_ = fitted[-1]
        return self

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        result: NDArray[np.float64] = self.estimator_.decision_function(X)
        return result

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        scores = self.decision_function(X).reshape(-1, 1)
        result: NDArray[np.float64] = self.calibrator_.predict_proba(scores)
        return result

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        positive = self.predict_proba(X)[:, 1] >= 0.5
        return self.classes_[positive.astype(int)]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_class = False
        return tags


def _fit(model: Any, X: Any, y: np.ndarray, weights: np.ndarray | None, rows: Any) -> Any:
    """Fit `model` on `rows` of the data (None: all of them)."""
    if rows is not None:
        X, y, weights = _rows(X, rows), y[rows], None if weights is None else weights[rows]
    return model.fit(X, y) if weights is None else model.fit(X, y, sample_weight=weights)


def _rows(X: Any, rows: np.ndarray) -> Any:
    return X[rows]
