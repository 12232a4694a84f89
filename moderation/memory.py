"""Campaign memory: a new comment that is a near-duplicate of reported spam is filed as spam,
and a near-duplicate of a comment a moderator approved is not, within seconds, no retraining.

The memory holds the labels (labels.py) of the last MEMORY_DAYS, the latest one per comment.
A moderator's label and a trusted API key's count for every check; an untrusted key's only
for that key's own checks, so one key never decides for everyone. Each process keeps the
labels' vectors (similarity.py) and looks for new labels every MODEL_CHECK_INTERVAL seconds.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils import timezone
from scipy import sparse

from moderation.conf import get_settings
from moderation.features import CommentData
from moderation.labels import is_trusted_label, label_decisions
from moderation.models import LABEL_FOR_ACTION, Decision, Source
from moderation.similarity import N_FEATURES, TextVector, idf, text_vector

# The most recent labels kept: bounds each process's memory and the cost of a lookup.
MAX_LABELS = 20_000
# A label whose transaction began before the last look but committed after it still carries
# the earlier created_at: each look reaches this far back.
_OVERLAP = dt.timedelta(seconds=60)
# Seconds between full reloads, which also see expired, erased or re-trusted labels.
_RELOAD_SECONDS = 60.0
_EVERYONE = 0  # the scope of a label that counts for every check


@dataclass(frozen=True)
class Match:
    """The labelled comment a new one is a near-duplicate of."""

    decision_id: int
    is_spam: bool
    similarity: float
    is_moderator: bool  # a moderator's decision, not an API client's report


@dataclass(frozen=True)
class _Label:
    decision_id: int
    is_spam: bool
    scope: int  # _EVERYONE, or the id of the one key it counts for
    is_moderator: bool
    vector: TextVector


@dataclass(frozen=True)
class _Index:
    """The labels' vectors as one matrix, a row per hashed 5-gram and a column per label, so a
    lookup reads only the rows of the new comment's 5-grams."""

    matrix: sparse.csr_matrix
    labels: list[_Label]
    scope: np.ndarray


@dataclass
class _Memory:
    labels: dict[tuple[str, int], _Label] = field(default_factory=dict)  # comment -> latest
    seen: set[int] = field(default_factory=set)  # decision ids read, labels or not
    # (decision id, its created_at) -> vector: a reload computes only new labels' vectors.
    vectors: dict[tuple[int, dt.datetime], TextVector | None] = field(default_factory=dict)
    looked_at: dt.datetime | None = None  # database time of the last look
    checked: float = 0.0  # monotonic time of the last look
    loaded: float = 0.0  # monotonic time of the last full reload
    index: _Index | None = None  # built when first needed after a change


_memory: _Memory | None = None
_lock = threading.Lock()


def find_match(comment: CommentData, api_key_id: int | None = None) -> Match | None:
    """Return the nearest label at or above MEMORY_SIMILARITY that counts for this check.

    `api_key_id` is the key the comment came through (None: the site's own form).
    """
    threshold = get_settings()["MEMORY_SIMILARITY"]
    if threshold is None or not get_settings()["MEMORY_DAYS"]:
        return None
    index = _current_index()
    if index is None:
        return None
    vector = text_vector(comment.content)
    if vector is None:
        return None
    similarity = np.asarray(index.matrix[vector.indices].T @ vector.values).ravel()
    similarity[(index.scope != _EVERYONE) & (index.scope != (api_key_id or -1))] = 0.0
    best = int(np.argmax(similarity))
    if similarity[best] < threshold:
        return None
    label = index.labels[best]
    return Match(label.decision_id, label.is_spam, float(similarity[best]), label.is_moderator)


def warm_up() -> None:
    """Read the labels and the reference IDF now (scoring.warm_up calls it at start-up)."""
    if get_settings()["MEMORY_SIMILARITY"] is not None and get_settings()["MEMORY_DAYS"]:
        idf()
        _current_index()


def describe(match: Match) -> str:
    """Return the history note of a comment campaign memory decided."""
    what = "spam reported" if match.is_spam else "a comment approved"
    who = "by a moderator" if match.is_moderator else "through the API"
    return (
        f"Near-duplicate (similarity {match.similarity:.2f}) of {what} {who} "
        f"(decision {match.decision_id})"
    )


def forget_memory(**kwargs: object) -> None:
    """Make the next lookup read every label again (connected to API key changes: trust)."""
    global _memory
    with _lock:
        _memory = None


def look_again(**kwargs: object) -> None:
    """Make the next lookup look for new labels at once (connected to decision_recorded)."""
    with _lock:
        if _memory is not None:
            _memory.checked = float("-inf")


def _current_index() -> _Index | None:
    global _memory
    with _lock:
        now = time.monotonic()
        memory = _memory
        if memory is None or now - memory.loaded >= _RELOAD_SECONDS:
            memory = _memory = _load(memory)
        elif now - memory.checked >= get_settings()["MODEL_CHECK_INTERVAL"]:
            _add_new(memory)
        if memory.index is None and memory.labels:
            memory.index = _build_index(list(memory.labels.values()))
        return memory.index


def _load(previous: _Memory | None) -> _Memory:
    """Read every label of the window again, reusing the vectors already computed."""
    now = timezone.now()
    memory = _Memory(looked_at=now, checked=time.monotonic())
    memory.loaded = memory.checked
    since = now - dt.timedelta(days=get_settings()["MEMORY_DAYS"])
    recent = label_decisions().filter(created_at__gte=since).order_by("-created_at", "-pk")
    known = {} if previous is None else previous.vectors
    _apply(memory, _rows(recent[:MAX_LABELS])[::-1], known)
    return memory


def _add_new(memory: _Memory) -> None:
    now = timezone.now()
    assert memory.looked_at is not None
    recent = label_decisions().filter(created_at__gte=memory.looked_at - _OVERLAP)
    rows = [row for row in _rows(recent.order_by("created_at", "pk")) if row[0] not in memory.seen]
    memory.looked_at, memory.checked = now, time.monotonic()
    if rows:
        _apply(memory, rows, {})
        memory.index = None
        if len(memory.labels) > MAX_LABELS:
            memory.loaded = 0.0  # the next lookup reloads the most recent MAX_LABELS


def _rows(decisions: Any) -> list[tuple[Any, ...]]:
    fields = ("pk", "created_at", "comment_id", "action", "source", "api_key_id")
    return list(decisions.values_list(*fields, "api_key__is_trusted"))


def _apply(
    memory: _Memory,
    rows: list[tuple[Any, ...]],
    known: dict[tuple[int, dt.datetime], TextVector | None],
) -> None:
    """Add `rows` (oldest first) to the memory; each comment keeps its latest label."""
    texts = _texts([row[0] for row in rows if (row[0], row[1]) not in known])
    for pk, created_at, comment_id, action, source, key_id, is_trusted in rows:
        memory.seen.add(pk)
        place = ("comment", comment_id) if comment_id is not None else ("decision", pk)
        memory.labels.pop(place, None)  # a later label of the comment replaces the earlier
        is_moderator = source == Source.MODERATOR
        if not is_moderator and key_id is None:
            continue  # the key that gave it was deleted: nobody stands behind it now
        cached = (pk, created_at)
        vector = known[cached] if cached in known else text_vector(texts.get(pk, ""))
        memory.vectors[cached] = vector
        if vector is None:
            continue
        scope = _EVERYONE if is_trusted_label(source, is_trusted) else key_id
        memory.labels[place] = _Label(pk, LABEL_FOR_ACTION[action], scope, is_moderator, vector)


def _texts(pks: list[int]) -> dict[int, str]:
    texts: dict[int, str] = {}
    for start in range(0, len(pks), 500):
        rows = Decision.objects.filter(pk__in=pks[start : start + 500]).values_list(
            "pk", "comment__content", "snapshot"
        )
        for pk, content, snapshot in rows:
            texts[pk] = content if content is not None else (snapshot or {}).get("content", "")
    return texts


def _build_index(labels: list[_Label]) -> _Index:
    lengths = [len(label.vector.indices) for label in labels]
    columns = np.repeat(np.arange(len(labels)), lengths)
    rows = np.concatenate([label.vector.indices for label in labels])
    values = np.concatenate([label.vector.values for label in labels])
    matrix = sparse.csr_matrix((values, (rows, columns)), shape=(N_FEATURES, len(labels)))
    return _Index(matrix, labels, np.array([label.scope for label in labels]))
