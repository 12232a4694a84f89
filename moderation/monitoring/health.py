"""Whether this process can serve comments (/readyz): the database answers, it has every
migration this code needs, and the active model's file verifies.

The answer names a fixed reason, never an exception's text or a path: probes are anonymous.
`manage.py check --database default` tells the operator the details.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from moderation.classifier.registry import active_model_source
from moderation.model_health import model_problem


@dataclass(frozen=True)
class NotReady:
    """Why this process cannot serve: a stable code and a sentence for the operator."""

    code: str
    message: str


DATABASE_UNAVAILABLE = NotReady("database_unavailable", "The database does not answer.")
MIGRATIONS_PENDING = NotReady(
    "migrations_pending",
    "The database lacks migrations this code needs: run `manage.py migrate`.",
)
MODEL_UNAVAILABLE = NotReady(
    "model_unavailable",
    "The active spam model's file is missing or does not match its checksum: new comments "
    "wait for review unscored.",
)


@dataclass(frozen=True)
class Readiness:
    """Whether this process is ready; if so, the version of the model scoring comments."""

    problem: NotReady | None
    model_version: str | None = None


def readiness(using: str = DEFAULT_DB_ALIAS) -> Readiness:
    """Return whether this process can serve comments, from database `using`."""
    try:
        if has_unapplied_migrations(using):
            return Readiness(MIGRATIONS_PENDING)
        # Hashed without unpickling, at most every model_health.RECHECK_SECONDS per process.
        if model_problem() is not None:
            return Readiness(MODEL_UNAVAILABLE)
        return Readiness(None, active_model_source().version)
    except DatabaseError:
        return Readiness(DATABASE_UNAVAILABLE)


def has_unapplied_migrations(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Return whether database `using` lacks a migration of this code (of any app)."""
    # A few milliseconds: the migration files are imported once per process, and the applied
    # ones are read in two queries (does the table exist, what does it hold).
    executor = MigrationExecutor(connections[using])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
