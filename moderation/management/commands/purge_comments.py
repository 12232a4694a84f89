"""`manage.py purge_comments [--days N] [--dry-run]`: retention for cron; prints two lines.

Deletes old spam and removed comments (RETENTION_DAYS) and clears the personal data of old
comments (PERSONAL_DATA_DAYS).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.conf import get_settings
from moderation.privacy import anonymise_old
from moderation.retention import purge


class Command(BaseCommand):
    help = (
        "Delete spam and removed comments untouched for more than RETENTION_DAYS (or --days) "
        "days; moderators' labels keep a copy of the text for retraining. Then clear IP "
        "addresses, emails and browser details of comments older than PERSONAL_DATA_DAYS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help="override the RETENTION_DAYS setting")
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args: Any, days: int | None, dry_run: bool, **options: Any) -> None:
        self._purge(days, dry_run)
        if not dry_run:
            anonymised = anonymise_old()
            keep = get_settings()["PERSONAL_DATA_DAYS"]
            if keep is not None:
                self.stdout.write(
                    f"Cleared the personal data of {anonymised} comments older than {keep} days."
                )

    def _purge(self, days: int | None, dry_run: bool) -> None:
        if days is not None and days < 0:
            raise CommandError(f"--days must be 0 or more, not {days}.")
        if days is None:
            days = get_settings()["RETENTION_DAYS"]
            if days is None:
                self.stdout.write(
                    "RETENTION_DAYS is None: comments are kept for ever. Nothing purged."
                )
                return
        result = purge(days, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {result.deleted} spam and removed comments older than {days} days; "
            f"kept {result.labels_kept} moderator labels."
        )
