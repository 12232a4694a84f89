"""score_comment(): the active model's spam probability for a comment. Loaded models are cached."""

from __future__ import annotations

import logging
import threading
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


@dataclass(frozen=True)
class LoadedModel:
    """A verified model in memory, with its linear form when it has one (for speed and "why")."""

    pipeline: Pipeline
    linear: LinearScorer | None

    def score(self, comments: list[CommentData]) -> list[float]:
        if self.linear is not None:
            return self.linear.score_many(comments)
        probabilities: list[float] = self.pipeline.predict_proba(comments)[:, 1].tolist()
        return probabilities


logger = logging.getLogger(__name__)
_loaded: dict[tuple[Path, str], LoadedModel] = {}
_lock = threading.Lock()


def load(source: ModelSource) -> LoadedModel:
    """Return the verified model of `source`, loaded once per process."""
    key = (source.directory, source.sha256)
    with _lock:
        if key not in _loaded:
            _loaded.clear()  # one model in memory: the previous active one is no longer needed
            pipeline = artifacts.load_model(source.directory, source.sha256)
            try:
                linear: LinearScorer | None = LinearScorer.from_pipeline(pipeline)
            except ValueError:
                linear = None  # a pipeline of another shape, trained elsewhere
            _loaded[key] = LoadedModel(pipeline, linear)
        return _loaded[key]


def score_comments(comments: list[CommentData]) -> list[Score]:
    """Return one Score per comment, all from the same model."""
    source = active_model_source()
    probabilities = load(source).score(comments)
    return [Score(float(p), source.version, source.thresholds) for p in probabilities]


def score_comment(comment: CommentData) -> Score:
    """Return the active model's Score for one comment."""
    return score_comments([comment])[0]


def warm_up() -> None:
    """Load the active model and campaign memory now, not on the first comment (which would
    wait about 1.5 s, and more with many labels).

    Call it from wsgi.py after get_wsgi_application(). A model that cannot load is only
    logged here: comments then wait as pending, as they would anyway.
    """
    from moderation import memory  # memory reads labels, which import the models

    try:
        load(active_model_source())
    except Exception as exc:
        logger.warning("Could not load the spam model at start-up: %s", exc)
    try:
        memory.warm_up()
    except Exception as exc:
        logger.warning("Could not read campaign memory at start-up: %s", exc)
