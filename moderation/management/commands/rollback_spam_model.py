"""`manage.py rollback_spam_model`: make the previously active model version active again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from moderation.classifier.artifacts import ModelLoadError
from moderation.classifier.registry import activate_model, previous_model


class Command(BaseCommand):
    help = "Make the model version that was active before the current one active again."

    def handle(self, *args: Any, **options: Any) -> None:
        previous = previous_model()
        if previous is None:
            raise CommandError("No earlier active model version to roll back to.")
        try:
            activate_model(previous)
        except ModelLoadError as exc:
            raise CommandError(f"Not rolled back: {exc}") from exc
        self.stdout.write(f"Active model: {previous.version} (rolled back).")
