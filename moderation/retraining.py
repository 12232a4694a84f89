"""Retraining: the site's labels -> a correction of the base model -> a candidate version ->
judged against the active one -> promoted only if it is not worse.

It needs nothing but the installed package and the site's database. The candidate is the base
model (the shipped one, or whichever full model the site activated) with its weights corrected
towards the site's labels (classifier/residual.py), with the shipped reference comments
replayed beside them so that ordinary readers keep their scores. The most recent labels are
held out; they and the shipped check set decide the promotion (GATE_RULE).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from sklearn.pipeline import Pipeline

from moderation.classifier import artifacts
from moderation.classifier.metrics import spam_metrics
from moderation.classifier.model_card import write_model_card
from moderation.classifier.registry import (
    activate_model,
    ensure_active_model,
    register_model,
    shipped_model_source,
    version_folder,
)
from moderation.classifier.residual import (
    ALPHA,
    base_decisions,
    fit_residual,
    with_site_vocabulary,
)
from moderation.classifier.thresholds import Thresholds, card_thresholds
from moderation.conf import get_settings
from moderation.dataset import text_group
from moderation.features import CommentData
from moderation.labels import Label, label_decisions, labels
from moderation.models import Job, ModelVersion, Source
from moderation.reference import ReferenceSet, Role, reference_set
from moderation.signals import model_retrained
from moderation.verdicts import effective_thresholds

logger = logging.getLogger(__name__)

HOLDOUT_SHARE = 0.2  # of the site's labels, the most recent, kept out of training
MIN_HOLDOUT = 10  # fewer recent labels than this: judged on the shipped check set alone
GATE_RULE = (
    "A candidate is promoted only if, against the active model, each at its own thresholds: "
    "(1) it files as spam no more of the site's held-out approved comments; "
    "(2) on the shipped check set's news comments it files at most 1 more in 1,000 as spam, "
    "and holds or files at most 1 more in 300; "
    "(3) it catches at least as much of the site's held-out spam, less one comment, and of the "
    "check set's blog spam, less 1%."
)
STEPS = ("labels", "features", "fit", "save", "judge")


class RetrainingError(Exception):
    """Retraining cannot run here (no labels, no reference comments, nowhere to write)."""


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


@dataclass(frozen=True)
class TrainingRows:
    """The site's labels as training rows, and how many labels were left out and why."""

    labels: list[Label]
    duplicates: int = 0  # the same text labelled again: counted once
    overruled: int = 0  # one key alone calling spam ham


@dataclass(frozen=True)
class JudgedModel:
    """A model as the gate compares it: in memory, at its card's thresholds."""

    version: str
    pipeline: Pipeline
    thresholds: Thresholds


def models_dir() -> Path:
    """Return the folder new model versions are written to."""
    configured = get_settings()["MODEL_DIR"]
    if configured:
        return Path(configured)
    if not settings.MEDIA_ROOT:
        raise RetrainingError("Set MODERATION['MODEL_DIR'] (or MEDIA_ROOT) to store new models.")
    return Path(settings.MEDIA_ROOT) / "moderation-models"


def retrain(
    *,
    promote: bool = True,
    out: Path | None = None,
    log: Callable[[str], None] = logger.info,
    step: Callable[[str], None] = lambda name: None,
) -> RetrainResult:
    """Correct the base model towards the site's labels, judge the candidate, maybe promote it.

    `step(name)` is called as each of STEPS begins (the command's progress bar).
    """
    started = time.perf_counter()
    step("labels")
    site_labels = labels()
    if not site_labels:
        raise RetrainingError(_no_labels_reason())
    anchors = reference_set(Role.ANCHOR)
    if not len(anchors):
        raise RetrainingError("The reference comments are missing from the installed package.")
    base = base_model()
    base_pipeline = _load(base)
    rows = training_rows(site_labels, base_pipeline, card_thresholds(base.card))
    train_labels, holdout = split_recent(rows.labels)
    log(
        f"{len(train_labels)} site labels to learn from, {len(holdout)} recent ones held out"
        f" ({rows.duplicates} repeated and {rows.overruled} single-key labels left out)"
    )

    step("features")
    site_comments = [x.comment for x in train_labels]
    base_pipeline = with_site_vocabulary(base_pipeline, site_comments)
    features, offsets = base_decisions(base_pipeline, site_comments + anchors.comments)
    weight = get_settings()["SITE_LABEL_WEIGHT"]
    # Each class of reference comments weighs as much in all (the base model was fitted with
    # balanced classes): 4,000 ham against 800 spam would otherwise pull every score down.
    anchor_labels = np.asarray(anchors.labels)
    n_spam = max(int(anchor_labels.sum()), 1)
    balance = np.where(anchor_labels == 1, len(anchor_labels) / (2 * n_spam), 1.0)
    balance[anchor_labels == 0] = len(anchor_labels) / (2 * max(len(anchor_labels) - n_spam, 1))
    weights = np.concatenate([np.full(len(train_labels), weight), balance])
    truth = np.array([x.is_spam for x in train_labels] + anchors.labels)

    step("fit")
    pipeline = fit_residual(base_pipeline, features, offsets, truth, weights)

    step("save")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    directory = out or models_dir() / f"site-{stamp}"
    card = _card(base, rows, train_labels, anchors, len(holdout), time.perf_counter() - started)
    artifacts.save_model(pipeline, directory, card)
    write_model_card(directory, artifacts.read_card(directory))
    candidate = register_model(directory)

    step("judge")
    active = ensure_active_model()
    active_pipeline = base_pipeline if active.pk == base.pk else _load(active)
    judgement = judge(
        JudgedModel(candidate.version, pipeline, card_thresholds(candidate.card)),
        JudgedModel(active.version, active_pipeline, card_thresholds(active.card)),
        holdout,
    )
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


def base_model() -> ModelVersion:
    """Return the full model the site's labels correct: the active one, or the one the active
    version was retrained from (its labels are learnt afresh, never twice)."""
    active = ensure_active_model()
    base = active.card.get("base")
    if not isinstance(base, dict):
        return active
    found = ModelVersion.objects.filter(version=base.get("version"), sha256=base.get("sha256"))
    if found.exists():
        return found.get()
    logger.warning("Base model %s is no longer registered: retraining the shipped one", base)
    return register_model(shipped_model_source().directory)


def training_rows(site_labels: list[Label], base: Pipeline, thresholds: Thresholds) -> TrainingRows:
    """Return one label per distinct text, its latest, a moderator's before a key's.

    Copies of one text count once, so a client sending the same report a hundred times
    weighs as one. A key's "not spam" for a text the base model files as spam counts only
    when a moderator or a second key says so too: no single key can teach that spam is ham.
    """
    by_text: dict[str, list[Label]] = {}
    for label in sorted(site_labels, key=lambda x: x.decided_at):
        by_text.setdefault(text_group(label.comment.content), []).append(label)
    chosen: list[Label] = []
    lone: list[Label] = []  # a key's "not spam" that no moderator and no second key backs
    for group in by_text.values():
        moderators = [x for x in group if x.api_key_id is None]
        label = (moderators or group)[-1]
        chosen.append(label)
        voices = {x.api_key_id for x in group if not x.is_spam}
        if label.api_key_id is not None and not label.is_spam and len(voices) < 2:
            lone.append(label)
    overruled: set[int] = set()
    if lone:
        probabilities = base.predict_proba([x.comment for x in lone])[:, 1]
        spam_at = effective_thresholds(thresholds).spam
        overruled = {id(x) for x, p in zip(lone, probabilities, strict=True) if p >= spam_at}
    kept = [x for x in chosen if id(x) not in overruled]
    return TrainingRows(kept, len(site_labels) - len(chosen), len(overruled))


def judge(candidate: JudgedModel, active: JudgedModel, holdout: list[Label]) -> Judgement:
    """Compare the candidate with the active model by GATE_RULE; promote only if not worse."""
    slices = _slices(holdout)
    new = _metrics(candidate, slices)
    old = _metrics(active, slices)
    reason = _refusal(new, old)
    if reason is not None:
        return Judgement(False, f"Refused: {reason}", new, old)
    summary = "; ".join(
        f"{name}: {new[name]['flagged']} of {new[name]['ham']} ham filed as spam "
        f"(active {old[name]['flagged']}), {new[name]['caught']} of {new[name]['spam']} spam "
        f"caught (active {old[name]['caught']})"
        for name in slices
    )
    return Judgement(True, f"Not worse than {active.version}. {summary}.", new, old)


def _refusal(new: dict[str, dict[str, Any]], old: dict[str, dict[str, Any]]) -> str | None:
    """Return why the candidate is worse by GATE_RULE, or None."""
    if "site" in new and new["site"]["flagged"] > old["site"]["flagged"]:
        return (
            f"it files as spam {new['site']['flagged']} of the site's {new['site']['ham']} "
            f"held-out approved comments, the active model {old['site']['flagged']}."
        )
    check_new, check_old = new["check"], old["check"]
    if check_new["flagged"] > check_old["flagged"] + max(1, check_new["ham"] // 1000):
        return (
            f"it files as spam {check_new['flagged']} of the check set's {check_new['ham']} "
            f"news comments, the active model {check_old['flagged']}."
        )
    if check_new["held"] > check_old["held"] + max(1, check_new["ham"] // 300):
        return (
            f"it holds or files {check_new['held']} of the check set's {check_new['ham']} news "
            f"comments, the active model {check_old['held']}."
        )
    for name, allowed, what in (
        ("site", 1, "the site's held-out spam"),
        ("check", check_new["spam"] // 100, "the check set's blog spam"),
    ):
        if name in new and new[name]["caught"] < old[name]["caught"] - allowed:
            return (
                f"it catches {new[name]['caught']} of {new[name]['spam']} of {what}, "
                f"the active model {old[name]['caught']}."
            )
    return None


def _slices(holdout: list[Label]) -> dict[str, tuple[list[CommentData], list[int]]]:
    check = reference_set(Role.CHECK)
    slices = {"check": (check.comments, check.labels)}
    if holdout:
        slices["site"] = ([x.comment for x in holdout], [x.is_spam for x in holdout])
    return slices


def _metrics(
    model: JudgedModel, slices: dict[str, tuple[list[CommentData], list[int]]]
) -> dict[str, dict[str, Any]]:
    """Return counts and spam_metrics of the model on each slice, at its own thresholds as
    they apply in service (MODERATION may set them)."""
    thresholds = effective_thresholds(model.thresholds)
    results = {}
    for name, (comments, truth) in slices.items():
        p = np.asarray(model.pipeline.predict_proba(comments)[:, 1])
        y = np.asarray(truth)
        results[name] = {
            "ham": int((y == 0).sum()),
            "spam": int((y == 1).sum()),
            "flagged": int(((p >= thresholds.spam) & (y == 0)).sum()),
            "held": int(((p >= thresholds.ham) & (y == 0)).sum()),
            "caught": int(((p >= thresholds.spam) & (y == 1)).sum()),
            **spam_metrics(truth, p, thresholds.spam),
        }
    return results


def _conclude(candidate: ModelVersion, judgement: Judgement, *, promote: bool) -> RetrainResult:
    candidate.card = {**candidate.card, "promotion": asdict(judgement)}
    candidate.save(update_fields=["card"])
    directory = Path(candidate.path)
    artifacts.write_card(directory, candidate.card)
    write_model_card(directory, candidate.card)
    promoted = promote and judgement.promote
    if promoted:
        activate_model(candidate)
    model_retrained.send(
        sender=ModelVersion, model_version=candidate, judgement=judgement, promoted=promoted
    )
    return RetrainResult(candidate, judgement, promoted)


def _load(model: ModelVersion) -> Pipeline:
    return artifacts.load_model(version_folder(model), model.sha256)


def _no_labels_reason() -> str:
    untrusted = label_decisions().filter(source=Source.API).exclude(api_key__is_trusted=True)
    reason = "The site has no labelled comments yet: nothing new to learn."
    if untrusted.exists():
        reason = (
            f"No labels to learn from: the {untrusted.count()} reports there are came from "
            "untrusted API keys, which count only for their own checks. Mark a key trusted "
            "(in the admin, or create_api_key --trusted) to learn from its reports."
        )
    return reason


def _card(
    base: ModelVersion,
    rows: TrainingRows,
    site: list[Label],
    anchors: ReferenceSet,
    n_holdout: int,
    seconds: float,
) -> dict[str, Any]:
    return {
        "kind": "retrained",
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "is_shippable": False,  # a site's readers' comments are never in a model we ship
        "base": {"version": base.version, "sha256": base.sha256},
        "site_labels": {
            "spam": sum(x.is_spam for x in site),
            "ham": sum(1 - x.is_spam for x in site),
            "from_moderators": sum(x.api_key_id is None for x in site),
            "from_trusted_keys": sum(x.api_key_id is not None for x in site),
            "duplicates_counted_once": rows.duplicates,
            "overruled_single_key_not_spam": rows.overruled,
            "held_out": n_holdout,
        },
        "anchors": {
            source: anchors.sources.count(source) for source in dict.fromkeys(anchors.sources)
        },
        "site_label_weight": get_settings()["SITE_LABEL_WEIGHT"],
        "alpha": ALPHA,
        "gate_rule": GATE_RULE,
        "ham_threshold": base.card.get("ham_threshold"),
        "spam_threshold": base.card.get("spam_threshold"),
        "training_seconds": round(seconds, 1),
    }
