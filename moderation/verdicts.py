"""Score -> verdict: thresholds from MODERATION decide publish, hold for review, or spam."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy

from moderation.classifier.thresholds import Thresholds
from moderation.conf import get_settings


class Verdict(models.TextChoices):
    HAM = "ham", gettext_lazy("Ham")
    PENDING = "pending", gettext_lazy("Pending review")
    SPAM = "spam", gettext_lazy("Spam")


def effective_thresholds(model: Thresholds) -> Thresholds:
    """Return the model's thresholds with any set in MODERATION taking their place."""
    conf = get_settings()
    return Thresholds(
        ham=model.ham if conf["HAM_THRESHOLD"] is None else conf["HAM_THRESHOLD"],
        spam=model.spam if conf["SPAM_THRESHOLD"] is None else conf["SPAM_THRESHOLD"],
    )


def verdict_for(
    spam_probability: float, model_thresholds: Thresholds, *, advertises: bool = True
) -> Verdict:
    """Return the verdict for `spam_probability` under the model's (or configured) thresholds.

    A comment with nothing to advertise (features.advertises) is at most held while
    HOLD_UNADVERTISED is on: a reader's thanks is never spam on the model's word alone.
    """
    thresholds = effective_thresholds(model_thresholds)
    if spam_probability >= thresholds.spam:
        if not advertises and get_settings()["HOLD_UNADVERTISED"]:
            return Verdict.PENDING
        return Verdict.SPAM
    if spam_probability < thresholds.ham:
        return Verdict.HAM
    return Verdict.PENDING


def is_blatant(spam_probability: float) -> bool:
    """Return whether a score is at or above DISCARD_THRESHOLD: spam a client may drop."""
    return spam_probability >= get_settings()["DISCARD_THRESHOLD"]


def is_discardable(spam_probability: float) -> bool:
    """Return whether a comment is blatant enough spam to delete instead of filing."""
    return bool(get_settings()["DISCARD_BLATANT_SPAM"]) and is_blatant(spam_probability)
