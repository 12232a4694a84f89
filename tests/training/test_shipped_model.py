from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from moderation.classifier import artifacts
from moderation.classifier.linear_scorer import LinearScorer
from moderation.conf import SHIPPED_MODEL_DIR
from moderation.corpora import datasets_dir
from moderation.features import CommentData
from tests.examples import HAM, SPAM


def test_shipped_model_passes_its_checksum_and_separates_obvious_cases():
    pipeline = artifacts.load_model(SHIPPED_MODEL_DIR, artifacts.read_checksum(SHIPPED_MODEL_DIR))

    spam, ham = pipeline.predict_proba(
        [
            CommentData(
                "Great article! Buy cheap replica watches at http://replica-watches.example.com "
                "best prices, free shipping worldwide",
                author_name="cheap replica watches",
                author_url="http://replica-watches.example.com",
            ),
            CommentData(
                "If the two leaders meet on Monday, I doubt anything will change for ordinary "
                "people in Minsk. The last summit produced nothing but photographs.",
                author_name="Anna K.",
            ),
        ]
    )[:, 1]

    assert spam >= 0.8
    assert ham < 0.3


def test_shipped_model_card_names_only_shippable_sources():
    card = artifacts.read_card(SHIPPED_MODEL_DIR)

    assert card["is_shippable"] is True
    assert {s["name"] for s in card["sources"]} == {
        "youtube",
        "sms",
        "wordpress",
        "civil",
        "wikipedia",
        "written",
    }
    assert all(s["may_ship"] for s in card["sources"])
    assert (SHIPPED_MODEL_DIR / "MODEL_CARD.md").read_text().startswith("# Model card:")


@pytest.mark.datasets
def test_shipped_model_is_reproduced_by_the_documented_command(tmp_path):
    if not datasets_dir().is_dir():
        pytest.skip(f"needs the shared datasets folder {datasets_dir()} (set MODERATION_DATASETS)")
    if os.environ.get("DATABASE_URL"):
        pytest.skip("runs once, in the SQLite pass (training uses no database)")

    # A fresh process, as docs/model.md runs it.
    subprocess.run(
        [sys.executable, "-m", "training", "train", "--shipped", "--out", str(tmp_path / "model")],
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
    )

    if artifacts.read_checksum(tmp_path / "model") == artifacts.read_checksum(SHIPPED_MODEL_DIR):
        return  # the same bytes: this CPU rounds as the one that trained it
    # Another CPU's BLAS kernels round differently in the last bits: the same data and
    # parameters must still give the same weights, to far below anything a score shows.
    shipped, retrained = (
        LinearScorer.from_pipeline(artifacts.load_model(d, artifacts.read_checksum(d)))
        for d in (SHIPPED_MODEL_DIR, tmp_path / "model")
    )
    ours, theirs = retrained.vectorizer, shipped.vectorizer
    assert ours.signal_index_ == theirs.signal_index_
    for attribute in ("char_idf_", "word_idf_", "signal_scale_"):
        np.testing.assert_array_equal(getattr(ours, attribute), getattr(theirs, attribute))
    np.testing.assert_allclose(retrained.weights, shipped.weights, rtol=0, atol=1e-8)
    assert retrained.intercept == pytest.approx(shipped.intercept, abs=1e-8)
    assert retrained.platt == pytest.approx(shipped.platt, abs=1e-8)
    texts = [*HAM, *SPAM]
    assert retrained.score_many([CommentData(t) for t in texts]) == pytest.approx(
        shipped.score_many([CommentData(t) for t in texts]), abs=1e-8
    )
