"""Tests of moderation.reference: the reference comments the wheel ships, as a site reads them."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter

from moderation.corpora import load_spec, load_written
from moderation.dataset import text_group
from moderation.features import CommentData
from moderation.reference import (
    REFERENCE_FILE,
    Role,
    check_groups,
    reference_row,
    reference_set,
)

# The checksum moderation/corpus/README.md gives for the file `python -m training reference` wrote.
REFERENCE_SHA256 = "d60879c8f29168ab0e1a6e41eda7ec26fd23736b3f67ee6b96e67c92ff9d3583"


def stored_rows():
    with gzip.open(REFERENCE_FILE, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def test_reference_file_has_the_documented_checksum():
    readme = (REFERENCE_FILE.parent / "README.md").read_text()

    digest = hashlib.sha256(REFERENCE_FILE.read_bytes()).hexdigest()

    assert digest == REFERENCE_SHA256
    assert REFERENCE_SHA256 in readme


def test_reference_file_has_the_documented_rows_per_source_role_and_label():
    rows = stored_rows()

    counts = Counter((row["source"], row["role"], row["label"]) for row in rows)

    assert counts == {
        ("civil", "check", "ham"): 1000,
        ("civil", "anchor", "ham"): 4000,
        ("wordpress", "check", "spam"): 300,
        ("wordpress", "anchor", "spam"): 800,
    }
    assert {frozenset(row) for row in rows} == {
        frozenset({"text", "author", "url", "label", "source", "role"})
    }


def test_reference_file_holds_each_text_once():
    rows = stored_rows()

    groups = [text_group(row["text"]) for row in rows]

    assert len(set(groups)) == len(rows) == 6100


def test_check_set_is_the_check_rows_with_their_labels_and_sources():
    check = reference_set(Role.CHECK)

    assert len(check) == 1300
    assert Counter(zip(check.sources, check.labels, strict=True)) == {
        ("civil", 0): 1000,
        ("wordpress", 1): 300,
    }


def test_anchor_set_is_the_anchor_rows_followed_by_the_written_corpus():
    written = load_written()

    anchor = reference_set(Role.ANCHOR)

    assert Counter(anchor.sources) == {"civil": 4000, "wordpress": 800, "written": len(written)}
    assert anchor.comments[-len(written) :] == written.comments
    assert anchor.labels[-len(written) :] == written.labels
    assert Counter(zip(anchor.sources, anchor.labels, strict=True))[("wordpress", 1)] == 800


def test_check_groups_are_the_text_groups_of_the_check_rows_and_of_no_anchor_row():
    check, anchor = reference_set(Role.CHECK), reference_set(Role.ANCHOR)

    held_out = check_groups()

    assert held_out == {text_group(comment.content) for comment in check.comments}
    assert held_out.isdisjoint(text_group(comment.content) for comment in anchor.comments)


def test_written_corpus_loses_no_row_to_the_check_set():
    # Anchor rows are trained on; a written comment equal to a check row would be dropped.
    assert len(load_spec("written")) == len(load_written())


def test_reference_row_stores_the_comment_label_source_and_role_but_no_email():
    comment = CommentData(
        "Cheap pills http://pills.example",
        author_name="pills",
        author_email="bot@example.com",
        author_url="http://pills.example",
    )

    row = reference_row(comment, 1, "wordpress", Role.CHECK)

    assert row == {
        "text": "Cheap pills http://pills.example",
        "author": "pills",
        "url": "http://pills.example",
        "label": "spam",
        "source": "wordpress",
        "role": "check",
    }
    assert json.loads(json.dumps(row))["role"] == Role.CHECK
