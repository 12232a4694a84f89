"""Text -> a unit vector of hashed character 5-grams, IDF-weighted: how campaign memory
(memory.py) tells that a new comment is a near-duplicate of a labelled one.

It is independent of the classifier's vocabulary, so a new model version leaves it unchanged.
5-grams span word boundaries, so a spun template ("Great post! ... visit") still shares most of
them across variants, where two ordinary comments on one topic share few.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np
from sklearn.utils import murmurhash3_32

from moderation.features import normalize_text

N_FEATURES = 2**20
NGRAM = 5
# Only the start of a long comment is compared: a campaign shows itself early, and the cost of
# a lookup grows with the text (the classifier's character n-grams read as far).
MAX_CHARACTERS = 1000
# Shorter texts ("Thank you!", "Interesting") have too few n-grams to tell a campaign from a
# coincidence: among the C3 news comments, most near-matches to reported spam were this short.
MIN_CHARACTERS = 40


@dataclass(frozen=True)
class TextVector:
    """The non-zero entries of an L2-normalised vector over N_FEATURES hashed 5-grams."""

    indices: np.ndarray  # int64, unique
    values: np.ndarray  # float64


def ngram_counts(text: str) -> Counter[int]:
    """Return how often each hashed 5-gram occurs in the normalised, casefolded text."""
    folded = " ".join(normalize_text(text[: 2 * MAX_CHARACTERS]).casefold().split())
    folded = folded[:MAX_CHARACTERS]
    return Counter(
        murmurhash3_32(folded[i : i + NGRAM], positive=True) % N_FEATURES
        for i in range(len(folded) - NGRAM + 1)
    )


@cache
def idf() -> np.ndarray:
    """Return the inverse document frequency of every hashed 5-gram in the shipped reference
    comments: n-grams every reader writes weigh little, a campaign's own words much."""
    from moderation.reference import Role, reference_set

    texts = reference_set(Role.ANCHOR).comments
    df = np.zeros(N_FEATURES, dtype=np.float64)
    for comment in texts:
        df[list(ngram_counts(comment.content))] += 1
    return np.log((1 + len(texts)) / (1 + df)) + 1


def text_vector(text: str) -> TextVector | None:
    """Return the comment's vector, or None when it is too short to compare."""
    if len(text) < MIN_CHARACTERS:
        return None
    counts = ngram_counts(text)
    if sum(counts.values()) < MIN_CHARACTERS - NGRAM + 1:  # short once tags and spaces go
        return None
    indices = np.fromiter(counts, np.int64, len(counts))
    values = (1 + np.log(np.fromiter(counts.values(), np.float64, len(counts)))) * idf()[indices]
    return TextVector(indices, values / np.sqrt(values @ values))
