"""build_pipeline(): the scikit-learn Pipeline from CommentData to a calibrated spam probability."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, MaxAbsScaler

from moderation import features
from moderation.classifier.calibration import CrossCalibratedClassifier

# Character n-grams read only the start of long comments: spam shows itself early, and the
# cost of the n-gram analyser grows with length.
CHAR_WINDOW = 1000


def char_window(text: str) -> str:
    return text[:CHAR_WINDOW].lower()


def build_pipeline(
    *, C: float = 16.0, char_ngrams: tuple[int, int] = (2, 5), random_state: int = 0
) -> Pipeline:
    """Return an unfitted pipeline: a list of CommentData in, P(spam) out of predict_proba.

    Fit it with `fit(comments, labels, classifier__groups=groups)` to keep duplicate texts in
    one calibration fold.
    """
    texts = FunctionTransformer(features.prepared_texts)
    return Pipeline(
        [
            ("prepare", FunctionTransformer(features.prepare)),
            (
                "features",
                FeatureUnion(
                    [
                        (
                            "chars",
                            make_pipeline(
                                texts,
                                TfidfVectorizer(
                                    analyzer="char_wb",
                                    ngram_range=char_ngrams,
                                    preprocessor=char_window,
                                    min_df=2,
                                    max_features=300_000,
                                    sublinear_tf=True,
                                    dtype=np.float32,
                                ),
                            ),
                        ),
                        (
                            "words",
                            make_pipeline(
                                texts,
                                TfidfVectorizer(
                                    ngram_range=(1, 2),
                                    min_df=2,
                                    max_features=200_000,
                                    sublinear_tf=True,
                                    dtype=np.float32,
                                ),
                            ),
                        ),
                        (
                            "signals",
                            make_pipeline(
                                FunctionTransformer(features.prepared_signals),
                                DictVectorizer(),
                                MaxAbsScaler(),
                            ),
                        ),
                    ]
                ),
            ),
            (
                "classifier",
                CrossCalibratedClassifier(
                    LogisticRegression(
                        C=C, class_weight="balanced", max_iter=5000, random_state=random_state
                    ),
                    random_state=random_state,
                    # The folds' fits run side by side: training must fit in a minute on 2 cores.
                    n_jobs=2,
                ),
            ),
        ]
    )
