"""Write MODEL_CARD.md beside a model from its card.json data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

_METRICS = ("n", "accuracy", "precision", "recall", "f1", "mcc", "roc_auc", "fpr")
_SECTIONS = {
    "cross_validation": "Grouped cross-validation over the shippable corpora",
    "youtube_videos": "Leave one YouTube video out",
    "leave_one_corpus_out": "Leave one corpus out (the model never saw that corpus)",
    "evaluation_only": "Evaluation-only sets, never trained on",
}


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def metrics_table(metrics: dict[str, Any]) -> list[str]:
    """Return Markdown table lines, one row per source of `metrics`."""
    lines = ["| Source | " + " | ".join(_METRICS) + " |", "|---|" + "---:|" * len(_METRICS)]
    for source, row in metrics.items():
        if isinstance(row, dict) and "accuracy" in row:
            lines.append(f"| {source} | " + " | ".join(_cell(row.get(m)) for m in _METRICS) + " |")
    return lines


def render_evaluation(results: dict[str, Any], *, level: str = "##") -> list[str]:
    """Return Markdown for a `python -m training report` result: targets, then each table."""
    lines = [f"{level} Targets", "", "| Target | Goal | Value | Met |", "|---|---:|---:|---|"]
    for t in results.get("targets", []):
        lines.append(
            f"| {t['target']} | {t['goal']} | {_cell(t['value'])} | {'yes' if t['met'] else 'NO'} |"
        )
    for key, title in _SECTIONS.items():
        if key in results:
            lines += ["", f"{level} {title}", "", *metrics_table(results[key])]
    for name, counts in results.get("friendly_readers", {}).items():
        lines += [
            "",
            f"{level} Friendly readers, never trained on (`training/friendly_readers.jsonl`)",
            "",
            "| Set | n | published | held | filed as spam |",
            "|---|---:|---:|---:|---:|",
            f"| {name} | {counts['n']} | {counts['published']} | {counts['held']} "
            f"| {counts['spam']} |",
        ]
    if results.get("trade_off"):
        lines += ["", f"{level} Trade-off: every target at one fixed spam threshold", ""]
        lines += trade_off_table(results["trade_off"], results.get("targets", []))
    return lines


def trade_off_table(rows: list[dict[str, Any]], targets: list[dict[str, Any]]) -> list[str]:
    """Return Markdown: one row per threshold, one column per target, goals in the header."""
    names = [name for name in rows[0] if name != "threshold"]
    goals = {t["target"]: t["goal"] for t in targets}
    header = [f"{name} (goal {goals[name]})" if name in goals else name for name in names]
    lines = ["| Threshold | " + " | ".join(header) + " |", "|---:|" + "---:|" * len(names)]
    for row in rows:
        cells = " | ".join(_cell(row[name]) for name in names)
        lines.append(f"| {row['threshold']:.4f} | {cells} |")
    return lines


def render_model_card(card: dict[str, Any]) -> str:
    """Return the Markdown model card for `card` (sources, checksums, parameters, metrics)."""
    lines = [
        f"# Model card: {card['version']}",
        "",
        f"- Created: {card['created']}",
        f"- SHA-256 of model.joblib: `{card['sha256']}`",
        "- May be shipped: "
        + ("yes" if card["is_shippable"] else "no (trained on evaluation-only data)"),
        f"- Thresholds: spam at or above {card['spam_threshold']:.4f} (at most "
        f"{card['target_fpr']:.1%} of any training source's ham, out of fold); published below "
        f"{card['ham_threshold']:.4f} (at most {card['review_rate']:.0%} of any source's ham "
        "held for review)",
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
        "## Cross-validated metrics at the spam threshold",
        "",
        "Out-of-fold probabilities of the calibration's 5 folds (identical texts kept in one "
        "fold). The vectorisers' vocabulary was fitted on all rows, so these are slightly "
        "optimistic; `python -m training report` gives fully held-out figures.",
        "",
        *metrics_table(card["metrics"]["out_of_fold"]),
    ]
    if "evaluation" in card:
        lines += ["", "## Held-out evaluation (`python -m training report`)", ""]
        lines += render_evaluation(card["evaluation"], level="###")
    return "\n".join(lines) + "\n"


def render_retrained_card(card: dict[str, Any]) -> str:
    """Return the Markdown card of a model a site retrained (retraining.py) from its labels."""
    site = card["site_labels"]
    lines = [
        f"# Model card: {card['version']}",
        "",
        f"- Created: {card['created']}, on this site, by `manage.py retrain_spam_model`",
        f"- SHA-256 of model.joblib: `{card['sha256']}`",
        f"- Base model: {card['base']['version']} (`{card['base']['sha256']}`), its weights "
        f"corrected towards the site's labels (L2 penalty {card['alpha']}, each site label "
        f"weighing {card['site_label_weight']} reference comments)",
        "- May be shipped: no (it learnt from this site's readers' comments)",
        f"- Thresholds: the base model's, spam at or above {card['spam_threshold']:.4f}, "
        f"published below {card['ham_threshold']:.4f}",
        f"- Training time: {card['training_seconds']} s",
        "",
        "## What it learnt from",
        "",
        f"- The site's labels: {site['spam']} spam and {site['ham']} ham "
        f"({site['from_moderators']} from moderators, {site['from_trusted_keys']} from trusted "
        f"API keys); {site['held_out']} more recent ones held out to judge it",
        f"- Left out: {site['duplicates_counted_once']} repeated labels of a text already "
        f'counted, {site["overruled_single_key_not_spam"]} "not spam" reports of spam from a '
        "single key",
        "- Replayed reference comments (shipped in the package): "
        + ", ".join(f"{n} {name}" for name, n in card["anchors"].items()),
        "",
        "## Promotion",
        "",
        card["gate_rule"],
    ]
    if "promotion" in card:
        lines += ["", f"Result: {card['promotion']['reason']}"]
    return "\n".join(lines) + "\n"


def write_model_card(directory: Path, card: dict[str, Any]) -> Path:
    """Write MODEL_CARD.md into `directory` and return its path."""
    path = directory / "MODEL_CARD.md"
    retrained = card.get("kind") == "retrained"
    path.write_text(render_retrained_card(card) if retrained else render_model_card(card))
    return path
