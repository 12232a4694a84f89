"""score_comment(): the active model's spam probability for a comment. Loaded models are cached."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from sklearn.pipeline import Pipeline

from moderation.classifier import artifacts
from moderation.classifier.registry import ModelSource, active_model_source
from moderation.classifier.thresholds import Thresholds
from moderation.features import CommentData


@dataclass(frozen=True)
class Score:
    spam_probability: float
    model_version: str
    thresholds: Thresholds  # the model's own, before any MODERATION override


_loaded: dict[tuple[Path, str], Pipeline] = {}
_lock = threading.Lock()


def load_pipeline(source: ModelSource) -> Pipeline:
    """Return the verified pipeline for `source`, loading it once per process."""
    key = (source.directory, source.sha256)
    with _lock:
        if key not in _loaded:
            _loaded.clear()  # one model in memory: the previous active one is no longer needed
            _loaded[key] = artifacts.load_model(source.directory, source.sha256)
        return _loaded[key]


def score_comments(comments: list[CommentData]) -> list[Score]:
    """Return one Score per comment, all from the same model."""
    source = active_model_source()
    probabilities = load_pipeline(source).predict_proba(comments)[:, 1]
    return [Score(float(p), source.version, source.thresholds) for p in probabilities]


def score_comment(comment: CommentData) -> Score:
    """Return the active model's Score for one comment."""
    return score_comments([comment])[0]
