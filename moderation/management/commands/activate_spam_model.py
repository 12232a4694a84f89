"""`manage.py activate_spam_model DIR|VERSION`: verify a model and make it score new comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.classifier.artifacts import ModelLoadError
from moderation.classifier.registry import activate_model, register_model, shipped_model_source
from moderation.models import ModelVersion


class Command(BaseCommand):
    help = "Register a trained model folder (or name an existing version) and make it active."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "model",
            help="A model folder (model.joblib + model.sha256), a registered version name, "
            "or 'default' for the model shipped with the app.",
        )

    def handle(self, *args: Any, model: str, **options: Any) -> None:
        existing = ModelVersion.objects.filter(version=model).first()
        if existing is None:
            directory = shipped_model_source().directory if model == "default" else Path(model)
            if not directory.is_dir():
                raise CommandError(
                    f"{model!r} is neither a model folder nor a registered model version."
                )
            try:
                existing = register_model(directory)
            except ModelLoadError as exc:
                raise CommandError(str(exc)) from exc
        activate_model(existing)
        self.stdout.write(f"Active model: {existing.version} (sha256 {existing.sha256[:12]}…)")
