"""`manage.py create_api_key --site NAME [--allowed-host HOST ...] [--trusted]`: print a new key,
once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.api.keys import create_key


class Command(BaseCommand):
    help = "Create an API key for a client site. The key is printed alone on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", required=True, help="the client site's name")
        parser.add_argument(
            "--allowed-host",
            action="append",
            default=[],
            dest="allowed_hosts",
            metavar="HOST",
            help="a host the client's blog URL may have (repeat; subdomains included; "
            "default: any)",
        )
        trust = parser.add_mutually_exclusive_group()
        trust.add_argument(
            "--trusted",
            action="store_true",
            dest="is_trusted",
            help="its submit-spam / submit-ham teach the shared model and campaign memory for "
            "every site, as a moderator's decisions do",
        )
        trust.add_argument(
            "--untrusted",
            action="store_false",
            dest="is_trusted",
            help="(the default) its reports count only for its own checks",
        )

    def handle(
        self, *args: Any, site: str, allowed_hosts: list[str], is_trusted: bool, **options: Any
    ) -> None:
        if not site.strip():
            raise CommandError("--site must name the client site.")
        if any("/" in host or " " in host.strip() for host in allowed_hosts):
            raise CommandError("--allowed-host takes a host name such as news.example.com.")
        api_key, raw = create_key(site.strip(), allowed_hosts, is_trusted=is_trusted)
        hosts = ", ".join(api_key.allowed_hosts.split()) or "any host"
        trust = "trusted" if is_trusted else "untrusted: its reports count for its own checks only"
        self.stdout.write(
            f"API key for {api_key.site} (allowed: {hosts}; {trust}). It is shown only once:"
        )
        self.stdout.write(raw)
