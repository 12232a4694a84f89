"""`manage.py export_labels [--out FILE]`: every label as JSON Lines, for audit."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from moderation.labels import label_rows


class Command(BaseCommand):
    help = (
        "Write every moderator and API decision that labels a comment as spam or not spam, "
        "one JSON object per line: text, author, verdict before, decision, who, when."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="file to write (default: standard output)")

    def handle(self, *args: Any, out: Path | None, **options: Any) -> None:
        stream = out.open("w", encoding="utf-8") if out else sys.stdout
        count = 0
        try:
            for row in label_rows():
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        finally:
            if out:
                stream.close()
        if out:
            self.stderr.write(f"Wrote {count} labels to {out}.")
