"""`manage.py revoke_api_key PREFIX|SITE`: stop a key from working, keeping its history."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from moderation.api.keys import revoke
from moderation.models import ApiKey


class Command(BaseCommand):
    help = "Revoke the API key with this prefix (its first 4 characters) or of this site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key", help="the key's first 4 characters, or the site's name")

    def handle(self, *args: Any, key: str, **options: Any) -> None:
        keys = list(ApiKey.objects.filter(Q(prefix=key) | Q(site=key), revoked_at__isnull=True))
        if not keys:
            raise CommandError(f"No active API key has the prefix or site {key!r}.")
        if len(keys) > 1:
            found = ", ".join(f"{k.prefix}… ({k.site})" for k in keys)
            raise CommandError(f"{key!r} matches several keys: {found}. Give a prefix.")
        revoke(keys[0])
        self.stdout.write(f"Revoked {keys[0].prefix}… ({keys[0].site}).")
