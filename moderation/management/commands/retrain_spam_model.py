"""`manage.py retrain_spam_model`: learn from the site's labels; promote the result if not worse."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from moderation.retraining import STEPS, RetrainingError, retrain


class Command(BaseCommand):
    help = (
        "Correct the model with this site's labels (moderators' decisions and trusted API "
        "keys' reports), compare the candidate with the active model on held-out labels and "
        "the shipped check set, and make it active only if it is not worse. Needs nothing but "
        "the installed package and the database."
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
        stderr = options.get("stderr") or sys.stderr
        with tqdm(total=len(STEPS), desc="retraining", unit="step", file=stderr) as bar:

            def step(name: str) -> None:
                if bar.n < STEPS.index(name):
                    bar.update(STEPS.index(name) - bar.n)
                bar.set_postfix_str(name)

            try:
                result = retrain(
                    promote=not no_promote,
                    out=out,
                    log=lambda line: bar.write(line, file=stderr),
                    step=step,
                )
            except RetrainingError as exc:
                raise CommandError(str(exc)) from exc
            bar.update(len(STEPS) - bar.n)
        state = "promoted: it scores new comments now" if result.promoted else "kept inactive"
        self.stdout.write(f"Candidate {result.candidate.version} {state}.")
        self.stdout.write(result.judgement.reason)
