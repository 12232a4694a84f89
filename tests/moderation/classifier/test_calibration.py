from __future__ import annotations

import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from moderation.classifier.calibration import CrossCalibratedClassifier

# Folds are drawn over rows, so a row repeated k times is not the same as a row of weight k.
_WEIGHT_IS_NOT_REPETITION = "cross-validation folds are drawn over rows"


@parametrize_with_checks(
    [CrossCalibratedClassifier(n_splits=3)],
    expected_failed_checks=lambda estimator: {
        "check_sample_weight_equivalence_on_dense_data": _WEIGHT_IS_NOT_REPETITION,
        "check_sample_weight_equivalence_on_sparse_data": _WEIGHT_IS_NOT_REPETITION,
    },
)
def test_follows_scikit_learn_conventions(estimator, check):
    check(estimator)


def calibration_error(y, p, bins=10):
    """Expected calibration error: the row-weighted gap between score and rate per bin."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    return sum(
        abs(y[which == b].mean() - p[which == b].mean()) * (which == b).mean()
        for b in range(bins)
        if (which == b).any()
    )


def test_out_of_fold_probabilities_are_kept_and_calibrated():
    # Imbalanced data and a class-weighted model, as in training: raw scores overstate spam.
    X, y = make_classification(
        n_samples=4000, n_features=20, weights=[0.9], flip_y=0.05, random_state=0
    )
    base = LogisticRegression(class_weight="balanced")

    model = CrossCalibratedClassifier(base, n_splits=5).fit(X, y)

    oof = model.oof_probabilities_
    raw = base.fit(X, y).predict_proba(X)[:, 1]
    assert oof.shape == (4000,)
    assert calibration_error(y, oof) < 0.03
    assert calibration_error(y, raw) > 2 * calibration_error(y, oof)
    assert np.allclose(model.predict_proba(X).sum(axis=1), 1.0)


def test_groups_keep_duplicate_rows_in_one_fold():
    X, y = make_classification(n_samples=300, n_features=5, random_state=1)
    X = np.vstack([X, X])  # every row twice
    y = np.concatenate([y, y])
    groups = np.concatenate([np.arange(300), np.arange(300)])

    grouped = CrossCalibratedClassifier(LogisticRegression(C=1e6), n_splits=5)
    grouped.fit(X, y, groups=groups)

    # Twins share a fold, so they get the same out-of-fold probability.
    assert np.allclose(grouped.oof_probabilities_[:300], grouped.oof_probabilities_[300:])
