"""Hamlet: self-hosted comment-spam moderation for Django (the reusable `moderation` app)."""

__version__ = "0.1.0"
