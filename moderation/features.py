"""Comment -> features: the one definition used by serving, retraining and `training/`."""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moderation.models import Comment


@dataclass(frozen=True, slots=True)
class CommentData:
    """What the classifier sees of a comment, from the site, the API or a dataset."""

    content: str
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""

    @classmethod
    def from_comment(cls, comment: Comment) -> CommentData:
        return cls(
            content=comment.content,
            author_name=comment.author_name,
            author_email=comment.author_email,
            author_url=comment.author_url,
        )


# Zero-width and BOM characters: invisible to readers, and in the YouTube set U+FEFF leaks
# the label, so they never reach the model.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))
_TAG = re.compile(r"<[^>]{0,200}>")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_REPEATED = re.compile(r"(.)\1{3,}")


def normalize_text(text: str) -> str:
    """Return `text` as a reader sees it: entities decoded, tags and invisible characters gone."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).translate(_INVISIBLE)
    text = _TAG.sub(" ", text)
    return _WHITESPACE.sub(" ", text).strip()


def text_of(comment: CommentData) -> str:
    """Return the text the vectorisers read."""
    return normalize_text(comment.content)


def texts(comments: Iterable[CommentData]) -> list[str]:
    return [text_of(c) for c in comments]


def shape_features(comment: CommentData) -> dict[str, float]:
    """Return length, link, case and repetition measures of the comment text."""
    text = text_of(comment)
    letters = [ch for ch in text if ch.isalpha()]
    n_letters = max(len(letters), 1)
    n_links = len(_URL.findall(text))
    n_words = max(len(text.split()), 1)
    return {
        "log_length": math.log1p(len(text)),
        "links": float(min(n_links, 10)),
        "has_link": float(n_links > 0),
        "link_density": n_links / n_words,
        "upper_ratio": sum(ch.isupper() for ch in letters) / n_letters,
        "digit_ratio": sum(ch.isdigit() for ch in text) / max(len(text), 1),
        "repeated_chars": float(len(_REPEATED.findall(text)) > 0),
        "exclamations": float(min(text.count("!"), 10)) / 10,
    }


def shape_feature_dicts(comments: Sequence[CommentData]) -> list[dict[str, float]]:
    return [shape_features(c) for c in comments]
