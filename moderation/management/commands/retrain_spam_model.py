"""`manage.py retrain_spam_model`: learn from the site's labels; promote the result if not worse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.retraining import RetrainingError, retrain


class Command(BaseCommand):
    help = (
        "Train a candidate model on the public corpora and this site's labels, compare it with "
        "the active model on held-out data, and make it active only if it is not worse."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-promote",
            action="store_true",
            help="register the candidate and report the comparison, but leave it inactive",
        )
        parser.add_argument(
            "--out", type=Path, help="folder for the new model (default: under MODEL_DIR)"
        )

    def handle(self, *args: Any, no_promote: bool, out: Path | None, **options: Any) -> None:
        try:
            result = retrain(promote=not no_promote, out=out, log=self.stderr.write)
        except RetrainingError as exc:
            raise CommandError(str(exc)) from exc
        state = "promoted: it scores new comments now" if result.promoted else "kept inactive"
        self.stdout.write(f"Candidate {result.candidate.version} {state}.")
        self.stdout.write(result.judgement.reason)
