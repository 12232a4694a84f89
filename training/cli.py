"""`python -m training train|evaluate|select|reference|report`: train a model folder, evaluate one,
or write the shipped reference comments."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from moderation.classifier import artifacts
from moderation.classifier.metrics import format_metrics, metrics_by_source, metrics_on
from moderation.classifier.thresholds import card_thresholds
from moderation.classifier.training import fit_datasets, train_model
from moderation.conf import SHIPPED_MODEL_DIR
from moderation.corpora import SHIPPED_SOURCES, load_spec
from moderation.dataset import DatasetError
from moderation.reference import REFERENCE_FILE
from training.reference import write_reference
from training.report import run_report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a model folder from datasets")
    train.add_argument("--data", action="append", metavar="KIND:PATH", default=[])
    train.add_argument(
        "--shipped",
        action="store_true",
        help="train on every corpus a shipped model may learn from: " + ", ".join(SHIPPED_SOURCES),
    )
    train.add_argument("--out", type=Path, required=True, help="model folder to write")
    train.add_argument(
        "--experiment",
        action="store_true",
        help="allow evaluation-only datasets; the model card then says it may not be shipped",
    )

    evaluate = commands.add_parser("evaluate", help="evaluate a model folder on datasets")
    evaluate.add_argument("--model", default="default", help="model folder, or 'default'")
    evaluate.add_argument("--data", action="append", metavar="KIND:PATH", required=True)
    evaluate.add_argument("--threshold", type=float, help="spam threshold (default: the card's)")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")

    select = commands.add_parser(
        "select", help="compare regularisation strengths C by grouped out-of-fold metrics"
    )
    select.add_argument("--C", type=float, nargs="+", default=[4.0, 16.0, 64.0])
    select.add_argument("--data", action="append", metavar="KIND:PATH", default=[])

    reference = commands.add_parser(
        "reference",
        help="write moderation/corpus/reference.jsonl.gz, the shipped reference comments "
        "(retraining's anchor rows and the promotion gate's check set)",
    )
    reference.add_argument(
        "--out", type=Path, default=REFERENCE_FILE, help="file to write (default: the shipped one)"
    )

    report = commands.add_parser(
        "report", help="cross-validation, leave-one-source-out and evaluation-only sets, with plots"
    )
    report.add_argument("--out", type=Path, required=True, help="folder for the report files")
    report.add_argument("--folds", type=int, default=5)
    report.add_argument(
        "--model",
        type=Path,
        help="trained model folder to evaluate on the held-out sets; "
        "its card gets the results (default: train one on the shippable corpora)",
    )
    report.add_argument(
        "--skip-corpora", action="store_true", help="skip leaving out each whole corpus"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "train":
            return _train(args)
        if args.command == "report":
            return _report(args)
        if args.command == "select":
            return _select(args)
        if args.command == "reference":
            return _reference(args)
        return _evaluate(args)
    except (DatasetError, artifacts.ModelLoadError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _train(args: argparse.Namespace) -> int:
    specs = list(args.data) + (list(SHIPPED_SOURCES) if args.shipped else [])
    if not specs:
        print("error: give --data KIND:PATH at least once, or --shipped.", file=sys.stderr)
        return 2
    datasets = [load_spec(spec) for spec in specs]
    not_shippable = [d.name for d in datasets if not d.may_ship]
    if not_shippable and not args.experiment:
        print(
            f"error: {', '.join(not_shippable)} may be used for evaluation only; "
            "add --experiment to train a model that will be marked as not shippable.",
            file=sys.stderr,
        )
        return 2
    result = train_model(datasets, args.out)
    print(f"Wrote {result.directory} (version {result.card['version']}, sha256 {result.sha256})")
    return 0


def _reference(args: argparse.Namespace) -> int:
    for corpus, roles in write_reference(args.out).items():
        print(f"{corpus}: " + ", ".join(f"{n} {role} rows" for role, n in roles.items()))
    print(f"Wrote {args.out}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    directory = SHIPPED_MODEL_DIR if args.model == "default" else Path(args.model)
    pipeline = artifacts.load_model(directory, artifacts.read_checksum(directory))
    card = artifacts.read_card(directory)
    threshold = args.threshold or card_thresholds(card).spam
    print(format_metrics(metrics_on(pipeline, args.data, threshold), as_json=args.json))
    return 0


def _report(args: argparse.Namespace) -> int:
    results = run_report(
        args.out, folds=args.folds, model=args.model, skip_corpora=args.skip_corpora
    )
    for target in results["targets"]:
        value = "n/a" if target["value"] is None else f"{target['value']:.4f}"
        met = "met " if target["met"] else "MISS"
        print(f"{met}  {target['target']}: {value} (goal {target['goal']})")
    print(f"Wrote {args.out / 'EVALUATION.md'}")
    return 0


def _select(args: argparse.Namespace) -> int:
    """Print, for each C, grouped out-of-fold metrics per source at that fit's own threshold."""
    datasets = [load_spec(spec) for spec in (args.data or SHIPPED_SOURCES)]
    print("C\tthreshold\tmean MCC over two-class sources\tmax ham FPR\tper source MCC / FPR")
    for c in tqdm(args.C, desc="C values"):
        fitted = fit_datasets(datasets, C=c)
        metrics = metrics_by_source(
            fitted.labels, fitted.oof_probabilities, fitted.sources, fitted.thresholds.spam
        )
        rows = {k: v for k, v in metrics.items() if k != "all"}
        mccs = [m["mcc"] for m in rows.values() if m["mcc"] is not None]
        fprs = [m["fpr"] for m in rows.values() if m["fpr"] is not None]
        detail = ", ".join(f"{k} {_fmt(m['mcc'])}/{_fmt(m['fpr'])}" for k, m in rows.items())
        print(
            f"{c:g}\t{fitted.thresholds.spam:.3f}\t{sum(mccs) / len(mccs):.4f}\t"
            f"{max(fprs):.4f}\t{detail}"
        )
    return 0


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
