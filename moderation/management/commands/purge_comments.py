"""`manage.py purge_comments [--days N] [--dry-run]`: retention for cron; prints one line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.conf import get_settings
from moderation.retention import purge


class Command(BaseCommand):
    help = (
        "Delete spam and removed comments untouched for more than RETENTION_DAYS (or --days) "
        "days. Moderators' labels keep a copy of the text for retraining."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help="override the RETENTION_DAYS setting")
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args: Any, days: int | None, dry_run: bool, **options: Any) -> None:
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
