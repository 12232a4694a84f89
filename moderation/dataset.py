"""Dataset: labelled comments with their split groups and the checksums of the files they came
from; what corpora.py loads and training/ splits, fits and evaluates on."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from moderation.features import CommentData, normalize_text


class DatasetError(Exception):
    """A corpus file is missing, empty or not in the documented format."""


@dataclass(frozen=True)
class Dataset:
    """Labelled comments with a split-group key per row and the checksums of the files read."""

    name: str
    comments: list[CommentData]
    labels: list[int]
    groups: list[str]
    files: list[tuple[str, str]]
    may_ship: bool

    def __post_init__(self) -> None:
        if not len(self.comments) == len(self.labels) == len(self.groups):
            raise ValueError("comments, labels and groups must have the same length.")

    def __len__(self) -> int:
        return len(self.comments)

    def subset(self, indices: Iterable[int]) -> Dataset:
        """Return a dataset of the rows at `indices` (ints or a numpy integer array)."""
        rows = list(indices)
        return Dataset(
            name=self.name,
            comments=[self.comments[i] for i in rows],
            labels=[self.labels[i] for i in rows],
            groups=[self.groups[i] for i in rows],
            files=list(self.files),
            may_ship=self.may_ship,
        )


def concat(datasets: Iterable[Dataset]) -> Dataset:
    """Return one dataset holding every row; it may ship only if every part may."""
    parts = list(datasets)
    if not parts:
        raise ValueError("concat() needs at least one dataset.")
    return Dataset(
        name="+".join(part.name for part in parts),
        comments=[comment for part in parts for comment in part.comments],
        labels=[label for part in parts for label in part.labels],
        groups=[group for part in parts for group in part.groups],
        files=list(dict.fromkeys(file for part in parts for file in part.files)),
        may_ship=all(part.may_ship for part in parts),
    )


def text_group(text: str) -> str:
    """Return a split-group key shared by texts that are equal once normalised and casefolded."""
    return hashlib.sha256(normalize_text(text).casefold().encode()).hexdigest()[:16]
