from __future__ import annotations

import json

from moderation.classifier import artifacts
from training.cli import main


def test_train_writes_a_verified_model_folder_with_card_and_thresholds(tiny_jsonl, tmp_path):
    out = tmp_path / "model"

    status = main(["train", "--data", f"jsonl:{tiny_jsonl}", "--out", str(out), "--experiment"])

    assert status == 0
    card = json.loads((out / "card.json").read_text())
    assert artifacts.load_model(out, artifacts.read_checksum(out)) is not None
    assert card["sha256"] == artifacts.read_checksum(out)
    assert 0 <= card["ham_threshold"] <= card["spam_threshold"] <= 0.999
    assert card["is_shippable"] is False
    assert card["sources"][0]["files"][0]["name"] == "tiny.jsonl"
    assert set(card["metrics"]["out_of_fold"]["all"]) == {
        "n",
        "accuracy",
        "precision",
        "recall",
        "f1",
        "mcc",
        "roc_auc",
        "fpr",
    }
    markdown = (out / "MODEL_CARD.md").read_text()
    assert "May be shipped: no" in markdown
    assert "tiny.jsonl" in markdown


def test_train_refuses_evaluation_only_data_without_experiment(tiny_jsonl, tmp_path, capsys):
    status = main(["train", "--data", f"jsonl:{tiny_jsonl}", "--out", str(tmp_path / "m")])

    assert status == 2
    assert "tiny may be used for evaluation only; add --experiment" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_train_reports_a_missing_dataset_as_an_error(tmp_path, capsys):
    status = main(["train", "--data", f"csv:{tmp_path / 'nope.csv'}", "--out", str(tmp_path)])

    assert status == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_evaluate_prints_one_json_object_per_source(tiny_jsonl, tmp_path, capsys):
    out = tmp_path / "model"
    main(["train", "--data", f"jsonl:{tiny_jsonl}", "--out", str(out), "--experiment"])
    capsys.readouterr()

    status = main(["evaluate", "--model", str(out), "--data", f"jsonl:{tiny_jsonl}", "--json"])

    report = json.loads(capsys.readouterr().out)
    assert status == 0
    assert list(report) == ["tiny"]
    assert report["tiny"]["n"] == 144
    assert report["tiny"]["accuracy"] > 0.9


def test_evaluate_refuses_a_model_whose_checksum_fails(tiny_jsonl, tmp_path, capsys):
    out = tmp_path / "model"
    main(["train", "--data", f"jsonl:{tiny_jsonl}", "--out", str(out), "--experiment"])
    (out / "model.sha256").write_text("0" * 64 + "  model.joblib\n")

    status = main(["evaluate", "--model", str(out), "--data", f"jsonl:{tiny_jsonl}"])

    assert status == 2
    assert "refusing to load it" in capsys.readouterr().err


def test_select_prints_one_line_per_regularisation_strength(tiny_jsonl, capsys):
    status = main(["select", "--C", "1", "8", "--data", f"jsonl:{tiny_jsonl}"])

    lines = capsys.readouterr().out.strip().splitlines()
    assert status == 0
    assert lines[0].startswith("C\tthreshold")
    assert [line.split("\t")[0] for line in lines[1:]] == ["1", "8"]
    assert "tiny " in lines[1]
