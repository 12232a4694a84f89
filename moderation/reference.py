"""The reference comments shipped in the wheel: what a site's retraining replays beside its own
labels ("anchor" rows) and the check set its promotion gate reads ("check" rows).

They are slices of corpora whose licences allow redistribution (Civil Comments, CC0; the
WordPress spam queue, WTFPL), written by `python -m training reference`; the check rows are
held out of the shipped model's training too (corpora.load_spec leaves them out). The
project's own written comments (moderation/corpus/hamlet_written.jsonl) are anchor rows as well.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from moderation.features import CommentData

REFERENCE_FILE = Path(__file__).resolve().parent / "corpus" / "reference.jsonl.gz"


class Role(StrEnum):
    ANCHOR = "anchor"  # replayed in retraining, so a site's labels do not drag ordinary text
    CHECK = "check"  # the promotion gate's shipped check set; no model trains on it


@dataclass(frozen=True)
class ReferenceSet:
    """Comments with 1 = spam / 0 = ham labels and the corpus each came from."""

    comments: list[CommentData]
    labels: list[int]
    sources: list[str]

    def __len__(self) -> int:
        return len(self.comments)


def reference_row(comment: CommentData, is_spam: int, source: str, role: Role) -> dict[str, object]:
    """Return the JSON object stored for one reference comment.

    E-mail addresses are left out: bots supplied the WordPress ones, but they are personal-data
    shaped, its README asks to keep them out of what the project publishes, and no feature reads
    them.
    """
    return {
        "text": comment.content,
        "author": comment.author_name,
        "url": comment.author_url,
        "label": "spam" if is_spam else "ham",
        "source": source,
        "role": str(role),
    }


@cache
def _rows() -> tuple[dict[str, str], ...]:
    if not REFERENCE_FILE.exists():  # only while `python -m training reference` first writes it
        return ()
    with gzip.open(REFERENCE_FILE, "rt", encoding="utf-8") as lines:
        return tuple(json.loads(line) for line in lines if line.strip())


def reference_set(role: Role) -> ReferenceSet:
    """Return the shipped reference comments of `role` (anchor rows include the written corpus)."""
    rows = [row for row in _rows() if row["role"] == role]
    comments = [
        CommentData(row["text"], author_name=row["author"], author_url=row["url"]) for row in rows
    ]
    labels = [int(row["label"] == "spam") for row in rows]
    sources = [row["source"] for row in rows]
    if role == Role.ANCHOR:
        from moderation.corpora import load_written

        written = load_written()
        comments += written.comments
        labels += written.labels
        sources += [written.name] * len(written)
    return ReferenceSet(comments, labels, sources)


@cache
def check_groups() -> frozenset[str]:
    """Return the split-group keys of the check rows, which no model may train on."""
    from moderation.dataset import text_group

    return frozenset(text_group(row["text"]) for row in _rows() if row["role"] == Role.CHECK)
