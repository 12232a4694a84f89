"""`manage.py recheck_comments [--all-pending | --ids ID ...]`: score pending comments again."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from tqdm import tqdm

from moderation.classifier.artifacts import ModelLoadError
from moderation.models import Comment, Status
from moderation.recheck import recheck


class Command(BaseCommand):
    help = (
        "Score pending comments again with the active model and publish, hold or file them as "
        "spam by the new verdict. Comments a moderator or a rule decided are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--all-pending", action="store_true", help="every pending comment (the default)"
        )
        which.add_argument("--ids", nargs="+", type=int, metavar="ID", help="these comments")

    def handle(self, *args: Any, ids: list[int] | None, **options: Any) -> None:
        comments = _pending() if ids is None else _by_ids(ids)
        # call_command(stderr=...) passes its stream here; from a shell it is the real stderr.
        # disable=None hides the bar when that is not a terminal (cron, tests).
        with tqdm(
            total=comments.count(),
            unit="comment",
            file=options.get("stderr") or sys.stderr,
            disable=None,
        ) as bar:

            def progress(n: int) -> None:
                bar.update(n)

            try:
                result = recheck(comments, progress=progress)
            except ModelLoadError as exc:
                raise CommandError(f"Cannot recheck: {exc}") from exc
        self.stdout.write(result.summary())


def _pending() -> QuerySet[Comment]:
    return Comment.objects.filter(status=Status.PENDING).order_by("submitted_at", "pk")


def _by_ids(ids: list[int]) -> QuerySet[Comment]:
    comments = Comment.objects.filter(pk__in=ids).order_by("submitted_at", "pk")
    missing = sorted(set(ids) - set(comments.values_list("pk", flat=True)))
    if missing:
        raise CommandError(f"No comment with id {', '.join(map(str, missing))}.")
    return comments
