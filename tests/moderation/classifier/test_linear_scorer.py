from __future__ import annotations

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from moderation.classifier import artifacts
from moderation.classifier.linear_scorer import LinearScorer
from moderation.conf import SHIPPED_MODEL_DIR
from moderation.features import CommentData, prepared_texts
from tests.examples import HAM, SPAM

ODD = [
    CommentData(""),
    CommentData("   "),
    CommentData("Ünïcödé ñ 日本語のコメント 🎉🎉🎉"),
    CommentData("Путин и Лукашенко встретятся в понедельник"),
    CommentData("x" * 5000),
    CommentData("See &lt;b&gt;this&lt;/b&gt; <a href='http://a.example'>link</a>\ufeff"),
    CommentData("Nice", author_name="cheap seo services", author_url="http://seo.example/x?y=1"),
    CommentData("Call +1 (888) 555-0142 now!!!", author_email="x@example.com"),
]


def test_scores_match_the_pipeline_for_the_tiny_model(tiny_model_dir):
    pipeline = artifacts.load_model(tiny_model_dir, artifacts.read_checksum(tiny_model_dir))
    comments = [CommentData(t) for t in SPAM + HAM] + ODD

    fast = LinearScorer.from_pipeline(pipeline).score_many(comments)

    assert np.allclose(fast, pipeline.predict_proba(comments)[:, 1], atol=1e-6)


def test_scores_match_the_pipeline_for_the_shipped_model():
    pipeline = artifacts.load_model(SHIPPED_MODEL_DIR, artifacts.read_checksum(SHIPPED_MODEL_DIR))
    comments = [CommentData(t, author_name="Reader") for t in SPAM + HAM] + ODD

    fast = LinearScorer.from_pipeline(pipeline).score_many(comments)

    assert np.allclose(fast, pipeline.predict_proba(comments)[:, 1], atol=1e-6)


def test_a_pipeline_of_another_shape_is_refused():
    other = make_pipeline(FunctionTransformer(prepared_texts))

    with pytest.raises(ValueError, match="Not a pipeline built by build_pipeline"):
        LinearScorer.from_pipeline(other)


def test_scoring_gives_the_same_probability_one_by_one_and_in_a_batch(active_model):
    from moderation.classifier.scoring import score_comments

    comments = [CommentData(t) for t in SPAM[:5] + HAM[:5]]

    batch = [s.spam_probability for s in score_comments(comments)]
    singles = [score_comments([c])[0].spam_probability for c in comments]

    assert np.allclose(batch, singles, atol=1e-6)
