"""Model versions: which model file scores new comments, whether a version's file verifies,
registering and activating versions, and what the active one says of itself."""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from moderation.caches import timed_cache
from moderation.classifier import artifacts, storage
from moderation.classifier.artifacts import MODEL_FILE, ModelLoadError
from moderation.classifier.thresholds import Thresholds, card_thresholds
from moderation.conf import get_settings
from moderation.models import ModelVersion
from moderation.signals import model_version_activated
from moderation.verdicts import effective_thresholds


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


# Every comment is scored by the active model, and asking the database each time would cost
# more than scoring. Other processes see a newly activated version within MODEL_CHECK_INTERVAL;
# this one at once (forget_active_model is connected to ModelVersion's changes).
@timed_cache()
def active_model_source() -> ModelSource:
    """Return the active ModelVersion's file, or the shipped default when none is active."""
    active = ModelVersion.objects.filter(is_active=True).first()
    if active is None:
        return shipped_model_source()
    return ModelSource(
        active.version, version_folder(active), active.sha256, card_thresholds(active.card)
    )


forget_active_model = active_model_source.forget


def version_folder(model_version: ModelVersion) -> Path:
    """Return a folder on this machine holding the version's files, fetched if need be."""
    return storage.local_folder(
        model_version.path, model_version.storage_name, model_version.sha256
    )


def model_file_problem(version: str, directory: Path, sha256: str) -> str | None:
    """Return why version `version`'s model file in `directory` cannot be loaded, or None when
    its bytes hash to `sha256`. The file is hashed, not unpickled: the check is cheap and safe."""
    path = directory / MODEL_FILE
    try:
        with path.open("rb") as handle:
            actual = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        return f"Model version {version}: {path} cannot be read: {exc.strerror or exc}."
    if not hmac.compare_digest(actual, sha256):
        return f"Model version {version}: {path} has SHA-256 {actual}, expected {sha256}."
    return None


def verify_version(model_version: ModelVersion) -> None:
    """Raise ModelLoadError, saying why, unless the version's model file is the one registered."""
    problem = model_file_problem(
        model_version.version, version_folder(model_version), model_version.sha256
    )
    if problem is not None:
        raise ModelLoadError(problem)


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
    """Make `model_version` the one model that scores new comments, after verifying its file
    (ModelLoadError says why it was refused): every way of activating one goes through here."""
    verify_version(model_version)
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


@dataclass(frozen=True)
class ModelInfo:
    """What the model scoring new comments says of itself, and the thresholds in force."""

    version: str
    thresholds: Thresholds
    created_at: datetime | None
    activated_at: datetime | None
    metrics: dict[str, float] | None


def active_model_info() -> ModelInfo:
    """Return the scoring model's version, thresholds in force, dates and headline metrics."""
    source = active_model_source()
    row = ModelVersion.objects.filter(version=source.version).first()
    card = row.card if row is not None else artifacts.read_card(source.directory)
    try:
        created = row.created_at if row else parse_datetime(str(card.get("created", "")))
    except ValueError:
        created = None
    return ModelInfo(
        version=source.version,
        thresholds=effective_thresholds(source.thresholds),
        created_at=created,
        activated_at=row.activated_at if row else None,
        metrics=headline_metrics(card),
    )


def headline_metrics(card: dict[str, Any]) -> dict[str, float] | None:
    """Return a model card's cross-validated metrics over all sources, or None without them."""
    overall: Any = card  # card["metrics"]["out_of_fold"]["all"], if the card has them
    for key in ("metrics", "out_of_fold", "all"):
        overall = overall.get(key) if isinstance(overall, dict) else None
    if not isinstance(overall, dict):
        return None
    # JSON has no NaN: a metric undefined on the data (one class only) is left out.
    return {
        name: float(value)
        for name, value in overall.items()
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    }
