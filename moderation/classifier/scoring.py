"""score_comment(): the active model's spam probability for a comment. Loaded models are cached."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sklearn.pipeline import Pipeline

from moderation.classifier import artifacts
from moderation.classifier.linear_scorer import LinearScorer
from moderation.classifier.registry import ModelSource, active_model_source
from moderation.classifier.thresholds import Thresholds
from moderation.features import CommentData


@dataclass(frozen=True)
class Score:
    spam_probability: float
    model_version: str
    thresholds: Thresholds  # the model's own, before any MODERATION override


Scorer = Callable[[list[CommentData]], list[float]]

_loaded: dict[tuple[Path, str], Scorer] = {}
_lock = threading.Lock()


def load_scorer(source: ModelSource) -> Scorer:
    """Return a function scoring comments with the verified model of `source`, loaded once."""
    key = (source.directory, source.sha256)
    with _lock:
        if key not in _loaded:
            _loaded.clear()  # one model in memory: the previous active one is no longer needed
            _loaded[key] = _scorer_for(artifacts.load_model(source.directory, source.sha256))
        return _loaded[key]


# Up to this many comments the LinearScorer is faster; beyond it scikit-learn's vectorised
# batch path wins (bench/scoring_speed.py measures both).
_FEW = 4


def _scorer_for(pipeline: Pipeline) -> Scorer:
    def with_pipeline(comments: list[CommentData]) -> list[float]:
        probabilities: list[float] = pipeline.predict_proba(comments)[:, 1].tolist()
        return probabilities

    try:
        linear = LinearScorer.from_pipeline(pipeline)
    except ValueError:
        return with_pipeline  # a pipeline of another shape, trained elsewhere

    def score(comments: list[CommentData]) -> list[float]:
        return linear.score_many(comments) if len(comments) <= _FEW else with_pipeline(comments)

    return score


def score_comments(comments: list[CommentData]) -> list[Score]:
    """Return one Score per comment, all from the same model."""
    source = active_model_source()
    probabilities = load_scorer(source)(comments)
    return [Score(float(p), source.version, source.thresholds) for p in probabilities]


def score_comment(comment: CommentData) -> Score:
    """Return the active model's Score for one comment."""
    return score_comments([comment])[0]
