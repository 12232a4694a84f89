"""/healthz and /readyz through the test client: alive without the database; ready only when the
database answers, every migration is applied and the active model's file verifies."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from moderation.classifier import artifacts
from moderation.classifier.registry import activate_model, register_model, shipped_model_source
from moderation.model_health import RECHECK_SECONDS
from tests.faults import database_down_from
from tests.subprocesses import run_django

ROOT = Path(__file__).resolve().parents[2]
NOT_CACHED = "max-age=0, no-cache, no-store, must-revalidate, private"


def body(response):
    return json.loads(response.content)


@pytest.fixture
def fragile_model(db, settings, tmp_path, tiny_model_dir):
    """The tiny model in a folder of its own, registered in a model storage of its own, active."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MODERATION = {**settings.MODERATION, "MODEL_CACHE_DIR": str(tmp_path / "cache")}
    directory = tmp_path / "fragile"
    shutil.copytree(tiny_model_dir, directory)
    return activate_model(register_model(directory, version="fragile-1"))


# /healthz -------------------------------------------------------------------------------------


def test_healthz_says_ok_without_touching_the_database(client):
    # No `db` fixture: pytest-django fails any query this test would make.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert body(response) == {"status": "ok"}
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == NOT_CACHED


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_probes_answer_only_get_and_head(client, path, method):
    response = getattr(client, method)(path)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_healthz_answers_head_with_no_body(client):
    response = client.head("/healthz")

    assert (response.status_code, response.content) == (200, b"")


# /readyz when ready --------------------------------------------------------------------------


def test_readyz_is_ready_with_the_active_model_version(client, active_model):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert body(response) == {"status": "ready", "model_version": "tiny-test-model"}
    assert response["Cache-Control"] == NOT_CACHED


def test_readyz_names_the_shipped_model_while_no_version_is_active(client, db):
    response = client.get("/readyz")

    assert body(response) == {"status": "ready", "model_version": shipped_model_source().version}


def test_readyz_needs_no_login_key_or_csrf_token(active_model):
    response = Client(enforce_csrf_checks=True).get("/readyz")

    assert response.status_code == 200


# /readyz when not ready ----------------------------------------------------------------------


def previous_moderation_migration():
    """The migration before moderation's latest: migrating to it leaves the latest unapplied."""
    loader = MigrationExecutor(connection).loader
    [leaf] = loader.graph.leaf_nodes("moderation")
    [parent] = [d for d in loader.get_migration(*leaf).dependencies if d[0] == "moderation"]
    return leaf[1], parent[1]


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_while_a_migration_is_not_applied(client):
    latest, previous = previous_moderation_migration()
    call_command("migrate", "moderation", previous, verbosity=0)
    try:
        response = client.get("/readyz")
    finally:
        call_command("migrate", "moderation", latest, verbosity=0)

    assert response.status_code == 503
    assert body(response) == {
        "status": "unavailable",
        "reason": "migrations_pending",
        "message": "The database lacks migrations this code needs: run `manage.py migrate`.",
    }
    assert response["Cache-Control"] == NOT_CACHED
    assert client.get("/readyz").status_code == 200  # migrated again


@pytest.mark.parametrize("how", ["deleted", "truncated"])
def test_readyz_is_503_when_the_active_model_file_is_broken_and_says_no_path(
    client, fragile_model, cache_clock, how
):
    assert client.get("/readyz").status_code == 200
    path = Path(fragile_model.path) / artifacts.MODEL_FILE
    if how == "deleted":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    # The file is hashed at most every RECHECK_SECONDS, not on each probe.
    cached = client.get("/readyz")
    cache_clock.shift(RECHECK_SECONDS)
    response = client.get("/readyz")

    assert cached.status_code == 200
    assert response.status_code == 503
    assert body(response) == {
        "status": "unavailable",
        "reason": "model_unavailable",
        "message": "The active spam model's file is missing or does not match its checksum: "
        "new comments wait for review unscored.",
    }
    assert "fragile" not in response.content.decode()  # no path, no version, no checksum


def test_readyz_is_503_when_the_database_stops_answering(client, active_model):
    with database_down_from("SELECT"):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert body(response) == {
        "status": "unavailable",
        "reason": "database_unavailable",
        "message": "The database does not answer.",
    }


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_readyz_is_503_when_the_database_server_is_unreachable_and_healthz_still_ok(closed_port):
    # A process of its own: its only database is a PostgreSQL server nobody listens for.
    code = (
        "import json, django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client()\n"
        "ready, alive = client.get('/readyz'), client.get('/healthz')\n"
        "print(json.dumps([ready.status_code, json.loads(ready.content), alive.status_code]))\n"
    )
    printed, result = run_django(
        code, DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port}/test", timeout=120
    )

    assert printed == [
        503,
        {
            "status": "unavailable",
            "reason": "database_unavailable",
            "message": "The database does not answer.",
        },
        200,
    ]
    assert str(closed_port) not in result.stdout  # the connection error stays out of the answer
