from __future__ import annotations

import numpy as np
import pytest

from moderation.classifier.model_card import render_evaluation
from moderation.classifier.training import fit_datasets, source_weights
from moderation.corpora import load_jsonl
from training.evaluate import Predictions, cross_validate, split_by_group
from training.plots import plot_confusion, plot_curves


def test_source_weights_give_every_source_the_same_total():
    weights = source_weights(["a"] * 90 + ["b"] * 10)

    assert weights[:90].sum() == pytest.approx(weights[90:].sum())
    assert weights.mean() == pytest.approx(1.0)


def test_fit_datasets_returns_out_of_fold_probabilities_for_every_row(tiny_jsonl):
    dataset = load_jsonl(tiny_jsonl)

    result = fit_datasets([dataset])

    assert result.oof_probabilities.shape == (len(dataset),)
    assert not hasattr(result.pipeline.named_steps["classifier"], "oof_probabilities_")
    spam = np.asarray(dataset.labels) == 1
    assert result.oof_probabilities[spam].mean() > result.oof_probabilities[~spam].mean()


def test_cross_validation_scores_every_row_once_with_held_out_models(tiny_jsonl):
    dataset = load_jsonl(tiny_jsonl)

    predictions = cross_validate([dataset], folds=3)

    assert sorted(predictions.labels) == sorted(dataset.labels)
    assert len(predictions.thresholds) == 3
    metrics = predictions.metrics()
    assert set(metrics) == {"tiny", "all"}
    assert metrics["all"]["n"] == len(dataset)
    assert metrics["all"]["roc_auc"] > 0.8


def test_split_by_group_makes_one_dataset_per_group(tiny_jsonl):
    from dataclasses import replace

    dataset = load_jsonl(tiny_jsonl)
    halves = replace(dataset, groups=["a" if i % 2 else "b" for i in range(len(dataset))])

    parts = split_by_group(halves)

    assert [p.name for p in parts] == ["a", "b"]
    assert sum(len(p) for p in parts) == len(dataset)


def test_plots_are_written_as_png(tmp_path):
    predictions = Predictions("example")
    rng = np.random.default_rng(0)
    labels = [0] * 50 + [1] * 50
    probabilities = np.concatenate([rng.uniform(0, 0.6, 50), rng.uniform(0.4, 1, 50)])
    predictions.add(labels, probabilities, 0.5, ["a"] * 100)

    paths = [*plot_curves(predictions, tmp_path, "x"), plot_confusion(predictions, tmp_path, "x")]

    assert [p.name for p in paths] == ["x-pr.png", "x-roc.png", "x-confusion.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in paths)


def test_render_evaluation_lists_targets_and_tables():
    results = {
        "targets": [{"target": "C3 FPR", "goal": 0.005, "value": 0.002, "met": True}],
        "cross_validation": {"sms": {"n": 10, "accuracy": 0.9, "fpr": 0.01, "mcc": 0.8}},
    }

    lines = render_evaluation(results)

    assert "| C3 FPR | 0.005 | 0.0020 | yes |" in lines
    assert any(line.startswith("| sms | 10 | 0.9000") for line in lines)


def test_a_fixed_threshold_trades_news_ham_fpr_against_recall():
    from training.report import trade_off

    held_out = Predictions("held out")
    # c3 is ham only; its two highest scores sit between the two thresholds below.
    held_out.add([0] * 4, np.array([0.1, 0.2, 0.55, 0.65]), 0.5, ["c3"] * 4)
    cv = Predictions("cv")
    cv.add([1, 1, 0, 0], np.array([0.9, 0.6, 0.4, 0.1]), 0.5, ["wordpress"] * 4)

    rows = trade_off({"evaluation_only": held_out, "cross_validation": cv}, [0.5, 0.7])

    assert [row["threshold"] for row in rows] == [0.5, 0.7]
    assert rows[0]["C3 news ham: false-positive rate"] == 0.5
    assert rows[1]["C3 news ham: false-positive rate"] == 0.0
    assert rows[0]["WordPress spam held out: recall"] == 1.0
    assert rows[1]["WordPress spam held out: recall"] == 0.5
    assert rows[0]["SMS 5-fold: MCC"] is None  # no SMS rows in this evaluation
    lines = render_evaluation({"trade_off": rows, "targets": []})
    assert "| 0.7000 | 0.0000 | – | 0.5000 |" in " ".join(lines)


def test_predictions_at_a_threshold_keep_the_rows_and_redecide_them():
    predictions = Predictions("p")
    predictions.add([1, 0], np.array([0.6, 0.4]), 0.7, ["a", "a"])

    assert predictions.is_spam == [False, False]
    assert predictions.at(0.5).is_spam == [True, False]
    assert predictions.at(0.5).labels == [1, 0]


def test_emphasis_multiplies_a_sources_total_weight():
    weights = source_weights(["a"] * 90 + ["site"] * 10, {"site": 3.0})

    assert weights[90:].sum() == pytest.approx(3 * weights[:90].sum())
    assert weights.mean() == pytest.approx(1.0)
