"""build_pipeline(): the scikit-learn Pipeline from CommentData to a calibrated spam probability."""

from __future__ import annotations

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from moderation.classifier.calibration import CrossCalibratedClassifier
from moderation.classifier.vectorizer import CommentVectorizer


def build_pipeline(
    *, C: float = 16.0, char_bits: int = 20, word_bits: int = 20, random_state: int = 0
) -> Pipeline:
    """Return an unfitted pipeline: a list of CommentData in, P(spam) out of predict_proba.

    Fit it with `fit(comments, labels, classifier__groups=groups)` to keep duplicate texts in
    one calibration fold.
    """
    return Pipeline(
        [
            ("features", CommentVectorizer(char_bits=char_bits, word_bits=word_bits)),
            (
                "classifier",
                CrossCalibratedClassifier(
                    LogisticRegression(
                        C=C,
                        class_weight="balanced",
                        max_iter=5000,
                        # Coarser than the default 1e-4: a third of the iterations, and the
                        # same held-out figures (EVALUATION.md).
                        tol=1e-3,
                        random_state=random_state,
                    ),
                    random_state=random_state,
                    # The folds' fits run side by side: training must fit in 30 s on 2 cores.
                    n_jobs=2,
                ),
            ),
        ]
    )
