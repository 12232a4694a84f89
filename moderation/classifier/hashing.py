"""Hashed n-grams of a whole batch of texts at once, in numpy: the classifier's text features.

A batch is joined into one array of code points, and every character n-gram and word of every
text is hashed by array arithmetic, so the cost per comment is a few microseconds rather than a
Python loop over its n-grams. `Grams` keeps where each n-gram came from, so the "why" can give
each word its share of the score.

- Character n-grams (2-5) are read within words, padded with a space on each side ("char_wb"):
  " spam", "am ", across the first CHAR_WINDOW characters only.
- Words are runs of letters and digits of two or more; each word and each pair of neighbouring
  words is a feature.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

CHAR_NGRAMS = (2, 5)
# Spam shows itself early, and a long comment's n-grams cost time: only its start is read.
CHAR_WINDOW = 1000

# Constants of the polynomial hash and of the final mix (Knuth's multiplicative hashing).
_PRIME = np.uint32(0x01000193)
_MIX = np.uint32(0x9E3779B1)
_PAIR = np.uint32(0x85EBCA77)
_SEPARATOR = "\0"


@dataclass(frozen=True)
class Grams:
    """The hashed n-grams of a batch, in order of row, then of position in the text.

    `columns` are bucket numbers below 2**bits; `starts` and `ends` the span of each n-gram in
    its own text (offsets into the text as given); `indptr` the row boundaries, CSR-style.
    """

    columns: np.ndarray  # int64, (n_grams,)
    starts: np.ndarray  # int64, (n_grams,)
    ends: np.ndarray  # int64, (n_grams,)
    indptr: np.ndarray  # int64, (n_rows + 1,)


@dataclass(frozen=True)
class Encoded:
    """Texts joined as code points: `pad + text + pad` each, each followed by a 0."""

    codes: np.ndarray  # uint32, (size,)
    rows: np.ndarray  # int64, (n_texts,): where each row (its padding included) starts
    row_of: np.ndarray  # int64, (size,): the row of each code point


def encode(texts: list[str], pad: str = "") -> Encoded:
    """Return `texts` joined as code points (see Encoded)."""
    codes = np.frombuffer(
        "".join(f"{pad}{t}{pad}{_SEPARATOR}" for t in texts).encode("utf-32-le"), np.uint32
    )
    sizes = np.fromiter((len(t) + 2 * len(pad) + 1 for t in texts), np.int64, len(texts))
    rows = np.zeros(len(texts), np.int64)
    np.cumsum(sizes[:-1], out=rows[1:])
    return Encoded(codes, rows, np.repeat(np.arange(len(texts)), sizes))


def _mix(hashes: np.ndarray, salt: int, bits: int) -> np.ndarray:
    mixed = (hashes ^ np.uint32(salt)) * _MIX
    return (mixed >> np.uint32(32 - bits)).astype(np.int64)


def _grams(
    columns: np.ndarray, positions: np.ndarray, ends: np.ndarray, text: Encoded, pad: int
) -> Grams:
    """Return Grams of n-grams given in order of position in the joined array."""
    row = text.row_of[positions]
    indptr = np.zeros(len(text.rows) + 1, np.int64)
    np.cumsum(np.bincount(row, minlength=len(text.rows)), out=indptr[1:])
    base = text.rows[row] + pad
    return Grams(columns, positions - base, ends - base, indptr)


def char_grams(texts: list[str], bits: int) -> Grams:
    """Return the hashed character n-grams of each lowercased text's first CHAR_WINDOW chars.

    `texts` are normalised (single spaces); spans are offsets into each text, where -1 and
    len(text) stand for the padding spaces.
    """
    low, high = CHAR_NGRAMS
    text = encode([t[:CHAR_WINDOW].lower() for t in texts], " ")
    codes = text.codes
    size = len(codes)
    is_space = codes == ord(" ")
    is_end = codes == 0
    hashes = codes.copy()
    blocked = is_end.copy()  # the window holds a separator: it spans two texts
    inner_space = np.zeros(size, bool)  # a space inside the window: it spans two words
    found_columns = []
    for n in range(2, high + 1):
        width = size - n + 1
        hashes = hashes[:width] * _PRIME + codes[n - 1 :]
        blocked = blocked[:width] | is_end[n - 1 :]
        if n > 2:
            inner_space = inner_space[:width] | is_space[n - 2 : size - 1]
        if n < low:
            continue
        keep = ~(blocked | inner_space[:width])
        if n == 2:  # "  ": the padding of an empty text
            keep &= ~(is_space[:-1] & is_space[1:])
        found_columns.append(np.where(keep, _mix(hashes, n, bits), -1))
    # Interleave the n-gram lengths so that n-grams come out in order of position.
    table = np.full((size, high - low + 1), -1, np.int64)
    for i, found in enumerate(found_columns):
        table[: len(found), i] = found
    position, which = np.nonzero(table >= 0)
    lengths = which + low
    return _grams(table[position, which], position, position + lengths, text, 1)


@cache
def _ascii_word_characters() -> np.ndarray:
    return np.array([chr(c).isalnum() or c == ord("_") for c in range(128)])


def _is_word_character(codes: np.ndarray) -> np.ndarray:
    """Return whether each code point is a letter, digit or underscore (regex \\w)."""
    result = _ascii_word_characters()[np.minimum(codes, 127)]
    wide = codes > 127
    if wide.any():
        unique, inverse = np.unique(codes[wide], return_inverse=True)
        flags = np.array([chr(c).isalnum() for c in unique.tolist()])
        result[wide] = flags[inverse]
    return result


@cache
def _powers() -> np.ndarray:
    return np.cumprod(np.full(CHAR_WINDOW, _PRIME, np.uint32), dtype=np.uint32)


def word_grams(texts: list[str], bits: int) -> Grams:
    """Return each lowercased text's hashed words (2+ letters or digits) and word pairs.

    A pair's span runs from its first word's start to its second word's end.
    """
    text = encode([t.lower() for t in texts])
    codes = text.codes
    is_word = _is_word_character(codes)
    edges = np.diff(is_word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    long_enough = ends - starts >= 2
    starts, ends = starts[long_enough], ends[long_enough]
    if not len(starts):
        empty = np.zeros(0, np.int64)
        return _grams(empty, empty, empty, text, 0)
    # Polynomial hash of each word: the sum of code * PRIME**(place in word), by segments.
    size = len(codes)
    boundary = np.zeros(size + 1, np.int8)
    boundary[starts], boundary[ends] = 1, -1
    in_word = np.cumsum(boundary[:-1]) > 0
    first = np.zeros(size, np.int64)
    first[starts] = starts
    place = np.arange(size) - np.maximum.accumulate(first)
    terms = np.where(in_word, codes * _powers()[place % CHAR_WINDOW], np.uint32(0))
    words = np.add.reduceat(terms, starts, dtype=np.uint32)
    row = text.row_of[starts]
    same_row = row[:-1] == row[1:]
    pairs = words[:-1] * _PAIR + words[1:]
    table = np.full((len(starts), 2), -1, np.int64)
    table[:, 0] = _mix(words, 1, bits)
    table[:-1, 1] = np.where(same_row, _mix(pairs, 2, bits), -1)
    span_end = np.column_stack([ends, np.append(ends[1:], 0)])
    index, which = np.nonzero(table >= 0)
    return _grams(table[index, which], starts[index], span_end[index, which], text, 0)
