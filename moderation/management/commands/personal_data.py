"""`manage.py personal_data export|erase --email ADDRESS [--ip ADDRESS]`: a person's requests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.privacy import Person, comments_of, erase, export


class Command(BaseCommand):
    help = (
        "Export (as JSON) or erase every comment a person posted, found by their email "
        "address and/or IP address, with the rules and notes that name them: the answer to an "
        "access or erasure request."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("--email", default="", help="the person's email address")
        parser.add_argument("--ip", default="", help="the person's IP address")
        parser.add_argument("--out", type=Path, help="export: file to write (default: stdout)")
        parser.add_argument(
            "--yes", action="store_true", help="erase: do it (without it, only count)"
        )

    def handle(
        self, *args: Any, action: str, email: str, ip: str, out: Path | None, yes: bool, **o: Any
    ) -> None:
        try:
            person = Person(email=email.strip(), ip_address=ip.strip())
        except ValueError as exc:
            raise CommandError(f"{exc} (--email and/or --ip)") from exc
        if action == "export":
            text = json.dumps(export(person), indent=2, ensure_ascii=False)
            if out:
                out.write_text(text + "\n", encoding="utf-8")
                self.stderr.write(f"Wrote {out}.")
            else:
                self.stdout.write(text)
            return
        if not yes:
            count = comments_of(person).count()
            self.stdout.write(f"Would erase {count} comments. Run again with --yes to erase them.")
            return
        self.stdout.write(f"Erased {erase(person)} comments.")
