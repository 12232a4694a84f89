"""Behavioural tests of the shipped model: capabilities (MFT), invariances (INV), directions (DIR).

Every example is written here for the purpose; the thresholds are the model's own.
"""

from __future__ import annotations

import pytest

from moderation.classifier import artifacts
from moderation.classifier.linear_scorer import LinearScorer
from moderation.classifier.thresholds import card_thresholds
from moderation.conf import SHIPPED_MODEL_DIR
from moderation.features import CommentData

ARTICLE_COMMENTS = [
    "If the two leaders meet on Monday, I doubt anything will change for ordinary people.",
    "The council should have published the budget before the vote, not after it.",
    "Great article, thanks!",
    "Does anyone know when the bridge repairs are supposed to finish?",
    "This is nonsense. The sanctions are clearly working and everyone knows it.",
    "My grandmother lived through that winter and she would tell a very different story.",
    "I called the airline three times and nobody could rebook my flight. Shameful.",
    "Source? The figure in the third paragraph looks wrong to me.",
]
BLATANT_SPAM = [
    "Buy cheap viagra and cialis online without prescription http://pills-online.example",
    "Best online casino, 200% bonus and free spins today only http://casino-bonus.example",
    "QuickBooks Support Phone Number +1-888-555-0147 call our experts 24/7 for instant help",
    "Dial Delta Airlines Reservations Number to book cheap flights and get the best deals",
    "Great post! Visit my site for cheap replica watches http://replica-watches.example/shop",
    "Earn $500 a day working from home, click here http://easy-money.example",
]


@pytest.fixture(scope="module")
def model():
    pipeline = artifacts.load_model(SHIPPED_MODEL_DIR, artifacts.read_checksum(SHIPPED_MODEL_DIR))
    scorer = LinearScorer.from_pipeline(pipeline)
    return scorer.score, card_thresholds(artifacts.read_card(SHIPPED_MODEL_DIR))


@pytest.mark.parametrize("text", BLATANT_SPAM)
def test_mft_blatant_commercial_spam_is_filed_as_spam(model, text):
    score, thresholds = model

    assert score(CommentData(text)) >= thresholds.spam


@pytest.mark.parametrize("text", ARTICLE_COMMENTS)
def test_mft_ordinary_article_comments_are_published(model, text):
    score, thresholds = model

    assert score(CommentData(text, author_name="Anna K.")) < thresholds.ham


@pytest.mark.parametrize("text", ARTICLE_COMMENTS)
def test_inv_a_reader_giving_a_name_email_and_blog_stays_published(model, text):
    score, thresholds = model

    with_details = CommentData(
        text,
        author_name="Marta Kowalska",
        author_email="marta@example.org",
        author_url="https://martas-garden-notes.example",
    )

    assert score(with_details) < thresholds.ham


@pytest.mark.parametrize(
    "text",
    [
        "You're an idiot and so is everyone who voted for this council.",
        "WHAT A DISGRACE. RESIGN NOW!!!",
        "This mayor is a clown, plain and simple.",
    ],
)
def test_inv_rude_is_not_spam(model, text):
    score, thresholds = model

    assert score(CommentData(text, author_name="angry_reader")) < thresholds.spam


@pytest.mark.parametrize("text", ARTICLE_COMMENTS[:4])
def test_dir_a_commerce_link_and_keyword_name_raise_the_score(model, text):
    score, _ = model

    plain = score(CommentData(text, author_name="Anna K."))
    promoted = score(
        CommentData(
            f"{text} Check out http://cheap-loans-online.example",
            author_name="cheap loans online",
            author_url="http://cheap-loans-online.example/apply",
        )
    )

    assert promoted > plain
