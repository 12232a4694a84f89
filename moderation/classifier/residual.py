"""fit_residual(): a fitted build_pipeline() model moved towards a site's own labels, fast.

The base model's decision is kept as an offset, and only a correction to its linear weights is
learnt: an L2-penalised logistic regression over the base model's own features. The result is
a pipeline of the same shape (the same vectorisers, calibration and thresholds, new weights),
so scoring, the LinearScorer and the queue's "why" work on it unchanged, and the why's
contributions still add up to its log-odds. scikit-learn's LogisticRegression has no offset,
so the loss is minimised with scipy's L-BFGS directly.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
from scipy import optimize, sparse
from sklearn.pipeline import Pipeline

from moderation.features import CommentData

# The L2 penalty on the correction, in units of one row of weight 1. Measured on four spun
# campaigns and the C3 news comments (bench/learning.py). With rare n-grams dropped from the
# shipped model, 0.5 learnt too little of a campaign written as plain prose (17 of 30 filed in
# tests/moderation/test_retraining.py); 0.25 files 82% of it and 0.2 87%, and at both the news
# readers held fall from 6 in 300 to 3.
ALPHA = 0.2


def with_site_vocabulary(pipeline: Pipeline, comments: Sequence[CommentData]) -> Pipeline:
    """Return a copy of `pipeline` whose vectoriser also knows the n-grams `comments` share.

    The shipped model drops n-grams rare in its corpora; a site's campaign is written in words
    of its own, and the correction can only weigh features that exist.
    """
    extended = copy.copy(pipeline)  # shares the classifier: fit_residual copies it
    extended.steps = [*pipeline.steps]
    name, vectorizer = extended.steps[0]
    extended.steps[0] = (name, vectorizer.with_vocabulary_of(comments))
    return extended


def base_decisions(
    pipeline: Pipeline, comments: Sequence[CommentData]
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Return the base pipeline's features of `comments` and its linear decision on each.

    Returns a (n_rows, n_features) CSR matrix and an (n_rows,) float64 array.
    """
    features = sparse.csr_matrix(pipeline[:-1].transform(list(comments)), dtype=np.float64)
    decisions = pipeline.named_steps["classifier"].estimator_.decision_function(features)
    return features, np.asarray(decisions, dtype=np.float64)


def fit_residual(
    pipeline: Pipeline,
    features: sparse.csr_matrix,
    offsets: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    *,
    alpha: float = ALPHA,
) -> Pipeline:
    """Return a copy of `pipeline` with its linear weights corrected towards `labels`.

    `features` and `offsets` are base_decisions() of the training rows; `labels` are 1 spam /
    0 ham and `weights` each row's weight. The intercept is kept: with a few hundred site
    labels, all spam, a free intercept would move every comment towards spam.
    """
    sign = np.where(np.asarray(labels) == 1, 1.0, -1.0)
    weights = np.asarray(weights, dtype=np.float64)

    def loss(delta: np.ndarray) -> tuple[float, np.ndarray]:
        margin = sign * (offsets + features @ delta)
        gradient_rows = -sign * weights * _sigmoid(-margin)
        value = float(weights @ np.logaddexp(0.0, -margin) + 0.5 * alpha * delta @ delta)
        return value, features.T @ gradient_rows + alpha * delta

    result = optimize.minimize(
        loss, np.zeros(features.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500}
    )
    corrected = copy.deepcopy(pipeline)
    estimator = corrected.named_steps["classifier"].estimator_
    estimator.coef_ = estimator.coef_ + result.x.reshape(estimator.coef_.shape)
    return corrected


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # no overflow warning for large |x|
