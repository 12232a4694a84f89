"""CommentVectorizer: rare buckets dropped, each block normalised, retraining's vocabulary."""

from __future__ import annotations

import numpy as np

from moderation.classifier.vectorizer import CommentVectorizer
from moderation.features import CommentData

CORPUS = [
    "the council meets on tuesday",
    "the council voted for the budget",
    "buy cheap watches today",
    "buy cheap pills today",
    "zanzibarite",  # in one comment only: every one of its n-grams but shared ones is dropped
]


def fitted(texts: list[str] = CORPUS) -> CommentVectorizer:
    vectorizer = CommentVectorizer(char_bits=16, word_bits=16)
    vectorizer.fit([CommentData(content=t) for t in texts])
    return vectorizer


def word_block(vectorizer: CommentVectorizer, text: str) -> np.ndarray:
    """The word-block values of `text`, summed per bucket."""
    row = vectorizer.transform([CommentData(content=text)])
    start = 2**vectorizer.char_bits
    return row.toarray()[0, start : start + 2**vectorizer.word_bits]


def test_a_word_in_one_training_comment_is_no_feature_and_one_in_two_is():
    vectorizer = fitted()

    assert np.count_nonzero(word_block(vectorizer, "zanzibarite")) == 0
    assert np.count_nonzero(word_block(vectorizer, "council")) == 1
    assert np.count_nonzero(word_block(vectorizer, "never seen")) == 0


def test_a_block_has_unit_length_when_no_n_gram_repeats():
    vectorizer = fitted()

    assert abs(np.linalg.norm(word_block(vectorizer, "the council buy cheap pills")) - 1) < 1e-9
    # A repeated n-gram counts once per occurrence in the norm: a softer weight than its count.
    repeated = word_block(vectorizer, "cheap cheap cheap")
    assert 1 < np.linalg.norm(repeated) < 3


def test_retraining_vocabulary_adds_the_words_site_comments_share():
    vectorizer = fitted()
    site = ["grab the zorblax deal", "zorblax deal inside", "a lone quuxwidget"]

    extended = vectorizer.with_vocabulary_of([CommentData(content=t) for t in site])

    assert np.count_nonzero(word_block(extended, "zorblax")) == 1
    assert np.count_nonzero(word_block(extended, "zorblax deal")) == 3  # both words and the pair
    assert np.count_nonzero(word_block(extended, "quuxwidget")) == 0  # in one site comment only
    assert np.count_nonzero(word_block(vectorizer, "zorblax")) == 0  # the original is unchanged
    known = "the council voted"
    assert np.array_equal(word_block(extended, known), word_block(vectorizer, known))
