"""Why a comment scored as it did: the linear model's own contributions, per word and per signal.

The spam log-odds is the intercept plus one term per n-gram and per signal. Each n-gram's term
is shared out among the words it came from (a bigram across two words, half to each), so the
words' figures, the signals' and the intercept add up to the model's log-odds (exactly, but for
a bigram that skips a word with no letters in it, which no word is given).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from moderation import features
from moderation.classifier.linear_scorer import LinearScorer, TextBranch
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
    prepared = features.prepare([comment])[0]
    words = prepared.text.split(" ") if prepared.text else []
    per_word = [0.0] * len(words)
    for branch in scorer.texts:
        for index, contribution in _word_contributions(branch, prepared.text, words):
            per_word[index] += contribution
    weights = scorer.signal_weights
    intercept = scorer.intercept + sum(weights.get(n, 0.0) * v for n, v in _ORDINARY.items())
    values = {**dict.fromkeys(_ORDINARY, 0.0), **prepared.signals}
    signals = [
        (features.describe_signal(name), weights.get(name, 0.0) * (v - _ORDINARY.get(name, 0.0)))
        for name, v in values.items()
    ]
    return Explanation(
        spam_probability=scorer.score(comment),
        intercept=intercept,
        words=list(zip(words, per_word, strict=True)),
        signals=signals,
    )


def _word_contributions(branch: TextBranch, text: str, words: list[str]) -> list[tuple[int, float]]:
    """Return (word index, share of this branch's log-odds) pairs."""
    counts = Counter(branch.analyze(text))
    values = {
        term: (1.0 + math.log(count)) * branch.idf[branch.vocabulary[term]]
        for term, count in counts.items()
        if term in branch.vocabulary
    }
    norm = math.sqrt(sum(v * v for v in values.values()))
    if not norm:
        return []
    term_total = {t: branch.weights[branch.vocabulary[t]] * v / norm for t, v in values.items()}

    # Where each term occurs: inside one word, or across a pair of neighbours.
    analysed = {word: Counter(branch.analyze(word)) for word in set(words)}
    own = [analysed[word] for word in words]
    places: list[tuple[list[int], Counter[str]]] = [([i], c) for i, c in enumerate(own)]
    for i in range(0 if branch.within_words else len(words) - 1):
        across = Counter(branch.analyze(f"{words[i]} {words[i + 1]}")) - own[i] - own[i + 1]
        if across:
            places.append(([i, i + 1], across))
    occurrences: Counter[str] = Counter()
    for _, terms in places:
        occurrences.update(terms)

    shares = []
    for indexes, terms in places:
        total = sum(term_total[t] * n / occurrences[t] for t, n in terms.items() if t in term_total)
        shares += [(i, total / len(indexes)) for i in indexes]
    return shares
