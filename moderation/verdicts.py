"""Score -> verdict: thresholds from MODERATION decide publish, hold for review, or spam."""

from __future__ import annotations

from django.db import models

from moderation.conf import get_settings


class Verdict(models.TextChoices):
    HAM = "ham", "Ham"
    PENDING = "pending", "Pending review"
    SPAM = "spam", "Spam"


def verdict_for(spam_probability: float) -> Verdict:
    """Return the verdict the configured thresholds give `spam_probability`."""
    conf = get_settings()
    if spam_probability >= conf["SPAM_THRESHOLD"]:
        return Verdict.SPAM
    if spam_probability < conf["HAM_THRESHOLD"]:
        return Verdict.HAM
    return Verdict.PENDING


def is_discardable(spam_probability: float) -> bool:
    """Return whether a comment is blatant enough spam to delete instead of filing."""
    conf = get_settings()
    return bool(conf["DISCARD_BLATANT_SPAM"]) and spam_probability >= conf["DISCARD_THRESHOLD"]
