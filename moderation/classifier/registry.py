"""Model versions: which model file scores new comments, registering and activating them."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from moderation.classifier import artifacts, storage
from moderation.classifier.thresholds import Thresholds, card_thresholds
from moderation.conf import get_settings
from moderation.models import ModelVersion
from moderation.signals import model_version_activated


@dataclass(frozen=True)
class ModelSource:
    """Where the model that scores new comments lives and what its bytes must hash to."""

    version: str
    directory: Path
    sha256: str
    thresholds: Thresholds


def shipped_model_source() -> ModelSource:
    """Return the default model folder from settings, with the checksum recorded beside it."""
    directory = Path(get_settings()["DEFAULT_MODEL_DIR"])
    card = artifacts.read_card(directory)
    return ModelSource(
        version=str(card.get("version", "default")),
        directory=directory,
        sha256=artifacts.read_checksum(directory),
        thresholds=card_thresholds(card),
    )


# (time of the lookup, its result): every comment is scored by the active model, and
# asking the database each time would cost more than scoring. Other processes see a newly
# activated version within MODEL_CHECK_INTERVAL; this one at once (forget_active_model).
_active: tuple[float, ModelSource] | None = None


def active_model_source() -> ModelSource:
    """Return the active ModelVersion's file, or the shipped default when none is active."""
    global _active
    now = time.time()
    if _active is not None and now - _active[0] < get_settings()["MODEL_CHECK_INTERVAL"]:
        return _active[1]
    active = ModelVersion.objects.filter(is_active=True).first()
    if active is None:
        source = shipped_model_source()
    else:
        directory = storage.local_folder(active.path, active.storage_name, active.sha256)
        source = ModelSource(active.version, directory, active.sha256, card_thresholds(active.card))
    _active = (now, source)
    return source


def forget_active_model(**kwargs: Any) -> None:
    """Make the next active_model_source() ask the database (connected to model changes)."""
    global _active
    _active = None


def register_model(directory: Path, *, version: str | None = None) -> ModelVersion:
    """Record the model in `directory` as an inactive version after verifying its file."""
    directory = directory.resolve()
    sha256 = artifacts.read_checksum(directory)
    # Loading proves the file is complete and matches its checksum before anyone relies on it.
    artifacts.load_model(directory, sha256)
    card = artifacts.read_card(directory)
    name = version or str(card.get("version") or f"{directory.name}-{sha256[:12]}")
    model_version, _ = ModelVersion.objects.update_or_create(
        version=name,
        defaults={
            "path": str(directory),
            "sha256": sha256,
            "card": card,
            "storage_name": storage.publish(directory, sha256),
        },
    )
    return model_version


def activate_model(model_version: ModelVersion) -> ModelVersion:
    """Make `model_version` the one model that scores new comments."""
    with transaction.atomic():
        ModelVersion.objects.filter(is_active=True).exclude(pk=model_version.pk).update(
            is_active=False
        )
        model_version.is_active = True
        model_version.activated_at = timezone.now()
        model_version.save(update_fields=["is_active", "activated_at"])
    model_version_activated.send(sender=ModelVersion, model_version=model_version)
    return model_version


def previous_model() -> ModelVersion | None:
    """Return the version that was active most recently before the active one, if any."""
    return (
        ModelVersion.objects.filter(is_active=False, activated_at__isnull=False)
        .order_by("-activated_at", "-pk")
        .first()
    )


def ensure_active_model() -> ModelVersion:
    """Return the active version, registering and activating the shipped default if none is."""
    active = ModelVersion.objects.filter(is_active=True).first()
    if active is not None:
        return active
    return activate_model(register_model(shipped_model_source().directory))
