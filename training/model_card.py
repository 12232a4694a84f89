"""Write MODEL_CARD.md beside a model from its card.json data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

_METRICS = ("n", "accuracy", "precision", "recall", "f1", "mcc", "roc_auc", "fpr")


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def render_model_card(card: dict[str, Any]) -> str:
    """Return the Markdown model card for `card` (sources, checksums, parameters, metrics)."""
    lines = [
        f"# Model card: {card['version']}",
        "",
        f"- Created: {card['created']}",
        f"- SHA-256 of model.joblib: `{card['sha256']}`",
        "- May be shipped: "
        + ("yes" if card["is_shippable"] else "no (trained on evaluation-only data)"),
        f"- Spam threshold used for the metrics: {card['spam_threshold']}",
        f"- Training time: {card['training_seconds']} s",
        "- Libraries: " + ", ".join(f"{k} {v}" for k, v in card["versions"].items()),
        "",
        "## Training data",
        "",
        "| Source | Rows | Spam | Ham | May ship | Files (sha256) |",
        "|---|---:|---:|---:|---|---|",
    ]
    for source in card["sources"]:
        files = "<br>".join(f"{f['name']} `{f['sha256']}`" for f in source["files"])
        lines.append(
            f"| {source['name']} | {source['rows']} | {source['spam']} | {source['ham']} "
            f"| {'yes' if source['may_ship'] else 'no'} | {files} |"
        )
    lines += [
        "",
        "## Pipeline parameters",
        "",
        *(f"- `{k}`: `{v}`" for k, v in sorted(card["pipeline"].items())),
        "",
        f"## Metrics on a grouped hold-out ({card['metrics']['holdout_fraction']:.0%} of rows, "
        "identical texts kept on one side)",
        "",
        "| Source | " + " | ".join(_METRICS) + " |",
        "|---|" + "---:|" * len(_METRICS),
    ]
    for source, metrics in card["metrics"]["holdout"].items():
        lines.append(f"| {source} | " + " | ".join(_cell(metrics[m]) for m in _METRICS) + " |")
    for name, evaluation in card.get("evaluation", {}).items():
        lines += ["", f"## Evaluation: {name}", ""]
        lines.append("| Source | " + " | ".join(_METRICS) + " |")
        lines.append("|---|" + "---:|" * len(_METRICS))
        for source, metrics in evaluation.items():
            lines.append(f"| {source} | " + " | ".join(_cell(metrics[m]) for m in _METRICS) + " |")
    return "\n".join(lines) + "\n"


def write_model_card(directory: Path, card: dict[str, Any]) -> Path:
    """Write MODEL_CARD.md into `directory` and return its path."""
    path = directory / "MODEL_CARD.md"
    path.write_text(render_model_card(card))
    return path
