from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from moderation.duplicates import text_hash


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()

    call_command("makemigrations", "--check", "--dry-run", stdout=out)

    assert "No changes detected" in out.getvalue()


@pytest.fixture
def executor(transactional_db):
    """Migrations run against the test database, which is left migrated to the end again."""
    yield MigrationExecutor(connection)
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())


def test_replies_and_duplicates_migration_hashes_the_texts_already_stored(executor):
    before = [("moderation", "0009_translatable_labels")]
    after = [("moderation", "0010_replies_and_duplicates")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    # Any content type will do: a comment's object is found by type and key only when shown.
    rule_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="moderation", model="rule"
    )[0]
    old.get_model("moderation", "Comment").objects.create(
        content_type_id=rule_type.pk,
        object_pk="1",
        author_name="Olga",
        content="Stored  BEFORE the migration.",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    comment = executor.loader.project_state(after).apps.get_model("moderation", "Comment")
    stored = comment.objects.get()
    assert stored.content_hash == text_hash("stored before the migration.")
    assert (stored.depth, stored.parent_id, stored.parent_ref) == (1, None, "")
