"""Model files through Django's storage API: published on registration, fetched where missing."""

from __future__ import annotations

import shutil

import pytest
from django.core.files.base import ContentFile

from moderation.classifier import artifacts
from moderation.classifier.registry import activate_model, active_model_source, register_model
from moderation.classifier.storage import model_storage
from moderation.models import Action, Status
from moderation.submission import submit_comment


@pytest.fixture
def model_storage_dir(settings, tmp_path):
    """A storage of its own (as S3 would be in production) and an empty local cache."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "storage")},
        },
    }
    settings.MODERATION = {**settings.MODERATION, "MODEL_CACHE_DIR": str(tmp_path / "cache")}
    return tmp_path


@pytest.fixture
def model_on_another_server(db, tiny_model_dir, model_storage_dir):
    """A version registered from a folder that this server does not have."""
    elsewhere = model_storage_dir / "elsewhere"
    shutil.copytree(tiny_model_dir, elsewhere)
    version = activate_model(register_model(elsewhere))
    shutil.rmtree(elsewhere)
    return version


def test_registering_publishes_the_files_to_the_model_storage(
    db, tiny_model_dir, model_storage_dir
):
    version = register_model(tiny_model_dir)

    storage = model_storage()
    assert version.storage_name == f"moderation-models/{version.sha256}"
    for name in ("model.joblib", "model.sha256", "card.json"):
        assert storage.exists(f"{version.storage_name}/{name}")
    with storage.open(f"{version.storage_name}/model.joblib", "rb") as stored:
        assert stored.read() == (tiny_model_dir / "model.joblib").read_bytes()


def test_a_server_without_the_folder_scores_with_the_storage_copy(
    model_on_another_server, article, model_storage_dir
):
    source = active_model_source()

    assert source.directory == model_storage_dir / "cache" / model_on_another_server.sha256
    submission = submit_comment(article, author_name="Reader", content="Thanks for the article.")
    assert submission.comment.model_version == model_on_another_server.version


def test_a_tampered_storage_copy_is_never_loaded(model_on_another_server, article):
    storage = model_storage()
    name = f"{model_on_another_server.storage_name}/{artifacts.MODEL_FILE}"
    storage.delete(name)
    storage.save(name, ContentFile(b"not the model"))

    submission = submit_comment(article, author_name="Reader", content="Thanks for the article.")

    assert submission.verdict is None
    assert submission.comment.status == Status.PENDING
    unchecked = submission.comment.history.get()
    assert unchecked.action == Action.UNCHECKED
    assert "refusing to load it" in unchecked.note


def test_a_folder_holding_other_files_by_now_is_passed_over_for_the_stored_copy(
    db, tiny_model_dir, model_storage_dir, tmp_path
):
    # An upgrade replaces the shipped default model's files in the package folder in place.
    package_folder = tmp_path / "default_model"
    shutil.copytree(tiny_model_dir, package_folder)
    version = activate_model(register_model(package_folder))
    (package_folder / "model.joblib").write_bytes(b"the next release's model")
    (package_folder / "model.sha256").write_text("0" * 64 + "  model.joblib\n")

    source = active_model_source()

    assert source.directory != package_folder
    assert artifacts.read_checksum(source.directory) == version.sha256
    submission = submit_comment(version, author_name="Olga", content="A fine article.")
    assert submission.comment.model_version == version.version
