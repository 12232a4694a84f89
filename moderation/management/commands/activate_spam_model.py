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
        try:
            version = ModelVersion.objects.filter(version=model).first() or register_model(
                _folder(model)
            )
            activate_model(version)
        except ModelLoadError as exc:
            raise CommandError(f"Not activated: {exc}") from exc
        self.stdout.write(f"Active model: {version.version} (sha256 {version.sha256[:12]}…)")


def _folder(model: str) -> Path:
    directory = shipped_model_source().directory if model == "default" else Path(model)
    if not directory.is_dir():
        raise CommandError(f"{model!r} is neither a model folder nor a registered model version.")
    return directory
