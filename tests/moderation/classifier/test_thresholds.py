from __future__ import annotations

import numpy as np
import pytest

from moderation.classifier.thresholds import Thresholds, choose_thresholds, rate_threshold


def test_rate_threshold_lets_through_at_most_the_rate():
    ham = np.linspace(0.0, 0.99, 100)

    threshold = rate_threshold(ham, 0.05)

    assert (ham >= threshold).mean() == pytest.approx(0.05)
    assert (ham >= np.nextafter(threshold, 0)).mean() > 0.05


def test_spam_threshold_holds_the_target_on_the_worst_source():
    rng = np.random.default_rng(0)
    easy = rng.uniform(0.0, 0.3, 1000)
    hard = rng.uniform(0.0, 0.9, 1000)
    spam = rng.uniform(0.8, 1.0, 500)
    probabilities = np.concatenate([easy, hard, spam])
    labels = np.array([0] * 2000 + [1] * 500)
    sources = np.array(["easy"] * 1000 + ["hard"] * 1000 + ["spam"] * 500)

    thresholds = choose_thresholds(probabilities, labels, sources, target_fpr=0.01)

    assert (hard >= thresholds.spam).mean() <= 0.01
    assert (easy >= thresholds.spam).mean() == 0
    assert (hard >= thresholds.ham).mean() <= 0.05
    assert thresholds.ham <= thresholds.spam


def test_small_sources_do_not_set_the_threshold():
    probabilities = np.array([0.1] * 600 + [0.95] * 100 + [0.99] * 50)
    labels = np.array([0] * 700 + [1] * 50)
    sources = np.array(["big"] * 600 + ["small"] * 100 + ["spam"] * 50)

    assert choose_thresholds(probabilities, labels, sources) == Thresholds(
        ham=float(np.nextafter(0.1, 1)), spam=0.5
    )
