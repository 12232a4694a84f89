"""Tests of training.reference: choosing the reference rows and writing the shipped file."""

from __future__ import annotations

import hashlib

import pytest

from moderation.corpora import DATASETS_ENV, load_civil
from moderation.dataset import Dataset, text_group
from moderation.features import CommentData
from moderation.reference import REFERENCE_FILE, Role
from training.cli import main
from training.reference import SIZES, select


def make_dataset(texts: list[str]) -> Dataset:
    return Dataset(
        name="x",
        comments=[CommentData(content=text) for text in texts],
        labels=[0] * len(texts),
        groups=["g"] * len(texts),
        files=[],
        may_ship=True,
    )


def groups_by_role(dataset: Dataset, chosen: dict[Role, list[int]]) -> dict[Role, list[str]]:
    return {
        role: [text_group(dataset.comments[i].content) for i in indexes]
        for role, indexes in chosen.items()
    }


TEXTS = [f"comment number {i}" for i in range(12)] + ["Comment number 3", "comment  number 7"]


def test_select_takes_one_row_per_distinct_text_and_no_text_twice():
    dataset = make_dataset(TEXTS)

    chosen = select(dataset, 3, 9)

    groups = groups_by_role(dataset, chosen)
    assert (len(groups[Role.CHECK]), len(groups[Role.ANCHOR])) == (3, 9)
    assert len(set(groups[Role.CHECK] + groups[Role.ANCHOR])) == 12
    # Of texts equal once normalised, the first row stands for them.
    assert not {12, 13} & {*chosen[Role.CHECK], *chosen[Role.ANCHOR]}


def test_select_is_deterministic():
    dataset = make_dataset(TEXTS)

    first, second = select(dataset, 3, 5), select(make_dataset(list(TEXTS)), 3, 5)

    assert first == second


def test_select_gives_each_text_the_same_role_whatever_the_row_order():
    dataset, reordered = make_dataset(TEXTS), make_dataset(TEXTS[::-1])

    chosen, chosen_reordered = select(dataset, 3, 5), select(reordered, 3, 5)

    assert groups_by_role(dataset, chosen) == groups_by_role(reordered, chosen_reordered)


def test_select_refuses_a_corpus_with_too_few_distinct_texts():
    dataset = make_dataset(TEXTS)

    with pytest.raises(ValueError) as excinfo:
        select(dataset, 3, 10)

    assert str(excinfo.value) == "x has 12 distinct texts; need more."


@pytest.mark.datasets
def test_select_on_civil_comments_gives_each_text_the_same_role_whatever_the_row_order(
    real_datasets,
):
    civil = load_civil()
    reordered = civil.subset(range(len(civil) - 1, -1, -1))

    chosen, chosen_reordered = select(civil, *SIZES["civil"]), select(reordered, *SIZES["civil"])

    assert groups_by_role(civil, chosen) == groups_by_role(reordered, chosen_reordered)


@pytest.mark.datasets
def test_reference_command_rewrites_the_shipped_file_byte_for_byte(real_datasets, tmp_path, capsys):
    first, second = tmp_path / "first.jsonl.gz", tmp_path / "second.jsonl.gz"

    statuses = [main(["reference", "--out", str(first)]), main(["reference", "--out", str(second)])]

    assert statuses == [0, 0]
    assert first.read_bytes() == second.read_bytes()
    assert (
        hashlib.sha256(first.read_bytes()).hexdigest()
        == hashlib.sha256(REFERENCE_FILE.read_bytes()).hexdigest()
    )
    assert capsys.readouterr().out.splitlines()[:3] == [
        "civil: 1000 check rows, 4000 anchor rows",
        "wordpress: 300 check rows, 800 anchor rows",
        f"Wrote {first}",
    ]


def test_reference_command_reports_a_missing_datasets_folder(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(DATASETS_ENV, str(tmp_path / "nowhere"))

    status = main(["reference", "--out", str(tmp_path / "reference.jsonl.gz")])

    assert status == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert not (tmp_path / "reference.jsonl.gz").exists()
