"""The `MODERATION` settings dict: every key's default, and the one accessor that reads it."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

SHIPPED_MODEL_DIR = Path(__file__).resolve().parent / "default_model"

# Keep alphabetical; units in trailing comments.
DEFAULTS: dict[str, Any] = {
    # Larger API request bodies get 413 before anything is read.
    "API_MAX_BODY_BYTES": 64 * 1024,  # bytes
    "API_RATE": "600/min",  # requests per key (DRF rate syntax); an ApiKey may set its own
    "API_RATE_PER_IP": "120/min",  # requests per client IP without a valid key
    # Run jobs (rechecks, retraining) on Celery workers; off: a thread of the web process.
    "CELERY": False,
    # Days after an object's date (its policy's date_field) from which its comments are
    # closed, for models registered with moderation.policies; None: never.
    "CLOSE_AFTER_DAYS": None,
    "COMMENTS_PER_PAGE": 50,  # published comments per page under an object; None: all on one
    # The public corpora train_spam_model reads (retraining never does); None:
    # $MODERATION_DATASETS, else ../shared/datasets.
    "DATASETS_DIR": None,
    # Folder with model.joblib + model.sha256, scoring comments while no version is active.
    "DEFAULT_MODEL_DIR": SHIPPED_MODEL_DIR,
    "DISCARD_BLATANT_SPAM": False,  # delete (after logging) spam scoring >= DISCARD_THRESHOLD
    "DISCARD_THRESHOLD": 0.99,  # probability
    # A post repeating its author's text on the same object within this is a duplicate: the
    # form refuses it, the APIs answer it as the first. None: no duplicate check.
    "DUPLICATE_WINDOW": 24 * 60 * 60,  # seconds
    "FORM_RATE_PER_IP": "20/min",  # comment form posts per client IP (DRF rate); None: no limit
    "HAM_THRESHOLD": None,  # probability below which a comment is published; None: the model's
    # A comment with nothing to advertise (no link, domain, phone or e-mail in its text, no
    # author website) is at most held for review by the model alone, never filed as spam.
    "HOLD_UNADVERTISED": True,
    "HONEYPOT_FIELD": "website_confirm",  # hidden form field that only bots fill in
    "MAX_COMMENT_LENGTH": 5000,  # characters
    "MAX_FORM_AGE": 2 * 60 * 60,  # seconds a rendered form stays valid
    # Days of labels campaign memory compares new comments with; None: no campaign memory.
    "MEMORY_DAYS": 90,
    # Similarity (cosine of character 5-grams, 0-1) from which a comment is a near-duplicate.
    "MEMORY_SIMILARITY": 0.3,
    # Serve Prometheus metrics at /metrics (needs the `metrics` extra: prometheus-client).
    "METRICS": False,
    # Addresses or networks ("10.0.0.0/8") that may read /metrics without METRICS_TOKEN.
    "METRICS_ALLOWED_IPS": ["127.0.0.1", "::1"],
    "METRICS_TOKEN": None,  # a secret a scraper sends as "Authorization: Bearer …"; None: none
    "MIN_SUBMIT_SECONDS": 3,  # seconds between rendering the form and a human submit
    # Private folder (0700) for local copies of models from MODEL_STORAGE; None:
    # MEDIA_ROOT/moderation-model-cache.
    "MODEL_CACHE_DIR": None,
    # seconds a process trusts its last look at the active model, the rules and the API keys
    "MODEL_CHECK_INTERVAL": 2.0,
    "MODEL_DIR": None,  # folder for retrained model versions; None: MEDIA_ROOT/moderation-models
    "MODEL_STORAGE": "default",  # STORAGES alias every server reads model files from
    # Addresses told when the pending queue reaches NOTIFY_PENDING_AT; empty: settings.MANAGERS.
    "NOTIFY_EMAILS": [],
    "NOTIFY_PENDING_AT": None,  # pending comments; None: no notifications
    "NOTIFY_WEBHOOK_URL": None,  # URL that gets a JSON POST at the same moment as the emails
    "PERSONAL_DATA_DAYS": 90,  # days IPs, emails and browser details are kept; None: for ever
    "PRIVACY_URL": None,  # URL of the site's privacy page, linked under the comment form
    "PRODUCT_NAME": "Hamlet",  # shown in the notice under the comment form
    "RECHECK_INLINE_LIMIT": 200,  # comments; a larger admin recheck runs in the background
    "REPLY_DEPTH": 3,  # levels of a thread: 1 is a comment on the object, 2 a reply, ...
    "RETENTION_DAYS": 15,  # days spam and removed comments are kept; None: kept for ever
    "SITE_LABEL_WEIGHT": 3.0,  # reference comments each site label weighs in retraining
    "SPAM_THRESHOLD": None,  # probability from which a comment is spam; None: the model's
    # IP addresses or networks ("10.0.0.0/8") of the site's own proxies (nginx, a load
    # balancer): only from them is X-Forwarded-For believed. Empty: REMOTE_ADDR is the client.
    "TRUSTED_PROXIES": [],
}


@cache
def get_settings() -> dict[str, Any]:
    """Return the MODERATION settings merged over DEFAULTS (unknown keys kept for the checks)."""
    return {**DEFAULTS, **getattr(settings, "MODERATION", {})}


def clear_settings_cache(*, setting: str, **kwargs: Any) -> None:
    """Forget the merged settings when a test overrides MODERATION (connected in apps.py)."""
    if setting == "MODERATION":
        get_settings.cache_clear()
