"""CommentVectorizer: comments -> one sparse row each of hashed n-grams and signals.

Three blocks of columns, side by side: character n-grams (2**char_bits buckets), words and
word pairs (2**word_bits buckets), then the signals of features.py. Each n-gram block is
IDF-weighted and divided by the root of its occurrences' squared weights (unit length when no
n-gram repeats). A bucket seen in fewer than MIN_DF training comments is dropped: it would
only learn that one comment by heart, and the held-out figures are better without. Each signal
is divided by its largest training value. An n-gram that occurs twice is two entries of the
same column (CSR rows are not summed): a dot product adds them, and it saves sorting every row.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from moderation import features
from moderation.classifier import hashing
from moderation.features import CommentData, Prepared

# Comments vectorised at once: larger batches stop fitting the CPU caches.
CHUNK = 2000
# A bucket must occur in this many training comments to be a feature (scikit-learn's min_df).
MIN_DF = 2


@dataclass(frozen=True)
class Block:
    """One n-gram block of a batch: its Grams and each n-gram's value in the row."""

    grams: hashing.Grams
    values: np.ndarray  # float64, (n_grams,): idf / the row's norm


class CommentVectorizer(TransformerMixin, BaseEstimator):
    """Turn CommentData into a CSR matrix: char n-grams | words | signals."""

    def __init__(self, char_bits: int = 20, word_bits: int = 20) -> None:
        self.char_bits = char_bits
        self.word_bits = word_bits

    def fit(self, comments: Sequence[CommentData], y: Any = None) -> CommentVectorizer:
        self.fit_transform(comments)
        return self

    def fit_transform(
        self, comments: Sequence[CommentData], y: Any = None, **fit_params: Any
    ) -> sparse.csr_matrix:
        """Learn the IDF weights and signal scales of `comments`, and return their matrix."""
        comments = list(comments)
        chunks = [features.prepare(comments[i : i + CHUNK]) for i in range(0, len(comments), CHUNK)]
        grams = [
            (
                hashing.char_grams(features.prepared_texts(p), self.char_bits),
                hashing.word_grams(features.prepared_texts(p), self.word_bits),
            )
            for p in chunks
        ]
        n = self.n_documents_ = len(comments)
        self.char_idf_ = _idf(np.sum([_df(c, self.char_bits) for c, _ in grams], axis=0), n)
        self.word_idf_ = _idf(np.sum([_df(w, self.word_bits) for _, w in grams], axis=0), n)
        names = sorted({name for p in chunks for item in p for name in item.signals})
        self.signal_index_ = {name: i for i, name in enumerate(names)}
        scale = np.zeros(len(names))
        for p in chunks:
            for item in p:
                for name, value in item.signals.items():
                    i = self.signal_index_[name]
                    scale[i] = max(scale[i], abs(value))
        self.signal_scale_ = np.where(scale > 0, scale, 1.0)
        matrices = [
            self._matrix(p, (_block(c, self.char_idf_), _block(w, self.word_idf_)))
            for p, (c, w) in zip(chunks, grams, strict=True)
        ]
        return _stack(matrices, self.n_features)

    def with_vocabulary_of(self, comments: Sequence[CommentData]) -> CommentVectorizer:
        """Return a copy that also knows the buckets `comments` share (retraining's site labels).

        A bucket dropped for being rare in the training corpora becomes a feature when at least
        MIN_DF of `comments` hold it, so a site's own campaign can be learnt in its own words.
        The base weights of such buckets are 0: they change scores only once retrained.
        """
        check_is_fitted(self)
        extended = copy.deepcopy(self)
        n = getattr(self, "n_documents_", None)
        if n is None:  # fitted before buckets were dropped: nothing was dropped
            return extended
        texts = features.prepared_texts(features.prepare(list(comments)))
        for name, bits, grams in (
            ("char_idf_", self.char_bits, hashing.char_grams),
            ("word_idf_", self.word_bits, hashing.word_grams),
        ):
            idf = getattr(extended, name)
            df = _df(grams(texts, bits), bits)
            new = (idf == 0) & (df >= MIN_DF)
            idf[new] = _idf(df, n + len(texts))[new]
        return extended

    @property
    def n_features(self) -> int:
        return 2**self.char_bits + 2**self.word_bits + len(self.signal_index_)

    def transform(self, comments: Sequence[CommentData]) -> sparse.csr_matrix:
        check_is_fitted(self)
        comments = list(comments)
        return _stack(
            [
                self._transform(features.prepare(comments[i : i + CHUNK]))
                for i in range(0, len(comments), CHUNK)
            ],
            self.n_features,
        )

    def blocks(self, prepared: Sequence[Prepared]) -> tuple[Block, Block]:
        """Return the character and word blocks of prepared comments."""
        texts = features.prepared_texts(prepared)
        return (
            _block(hashing.char_grams(texts, self.char_bits), self.char_idf_),
            _block(hashing.word_grams(texts, self.word_bits), self.word_idf_),
        )

    def matrix(self, prepared: list[Prepared], blocks: tuple[Block, Block]) -> sparse.csr_matrix:
        """Return the rows of prepared comments whose blocks() are already made (as transform)."""
        return self._matrix(prepared, blocks)

    def signal_values(self, signals: dict[str, float]) -> dict[str, float]:
        """Return the scaled value of each signal the vectoriser knows."""
        index, scale = self.signal_index_, self.signal_scale_
        return {n: v / scale[index[n]] for n, v in signals.items() if n in index}

    def _transform(self, prepared: list[Prepared]) -> sparse.csr_matrix:
        return self._matrix(prepared, self.blocks(prepared))

    def _matrix(self, prepared: list[Prepared], blocks: tuple[Block, Block]) -> sparse.csr_matrix:
        chars, words = blocks
        offset = 2**self.char_bits + 2**self.word_bits
        columns: list[int] = []
        values: list[float] = []
        counts: list[int] = []
        for p in prepared:
            found = self.signal_values(p.signals)
            columns.extend(offset + self.signal_index_[n] for n in found)
            values.extend(found.values())
            counts.append(len(found))
        counts_per_block = [
            np.diff(chars.grams.indptr),
            np.diff(words.grams.indptr),
            np.asarray(counts, np.int64),
        ]
        entries = [
            (chars.values, chars.grams.columns),
            (words.values, words.grams.columns + 2**self.char_bits),
            (np.asarray(values, np.float64), np.asarray(columns, np.int64)),
        ]
        return _side_by_side(counts_per_block, entries, self.n_features)


def _side_by_side(
    counts: list[np.ndarray], entries: list[tuple[np.ndarray, np.ndarray]], width: int
) -> sparse.csr_matrix:
    """Return the CSR matrix whose rows hold each block's entries for that row, block by block.

    `counts[b][r]` is how many entries block b has in row r; `entries[b]` its values and
    columns in row order. Each entry is put in its place directly: no sort.
    """
    n_rows = len(counts[0])
    indptr = np.zeros(n_rows + 1, np.int64)
    np.cumsum(np.sum(counts, axis=0), out=indptr[1:])
    data = np.empty(indptr[-1], np.float64)
    indices = np.empty(indptr[-1], np.int64)
    before = indptr[:-1].copy()  # where the next block's entries of each row begin
    for count, (values, columns) in zip(counts, entries, strict=True):
        if len(values):
            block_starts = np.zeros(n_rows, np.int64)
            np.cumsum(count[:-1], out=block_starts[1:])
            place = np.repeat(before - block_starts, count) + np.arange(len(values))
            data[place], indices[place] = values, columns
        before += count
    return sparse.csr_matrix((data, indices, indptr), shape=(n_rows, width))


def _df(grams: hashing.Grams, bits: int) -> np.ndarray:
    """Return in how many rows each bucket occurs."""
    n = len(grams.indptr) - 1
    present = sparse.csr_matrix(
        (np.ones(len(grams.columns)), grams.columns, grams.indptr), shape=(n, 2**bits)
    )
    present.sum_duplicates()
    return np.bincount(present.indices, minlength=2**bits)


def _idf(df: np.ndarray, n: int) -> np.ndarray:
    """Return the smoothed inverse document frequency of each bucket, as scikit-learn's; 0 for
    a bucket in fewer than MIN_DF comments, which _block drops."""
    idf = np.log((1 + n) / (1 + df)) + 1
    return np.where(df >= MIN_DF, idf, 0.0).astype(np.float32)


def _stack(matrices: list[sparse.csr_matrix], width: int) -> sparse.csr_matrix:
    """Return the matrices one under the other (scipy's vstack costs as much as building them)."""
    if len(matrices) <= 1:
        return matrices[0] if matrices else sparse.csr_matrix((0, width))
    offsets = np.cumsum([0] + [m.nnz for m in matrices[:-1]])
    tails = [m.indptr[1:] + o for m, o in zip(matrices, offsets, strict=True)]
    indptr = np.concatenate([np.zeros(1, np.int64), *tails])
    return sparse.csr_matrix(
        (
            np.concatenate([m.data for m in matrices]),
            np.concatenate([m.indices for m in matrices]),
            indptr,
        ),
        shape=(len(indptr) - 1, width),
    )


def _block(grams: hashing.Grams, idf: np.ndarray) -> Block:
    """Return the n-grams of known buckets and their values (idf over the row's norm)."""
    n_rows = len(grams.indptr) - 1
    weights = idf[grams.columns].astype(np.float64)
    rows = np.repeat(np.arange(n_rows), np.diff(grams.indptr))
    known = weights > 0
    if not known.all():
        weights, rows = weights[known], rows[known]
        indptr = np.zeros(n_rows + 1, np.int64)
        np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
        grams = hashing.Grams(grams.columns[known], grams.starts[known], grams.ends[known], indptr)
    norms = np.sqrt(np.bincount(rows, weights * weights, minlength=n_rows))
    return Block(grams, weights / np.where(norms > 0, norms, 1.0)[rows])
