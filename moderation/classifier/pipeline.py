"""build_pipeline(): the scikit-learn Pipeline from CommentData to a spam probability."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, MaxAbsScaler

from moderation import features


def build_pipeline(*, C: float = 4.0, random_state: int = 0) -> Pipeline:
    """Return an unfitted pipeline: a list of CommentData in, P(spam) out of predict_proba."""
    text = FunctionTransformer(features.texts)
    return Pipeline(
        [
            (
                "features",
                FeatureUnion(
                    [
                        (
                            "chars",
                            make_pipeline(
                                text,
                                TfidfVectorizer(
                                    analyzer="char_wb",
                                    ngram_range=(2, 5),
                                    min_df=2,
                                    max_features=300_000,
                                    sublinear_tf=True,
                                    lowercase=True,
                                    dtype=np.float32,
                                ),
                            ),
                        ),
                        (
                            "words",
                            make_pipeline(
                                text,
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
                            "shape",
                            make_pipeline(
                                FunctionTransformer(features.shape_feature_dicts),
                                DictVectorizer(),
                                MaxAbsScaler(),
                            ),
                        ),
                    ]
                ),
            ),
            (
                "classifier",
                LogisticRegression(
                    C=C, class_weight="balanced", max_iter=5000, random_state=random_state
                ),
            ),
        ]
    )
