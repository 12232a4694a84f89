"""Whether the model that scores new comments can load: its file's SHA-256, checked without
unpickling, for system check moderation.E008 and the review queue's banner."""

from __future__ import annotations

from django.db import connections, router

from moderation.caches import timed_cache
from moderation.classifier.artifacts import ModelLoadError
from moderation.classifier.registry import active_model_source, model_file_problem, version_folder
from moderation.models import ModelVersion

# Hashing the file is cheap but not free (a few MB per look): the banner looks at most this
# often per process, and at once when another version becomes active.
RECHECK_SECONDS = 30.0


def active_version_problem(using: str = "default") -> str | None:
    """Return why the active ModelVersion in database `using` cannot load, or None.

    None too when no version is active: the shipped default then scores (check W002).
    """
    active = ModelVersion.objects.using(using).filter(is_active=True).first()
    if active is None:
        return None
    try:
        directory = version_folder(active)
    except Exception as exc:  # any storage backend's error: a check must not crash
        return f"Model version {active.version}: its files cannot be fetched: {exc}."
    return model_file_problem(active.version, directory, active.sha256)


def model_problem() -> str | None:
    """Return why new comments cannot be scored, or None; looked at once per RECHECK_SECONDS."""
    try:
        source = active_model_source()
    except (ModelLoadError, OSError) as exc:  # no checksum beside the default; storage unread
        return str(exc)
    return _file_problem(source.version, source.directory, source.sha256)


# Only the latest file's answer is kept: another version's file is hashed at once.
_file_problem = timed_cache(RECHECK_SECONDS)(model_file_problem)
forget_model_problem = _file_problem.forget


def has_model_table(using: str) -> bool:
    """Return whether database `using` holds ModelVersion rows (it is migrated, and routed)."""
    if not router.allow_migrate_model(using, ModelVersion):
        return False
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return ModelVersion._meta.db_table in tables
