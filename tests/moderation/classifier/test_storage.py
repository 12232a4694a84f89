"""Model files through Django's storage API: published on registration, fetched where missing."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile

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


def plant_model_folder(folder, sha256):
    """A copy of a version's folder, written by someone else first, whose model is not it."""
    planted = folder / sha256
    planted.mkdir(parents=True)
    (planted / "model.joblib").write_bytes(b"planted by another user")
    (planted / "model.sha256").write_text(f"{sha256}  model.joblib\n")
    for path in (folder, planted):
        path.chmod(0o777)


def test_the_default_cache_is_a_private_folder_under_media_root(
    model_on_another_server, article, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MODERATION = {**settings.MODERATION, "MODEL_CACHE_DIR": None}

    submission = submit_comment(article, author_name="Reader", content="Thanks for the article.")

    cache = tmp_path / "media" / "moderation-model-cache"
    assert submission.comment.model_version == model_on_another_server.version
    assert active_model_source().directory == cache / model_on_another_server.sha256
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


def test_a_folder_planted_at_the_old_shared_default_does_not_break_scoring(
    model_on_another_server, article, settings, tmp_path, monkeypatch
):
    # The old default was <the system temporary directory>/hamlet-models, shared by every user.
    shared_tmp = tmp_path / "tmp"
    plant_model_folder(shared_tmp / "hamlet-models", model_on_another_server.sha256)
    monkeypatch.setattr(tempfile, "tempdir", str(shared_tmp))
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MODERATION = {**settings.MODERATION, "MODEL_CACHE_DIR": None}

    submission = submit_comment(article, author_name="Reader", content="Thanks for the article.")

    assert submission.comment.status != Status.PENDING
    assert submission.comment.model_version == model_on_another_server.version


def test_a_cache_folder_others_may_write_to_is_refused(model_on_another_server, article, tmp_path):
    # MODEL_CACHE_DIR is tmp_path / "cache" (model_storage_dir).
    plant_model_folder(tmp_path / "cache", model_on_another_server.sha256)

    submission = submit_comment(article, author_name="Reader", content="Thanks for the article.")

    assert submission.comment.status == Status.PENDING
    assert submission.comment.history.get().note == (
        f"ModelLoadError: Refusing the model cache folder {tmp_path / 'cache'} (owner id "
        f"{os.geteuid()}, mode 777): only this process's user (id {os.geteuid()}) may own it and "
        "write to it, or files planted there could stand in for models. Give it to that user "
        "with mode 700, or set MODERATION['MODEL_CACHE_DIR'] to a private folder."
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a folder to another user")
def test_a_cache_folder_of_another_user_is_refused(model_on_another_server, article, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    os.chown(cache, 65534, 65534)

    submission = submit_comment(article, author_name="Reader", content="Thanks for the article.")

    assert submission.comment.status == Status.PENDING
    assert "(owner id 65534, mode 700)" in submission.comment.history.get().note
