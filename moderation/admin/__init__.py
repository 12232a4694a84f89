"""The Django admin: the review queue (comments.py) and the rules, jobs, API keys and model
versions around it. Importing the package, as admin.autodiscover() does, registers them all."""

from __future__ import annotations

from moderation.admin import api_keys, comments, jobs, model_versions, rules

__all__ = ["api_keys", "comments", "jobs", "model_versions", "rules"]
