"""Whether the model that scores new comments can load: its file's SHA-256, checked without
unpickling, for system check moderation.E008 and the review queue's banner."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from pathlib import Path

from django.db import connections, router

from moderation.classifier import storage
from moderation.classifier.artifacts import MODEL_FILE, ModelLoadError
from moderation.classifier.registry import active_model_source
from moderation.models import ModelVersion

# Hashing the file is cheap but not free (a few MB per look): the banner looks at most this
# often per process, and at once when another version becomes active.
RECHECK_SECONDS = 30.0

_lock = threading.Lock()
# (when, the file's directory and expected SHA-256, the problem found or None)
_last: tuple[float, tuple[Path, str], str | None] | None = None


def file_problem(directory: Path, sha256: str) -> str | None:
    """Return why the model file in `directory` cannot be loaded, or None when its bytes match."""
    path = directory / MODEL_FILE
    try:
        with path.open("rb") as handle:
            actual = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        return f"{path} cannot be read: {exc.strerror or exc}."
    if not hmac.compare_digest(actual, sha256):
        return f"{path} has SHA-256 {actual}, expected {sha256}."
    return None


def active_version_problem(using: str = "default") -> str | None:
    """Return why the active ModelVersion in database `using` cannot load, or None.

    None too when no version is active: the shipped default then scores (check W002).
    """
    active = ModelVersion.objects.using(using).filter(is_active=True).first()
    if active is None:
        return None
    try:
        directory = storage.local_folder(active.path, active.storage_name, active.sha256)
    except Exception as exc:  # any storage backend's error: a check must not crash
        return f"Model version {active.version}: its files cannot be fetched: {exc}."
    problem = file_problem(directory, active.sha256)
    return None if problem is None else f"Model version {active.version}: {problem}"


def model_problem() -> str | None:
    """Return why new comments cannot be scored, or None; looked at once per RECHECK_SECONDS."""
    global _last
    try:
        source = active_model_source()
    except (ModelLoadError, OSError) as exc:  # no checksum beside the default; storage unread
        return str(exc)
    key = (source.directory, source.sha256)
    now = time.time()
    with _lock:
        if _last is not None and _last[1] == key and now - _last[0] < RECHECK_SECONDS:
            return _last[2]
        problem = file_problem(source.directory, source.sha256)
        if problem is not None:
            problem = f"Model version {source.version}: {problem}"
        _last = (now, key, problem)
        return problem


def forget_model_problem() -> None:
    """Make the next model_problem() hash the file again."""
    global _last
    _last = None


def has_model_table(using: str) -> bool:
    """Return whether database `using` holds ModelVersion rows (it is migrated, and routed)."""
    if not router.allow_migrate_model(using, ModelVersion):
        return False
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return ModelVersion._meta.db_table in tables
