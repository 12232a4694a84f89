"""Why a comment scored as it did: the linear model's own contributions, per word and per signal.

The spam log-odds is the intercept plus one term per n-gram and per signal. Each n-gram's term
is shared out among the words its span touches (a word pair across two words, half to each),
so the words' figures, the signals' and the intercept add up to the model's log-odds exactly.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from moderation import features
from moderation.classifier.linear_scorer import LinearScorer
from moderation.features import CommentData

# Contributions smaller than this (in log-odds) are not worth a moderator's attention.
NOTABLE = 0.05

# Signal values of an ordinary reader's comment (about 200 characters, few capitals). A signal
# is shown by how far it moves the score from there: every comment has a length, and its
# weight mostly offsets the intercept, so "length: +6" would explain nothing.
_ORDINARY = {"length_log": math.log1p(200) / 8, "upper_ratio": 0.03}


@dataclass(frozen=True)
class Explanation:
    spam_probability: float
    intercept: float
    words: list[tuple[str, float]]  # the text as the model read it, word by word, in order
    signals: list[tuple[str, float]]  # described signals

    def notable_signals(self) -> list[tuple[str, float]]:
        """Return the signals that moved the score noticeably, strongest first."""
        notable = [s for s in self.signals if abs(s[1]) >= NOTABLE]
        return sorted(notable, key=lambda s: -abs(s[1]))

    @property
    def log_odds(self) -> float:
        return self.intercept + sum(c for _, c in self.words) + sum(c for _, c in self.signals)

    def top_words(self, n: int = 5, *, spam: bool = True) -> list[tuple[str, float]]:
        """Return the words that pushed hardest towards spam (or towards ham), merged."""
        merged: defaultdict[str, float] = defaultdict(float)
        for word, contribution in self.words:
            merged[word.casefold()] += contribution
        sign = 1 if spam else -1
        ranked = sorted(merged.items(), key=lambda item: -sign * item[1])
        return [(w, c) for w, c in ranked[:n] if sign * c >= NOTABLE]


def explain(scorer: LinearScorer, comment: CommentData) -> Explanation:
    """Return the per-word and per-signal contributions to `comment`'s spam score."""
    vectorizer = scorer.vectorizer
    [prepared] = features.prepare([comment])
    words = prepared.text.split(" ") if prepared.text else []
    # Offset of each word in the text: an n-gram belongs to the words its span touches.
    word_starts = np.cumsum([0] + [len(w) + 1 for w in words[:-1]]) if words else np.zeros(1)
    per_word = np.zeros(len(words))
    offset = 0
    blocks = vectorizer.blocks([prepared])
    for block, size in zip(blocks, (2**vectorizer.char_bits, 2**vectorizer.word_bits), strict=True):
        grams = block.grams
        contributions = scorer.weights[offset + grams.columns] * block.values
        # A character n-gram's padding space (" th") is not part of the word before it.
        starts = grams.starts + _is_space(prepared.text, grams.starts)
        ends = grams.ends - _is_space(prepared.text, grams.ends - 1)
        last = max(len(words) - 1, 0)
        first_word = np.clip(np.searchsorted(word_starts, starts, "right") - 1, 0, last)
        last_word = np.clip(np.searchsorted(word_starts, ends - 1, "right") - 1, 0, last)
        # Each n-gram's term, shared equally among the words it touches (a pair: two).
        spans = last_word - first_word + 1
        shares = contributions / spans
        for k in range(int(spans.max(initial=0))):
            touches = spans > k
            np.add.at(per_word, first_word[touches] + k, shares[touches])
        offset += size
    signal_weights = {
        name: float(scorer.weights[offset + index]) / float(vectorizer.signal_scale_[index])
        for name, index in vectorizer.signal_index_.items()
    }
    intercept = scorer.intercept + sum(signal_weights.get(n, 0.0) * v for n, v in _ORDINARY.items())
    values = {**dict.fromkeys(_ORDINARY, 0.0), **prepared.signals}
    signals = [
        (
            features.describe_signal(name),
            signal_weights.get(name, 0.0) * (v - _ORDINARY.get(name, 0.0)),
        )
        for name, v in values.items()
    ]
    return Explanation(
        # The same row as scorer.score() builds, from the blocks already made: the same float.
        spam_probability=float(
            scorer.calibrate(
                vectorizer.matrix([prepared], blocks) @ scorer.weights + scorer.intercept
            )[0]
        ),
        intercept=intercept,
        words=list(zip(words, per_word.tolist(), strict=True)),
        signals=signals,
    )


def _is_space(text: str, positions: np.ndarray) -> np.ndarray:
    """Return 1 where a position is a space of the text or its padding (-1, len(text))."""
    padded = np.frombuffer(f" {text} ".encode("utf-32-le"), np.uint32)
    return (padded[positions + 1] == ord(" ")).astype(np.int64)
