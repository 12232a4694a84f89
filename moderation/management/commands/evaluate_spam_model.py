"""`manage.py evaluate_spam_model`: metrics of a model folder (or the active model) on datasets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.classifier import artifacts
from moderation.classifier.metrics import format_metrics, metrics_on
from moderation.classifier.registry import active_model_source
from moderation.classifier.thresholds import card_thresholds
from moderation.dataset import DatasetError
from moderation.verdicts import effective_thresholds


class Command(BaseCommand):
    help = "Print spam metrics of a model on KIND:PATH datasets ('site' = this site's labels)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model", default="active", help="a model folder, or 'active'")
        parser.add_argument("--data", action="append", required=True, metavar="KIND:PATH")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, model: str, data: list[str], **options: Any) -> None:
        directory = active_model_source().directory if model == "active" else Path(model)
        try:
            pipeline = artifacts.load_model(directory, artifacts.read_checksum(directory))
            threshold = effective_thresholds(card_thresholds(artifacts.read_card(directory))).spam
            report = metrics_on(pipeline, data, threshold)
        except (artifacts.ModelLoadError, DatasetError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(format_metrics(report, as_json=options["json"]))
