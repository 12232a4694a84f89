"""Test settings: the demo site's, with what tests need overridden."""

from __future__ import annotations

import tempfile
from pathlib import Path

from site_demo.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The demo's 3-second minimum would slow every form test; tests that need it set it themselves.
MODERATION = {**MODERATION, "MIN_SUBMIT_SECONDS": 0}  # noqa: F405
# Model files registered by tests (published to the default storage) stay out of var/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="hamlet-test-media-"))
MODERATION["MODEL_CACHE_DIR"] = tempfile.mkdtemp(prefix="hamlet-test-models-")
# Threads in tests open their own connections and close them; none should outlive a test.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# A site's own comment model (tests/blog) and django-contrib-comments, each moderated through
# an adapter, beside the demo's own comments.
INSTALLED_APPS = [
    *INSTALLED_APPS,  # noqa: F405
    "django.contrib.sites",
    "django_comments",
    "moderation.contrib.django_comments",
    "tests.blog",
]
SITE_ID = 1
ROOT_URLCONF = "tests.urls"
