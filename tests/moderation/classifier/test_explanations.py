from __future__ import annotations

import pytest

from moderation.classifier import artifacts
from moderation.classifier.explanations import explain
from moderation.classifier.linear_scorer import LinearScorer
from moderation.conf import SHIPPED_MODEL_DIR
from moderation.features import CommentData
from tests.examples import HAM, SPAM


@pytest.fixture(scope="module")
def shipped():
    pipeline = artifacts.load_model(SHIPPED_MODEL_DIR, artifacts.read_checksum(SHIPPED_MODEL_DIR))
    return LinearScorer.from_pipeline(pipeline)


@pytest.mark.parametrize("text", [*SPAM[:4], *HAM[:4], "x" * 3000, ""])
def test_the_parts_add_up_to_the_models_log_odds(shipped, text):
    comment = CommentData(text, author_name="cheap seo", author_url="http://seo.example/a/b")

    explanation = explain(shipped, comment)

    assert explanation.spam_probability == shipped.score(comment)
    assert explanation.log_odds == pytest.approx(shipped.decision_function(comment), abs=1e-6)


def test_the_words_of_a_pharmacy_pitch_push_towards_spam(shipped):
    comment = CommentData(
        "I read your article about the council budget. Buy cheap viagra online at "
        "http://pills.example best prices no prescription"
    )

    explanation = explain(shipped, comment)

    spam_words = [w for w, _ in explanation.top_words(5)]
    ham_words = [w for w, _ in explanation.top_words(5, spam=False)]
    assert {"cheap", "online", "http://pills.example"} <= set(spam_words)
    assert not set(spam_words) & set(ham_words)
    assert explanation.notable_signals()[0][0] == "links in the text"
    assert [w for w, _ in explanation.words][:3] == ["I", "read", "your"]


def test_author_signals_are_described_for_moderators(shipped):
    explanation = explain(shipped, CommentData("Nice post", author_url="http://casino.xyz/a/b"))

    described = [d for d, _ in explanation.notable_signals()]
    assert "author website has a commerce word" in described
