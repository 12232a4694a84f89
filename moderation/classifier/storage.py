"""Model files in Django's storage API, so every app server finds every model version.

A registered version's files are published to the storage named by MODERATION["MODEL_STORAGE"]
(Django's default storage: MEDIA_ROOT, or S3 and the like in production) under a folder named
by their SHA-256. A process that does not have the version's folder on its own disk copies it
from there into MODEL_CACHE_DIR (a private folder) first. The checksum is still verified when
the file is loaded.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages

from moderation.classifier import artifacts
from moderation.conf import get_settings

FILES = (artifacts.MODEL_FILE, artifacts.CHECKSUM_FILE, artifacts.CARD_FILE)
PREFIX = "moderation-models"
CACHE_FOLDER = "moderation-model-cache"  # under MEDIA_ROOT, when MODEL_CACHE_DIR is None


def model_storage() -> Storage:
    return storages[get_settings()["MODEL_STORAGE"]]


def publish(directory: Path, sha256: str) -> str:
    """Copy a model folder's files to the model storage; return the folder's name there."""
    storage, folder = model_storage(), f"{PREFIX}/{sha256}"
    for name in FILES:
        target = f"{folder}/{name}"
        if (directory / name).exists() and not storage.exists(target):
            with (directory / name).open("rb") as handle:
                saved = storage.save(target, File(handle))
            if saved != target:  # the storage renamed it: someone published it meanwhile
                storage.delete(saved)
    return folder


def local_folder(path: str, storage_name: str, sha256: str) -> Path:
    """Return a folder on this machine holding the version's files, fetched if need be."""
    directory = Path(path)
    if not storage_name or _holds(directory, sha256):
        return directory
    cache = cache_dir() / Path(storage_name).name
    if not (cache / artifacts.MODEL_FILE).exists():
        _fetch(storage_name, cache)
    return cache


def _holds(directory: Path, sha256: str) -> bool:
    # The folder it was registered from may hold other files by now: an upgrade replaces
    # the shipped default model's in place. (Loading still verifies the file itself.)
    try:
        return artifacts.read_checksum(directory) == sha256
    except artifacts.ModelLoadError:
        return False


def cache_dir() -> Path:
    """Return this server's private folder for fetched model files, made (mode 0700) if need be.

    Raise ModelLoadError for a folder another user owns or may write to: files planted there
    ahead of us would stand in for the fetched ones (issue 18: the old default, a fixed folder
    in the shared temporary directory, let anyone on the machine break scoring).
    """
    configured = get_settings()["MODEL_CACHE_DIR"]
    if configured:
        directory = Path(configured)
    elif settings.MEDIA_ROOT:
        directory = Path(settings.MEDIA_ROOT) / CACHE_FOLDER
    else:
        raise artifacts.ModelLoadError(
            "Set MODERATION['MODEL_CACHE_DIR'] (or MEDIA_ROOT) for this server's copies of "
            "model files."
        )
    directory.parent.mkdir(parents=True, exist_ok=True)
    try:
        directory.mkdir(mode=0o700)
    except FileExistsError:
        pass
    else:
        directory.chmod(0o700)  # mkdir's mode is narrowed by the umask: make it exact
    status = directory.stat()
    if status.st_uid != os.geteuid() or status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise artifacts.ModelLoadError(
            f"Refusing the model cache folder {directory} (owner id {status.st_uid}, mode "
            f"{stat.S_IMODE(status.st_mode):o}): only this process's user (id {os.geteuid()}) "
            "may own it and write to it, or files planted there could stand in for models. "
            "Give it to that user with mode 700, or set MODERATION['MODEL_CACHE_DIR'] to a "
            "private folder."
        )
    return directory


def _fetch(storage_name: str, cache: Path) -> None:
    storage = model_storage()
    # Written beside the cache folder and renamed into place: another process loading the
    # same version never sees half a file.
    partial = Path(tempfile.mkdtemp(dir=cache.parent, prefix=f".{cache.name}-"))
    for name in FILES:
        if storage.exists(f"{storage_name}/{name}"):
            with storage.open(f"{storage_name}/{name}", "rb") as source:
                (partial / name).write_bytes(source.read())
    try:
        partial.rename(cache)
    except OSError:  # another process got there first; its copy is as good
        for leftover in partial.iterdir():
            leftover.unlink()
        partial.rmdir()
