"""Model files on disk: a folder with model.joblib, model.sha256 and card.json.

The SHA-256 is checked before anything is unpickled, and the bytes that were checked are the
bytes that are loaded.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from pathlib import Path
from typing import Any

import joblib
from sklearn.pipeline import Pipeline

MODEL_FILE = "model.joblib"
CHECKSUM_FILE = "model.sha256"
CARD_FILE = "card.json"


class ModelLoadError(Exception):
    """A model file cannot be used; the message says why."""


class ModelFileMissing(ModelLoadError):
    pass


class ModelChecksumMismatch(ModelLoadError):
    pass


def save_model(pipeline: Pipeline, directory: Path, card: dict[str, Any]) -> str:
    """Write the pipeline, its checksum and its card into `directory`; return the SHA-256."""
    directory.mkdir(parents=True, exist_ok=True)
    _drop_process_state(pipeline)
    buffer = io.BytesIO()
    # compress keeps the shipped default model small; loading cost is paid once per process.
    joblib.dump(pipeline, buffer, compress=3)
    data = buffer.getvalue()
    sha256 = hashlib.sha256(data).hexdigest()
    (directory / MODEL_FILE).write_bytes(data)
    (directory / CHECKSUM_FILE).write_text(f"{sha256}  {MODEL_FILE}\n")
    # The checksum in the version name keeps versions unique across retrainings.
    write_card(directory, {"version": f"{directory.name}-{sha256[:10]}", **card, "sha256": sha256})
    return sha256


def _drop_process_state(pipeline: Pipeline) -> None:
    # Text vectorisers cache id(stop_words), a memory address: without this, the same training
    # run gives different bytes each time and the shipped model is not reproducible.
    for estimator in pipeline.get_params(deep=True).values():
        if hasattr(estimator, "_stop_words_id"):
            del estimator._stop_words_id


def read_checksum(directory: Path) -> str:
    """Return the SHA-256 recorded beside the model file in `directory`."""
    try:
        return (directory / CHECKSUM_FILE).read_text().split()[0]
    except (OSError, IndexError) as exc:
        raise ModelFileMissing(f"No readable {CHECKSUM_FILE} in {directory}.") from exc


def write_card(directory: Path, card: dict[str, Any]) -> None:
    """Write the model card JSON beside the model (it is not part of the checksummed file)."""
    (directory / CARD_FILE).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")


def read_card(directory: Path) -> dict[str, Any]:
    """Return the model card saved beside the model, or {} when there is none."""
    try:
        card: dict[str, Any] = json.loads((directory / CARD_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return card


def load_model(directory: Path, sha256: str) -> Pipeline:
    """Return the pipeline in `directory` after checking its bytes against `sha256`."""
    path = directory / MODEL_FILE
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFileMissing(f"Model file {path} cannot be read: {exc.strerror}.") from exc
    actual = hashlib.sha256(data).hexdigest()
    if not hmac.compare_digest(actual, sha256):
        raise ModelChecksumMismatch(
            f"Model file {path} has SHA-256 {actual}, expected {sha256}; refusing to load it."
        )
    pipeline: Pipeline = joblib.load(io.BytesIO(data))
    return pipeline
