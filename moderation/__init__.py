"""Hamlet: self-hosted comment-spam moderation for Django (the reusable `moderation` app)."""

from __future__ import annotations

__version__ = "0.1.0"
