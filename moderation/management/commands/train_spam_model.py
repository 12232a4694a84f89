"""`manage.py train_spam_model`: train a model folder from datasets and the site's own labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.classifier.registry import activate_model, register_model
from moderation.classifier.training import train_model
from moderation.corpora import load_spec
from moderation.dataset import DatasetError


class Command(BaseCommand):
    help = (
        "Train a spam model from KIND:PATH datasets (kind 'site' is this site's moderator "
        "labels) into a new model folder; --activate makes it score new comments."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", action="append", default=[], metavar="KIND:PATH")
        parser.add_argument("--out", type=Path, required=True, help="model folder to write")
        parser.add_argument(
            "--activate", action="store_true", help="register the new model and make it active"
        )

    def handle(
        self, *args: Any, data: list[str], out: Path, activate: bool, **options: Any
    ) -> None:
        if not data:
            raise CommandError("Give at least one --data KIND:PATH (for example --data site).")
        try:
            datasets = [load_spec(spec) for spec in data]
        except DatasetError as exc:
            raise CommandError(str(exc)) from exc
        result = train_model(datasets, out)
        self.stdout.write(f"Wrote {out} (version {result.card['version']}).")
        if activate:
            activate_model(register_model(out))
            self.stdout.write(f"Active model: {result.card['version']}")
