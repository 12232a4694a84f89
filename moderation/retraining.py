"""Retraining: the site's labels plus the public corpora -> a candidate model version -> judged
against the active one -> promoted only if it is not worse.

The site's most recent labels are held out of training and, with the public evaluation-only
news comments (C3, which no model ever trains on), are where candidate and active model are
compared: the false-positive rate first, then spam recall. A refused candidate stays registered
but inactive, with the reason in its card.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from moderation.classifier import artifacts, storage
from moderation.classifier.metrics import spam_metrics
from moderation.classifier.registry import activate_model, ensure_active_model, register_model
from moderation.classifier.thresholds import card_thresholds
from moderation.classifier.training import train_model
from moderation.conf import get_settings
from moderation.corpora import SHIPPED_SOURCES, Dataset, DatasetError, load_spec, text_group
from moderation.features import CommentData
from moderation.labels import Label, labels
from moderation.models import Job, ModelVersion

logger = logging.getLogger(__name__)

HOLDOUT_SHARE = 0.2  # of the site's labels, the most recent, kept out of training
MIN_HOLDOUT = 10  # fewer recent labels than this: judged on the public sets alone
# How much worse a candidate may look on C3's 10,314 comments and still count as "not worse":
# one comment in a thousand, about the noise between two fits of the same data.
PUBLIC_FPR_TOLERANCE = 0.001
PUBLIC_EVALUATION = ("c3",)


class RetrainingError(Exception):
    """Retraining cannot run here (no public corpora, no labels, nowhere to write)."""


@dataclass(frozen=True)
class Judgement:
    promote: bool
    reason: str
    candidate: dict[str, dict[str, Any]] = field(default_factory=dict)  # slice -> metrics
    active: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class RetrainResult:
    candidate: ModelVersion
    judgement: Judgement
    promoted: bool


def models_dir() -> Path:
    """Return the folder new model versions are written to."""
    configured = get_settings()["MODEL_DIR"]
    if configured:
        return Path(configured)
    if not settings.MEDIA_ROOT:
        raise RetrainingError("Set MODERATION['MODEL_DIR'] (or MEDIA_ROOT) to store new models.")
    return Path(settings.MEDIA_ROOT) / "moderation-models"


def retrain(
    *, promote: bool = True, out: Path | None = None, log: Callable[[str], None] = logger.info
) -> RetrainResult:
    """Train a candidate on the public corpora and the site's labels, judge it, maybe promote it."""
    site_labels = labels()
    if not site_labels:
        raise RetrainingError("The site has no labelled comments yet: nothing new to learn.")
    train_labels, holdout = split_recent(site_labels)
    log(f"{len(train_labels)} site labels to learn from, {len(holdout)} recent ones held out")
    try:
        public = [load_spec(kind) for kind in SHIPPED_SOURCES]
    except DatasetError as exc:
        raise RetrainingError(f"The public corpora are needed to retrain: {exc}") from exc
    site = _site_dataset(train_labels)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    directory = out or models_dir() / f"site-{stamp}"
    weight = get_settings()["SITE_LABEL_WEIGHT"]
    train_model([*public, site], directory, emphasis={"site": weight})
    candidate = register_model(directory)
    judgement = judge(candidate, holdout)
    log(judgement.reason)
    return _conclude(candidate, judgement, promote=promote)


def retrain_job(job: Job) -> str:
    """The work of a "retrain" Job (the nightly Celery beat task)."""
    result = retrain()
    state = "promoted" if result.promoted else "kept inactive"
    return f"Candidate {result.candidate.version} {state}. {result.judgement.reason}"


def split_recent(site_labels: list[Label]) -> tuple[list[Label], list[Label]]:
    """Return (older labels to train on, the most recent share held out to judge with)."""
    ordered = sorted(site_labels, key=lambda label: label.decided_at)
    n_holdout = int(len(ordered) * HOLDOUT_SHARE)
    if n_holdout < MIN_HOLDOUT:
        return ordered, []
    return ordered[:-n_holdout], ordered[-n_holdout:]


def judge(candidate: ModelVersion, holdout: list[Label]) -> Judgement:
    """Compare `candidate` with the active model; promote only if it is not worse.

    Each model decides at its own spam threshold (its card's), as it would in service.
    """
    active = ensure_active_model()
    slices = _slices(holdout)
    scores = {
        name: _metrics(model, slices)
        for name, model in (("candidate", candidate), ("active", active))
    }
    new, old = scores["candidate"], scores["active"]
    for name in PUBLIC_EVALUATION:
        if new[name]["fpr"] > old[name]["fpr"] + PUBLIC_FPR_TOLERANCE:
            reason = (
                f"Refused: on {name} news comments it flags {new[name]['fpr']:.2%} of ham, "
                f"the active model {old[name]['fpr']:.2%}."
            )
            return Judgement(False, reason, new, old)
    if "site" in slices:
        site_new, site_old = new["site"], old["site"]
        n = site_new["n"]
        # One comment of the held-out slice is the smallest difference it can show.
        if (site_new["fpr"] or 0) > (site_old["fpr"] or 0) + 1 / n:
            reason = (
                f"Refused: it flags {site_new['fpr']:.1%} of the site's recent ham, "
                f"the active model {site_old['fpr']:.1%}."
            )
            return Judgement(False, reason, new, old)
        if (site_new["recall"] or 0) < (site_old["recall"] or 0) - 1 / n:
            reason = (
                f"Refused: it catches {site_new['recall']:.1%} of the site's recent spam, "
                f"the active model {site_old['recall']:.1%}."
            )
            return Judgement(False, reason, new, old)
    summary = ", ".join(
        f"{name}: false positives {new[name]['fpr']:.2%} (active {old[name]['fpr']:.2%})"
        + (
            f", spam caught {new[name]['recall']:.1%} (active {old[name]['recall']:.1%})"
            if new[name]["recall"] is not None
            else ""
        )
        for name in slices
    )
    return Judgement(True, f"Not worse than {active.version}: {summary}.", new, old)


def _conclude(candidate: ModelVersion, judgement: Judgement, *, promote: bool) -> RetrainResult:
    candidate.card = {**candidate.card, "promotion": asdict(judgement)}
    candidate.save(update_fields=["card"])
    promoted = promote and judgement.promote
    if promoted:
        activate_model(candidate)
    return RetrainResult(candidate, judgement, promoted)


def _slices(holdout: list[Label]) -> dict[str, tuple[list[CommentData], list[int]]]:
    slices = {}
    for kind in PUBLIC_EVALUATION:
        try:
            dataset = load_spec(kind)
        except DatasetError as exc:
            raise RetrainingError(f"The public evaluation set {kind} is needed: {exc}") from exc
        slices[kind] = (dataset.comments, dataset.labels)
    if holdout:
        slices["site"] = ([x.comment for x in holdout], [x.is_spam for x in holdout])
    return slices


def _metrics(
    model: ModelVersion, slices: dict[str, tuple[list[CommentData], list[int]]]
) -> dict[str, dict[str, Any]]:
    """Return the model's spam_metrics on each slice; the model is loaded (and verified) once."""
    directory = storage.local_folder(model.path, model.storage_name, model.sha256)
    pipeline = artifacts.load_model(directory, model.sha256)
    threshold = card_thresholds(model.card).spam
    return {
        name: spam_metrics(truth, np.asarray(pipeline.predict_proba(comments)[:, 1]), threshold)
        for name, (comments, truth) in slices.items()
    }


def _site_dataset(site_labels: list[Label]) -> Dataset:
    comments = [label.comment for label in site_labels]
    return Dataset(
        name="site",
        comments=comments,
        labels=[label.is_spam for label in site_labels],
        groups=[text_group(c.content) for c in comments],
        files=[],
        may_ship=False,  # the site's readers' comments are never in a model the project ships
    )
