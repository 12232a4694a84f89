"""`python -m training reference`: write the reference comments the wheel ships
(moderation/reference.py) from the redistributable corpora.

Texts are ranked by a hash of their normalised form, not by file order or a random draw, so the
same corpus files always give the same file, and moving rows about in a file never changes which
texts are check or anchor rows. Of rows whose texts are equal once normalised, the first is written.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from moderation.corpora import load_civil, load_wordpress
from moderation.dataset import Dataset, text_group
from moderation.reference import REFERENCE_FILE, Role, reference_row

# (check rows, anchor rows) per corpus. Civil Comments (CC0) is news-reader ham, the WordPress
# queue (WTFPL) blog spam; both licences allow shipping the texts.
SIZES = {"civil": (1000, 4000), "wordpress": (300, 800)}


def _order(group: str) -> str:
    return hashlib.sha256(f"hamlet-reference:{group}".encode()).hexdigest()


def select(dataset: Dataset, n_check: int, n_anchor: int) -> dict[Role, list[int]]:
    """Return the row indexes of each role: one row per distinct text, in hash order."""
    first: dict[str, int] = {}
    for index, comment in enumerate(dataset.comments):
        first.setdefault(text_group(comment.content), index)
    ordered = [first[group] for group in sorted(first, key=_order)]
    if len(ordered) < n_check + n_anchor:
        raise ValueError(f"{dataset.name} has {len(ordered)} distinct texts; need more.")
    return {Role.CHECK: ordered[:n_check], Role.ANCHOR: ordered[n_check : n_check + n_anchor]}


def write_reference(out: Path = REFERENCE_FILE) -> dict[str, dict[str, int]]:
    """Write the reference file; return the rows per corpus and role."""
    counts: dict[str, dict[str, int]] = {}
    lines = []
    for dataset in (load_civil(), load_wordpress()):
        n_check, n_anchor = SIZES[dataset.name]
        for role, indexes in select(dataset, n_check, n_anchor).items():
            counts.setdefault(dataset.name, {})[str(role)] = len(indexes)
            for i in sorted(indexes):
                row = reference_row(dataset.comments[i], dataset.labels[i], dataset.name, role)
                lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    data = ("\n".join(lines) + "\n").encode()
    # mtime=0: the same rows give the same bytes, so the checksum in the README holds.
    out.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return counts
