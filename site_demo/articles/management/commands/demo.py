"""`manage.py demo`: migrate, activate a model, load demo content, create an admin, serve."""

from __future__ import annotations

import secrets
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from moderation.classifier.artifacts import ModelLoadError
from moderation.classifier.registry import ensure_active_model
from moderation.models import Comment, Status
from site_demo.articles.seed import load_demo_content

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Set up the demo news site (database, spam model, articles and comments, an admin "
        "account with a new password) and serve it with runserver."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1", help="Address to serve on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on (1-65535).")
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Set everything up and print the admin login, but do not start the server.",
        )

    def handle(self, *args: Any, addr: str, port: int, no_serve: bool, **options: Any) -> None:
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be a number from 1 to 65535; got {port}.")

        self.stdout.write("Migrating the database...")
        call_command("migrate", interactive=False, verbosity=0)

        self.stdout.write("Activating the spam model...")
        try:
            self.stdout.write(f"  Spam model: {ensure_active_model().version}")
        except ModelLoadError as exc:
            # The site works without a model: new comments wait in the review queue.
            self.stderr.write(
                f"  No spam model is available, so comments will wait for review: {exc}"
            )

        self.stdout.write("Loading the demo articles and comments...")
        created = load_demo_content()
        self.stdout.write(f"  {created} new articles and comments; {self._comment_summary()}.")

        password = secrets.token_urlsafe(12)
        self._set_admin_password(password)
        base_url = f"http://{addr}:{port}"
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: {base_url}/admin/  username: {ADMIN_USERNAME}  password: {password}"
            )
        )

        if no_serve:
            return
        self.stdout.write(f"Serving the demo site at {base_url}/ (Ctrl-C stops it)...")
        call_command("runserver", f"{addr}:{port}", use_reloader=False)

    def _set_admin_password(self, password: str) -> None:
        user_model = get_user_model()
        user, _ = user_model.objects.get_or_create(
            username=ADMIN_USERNAME, defaults={"email": "admin@example.com"}
        )
        user.is_active = user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()

    def _comment_summary(self) -> str:
        counts = dict(Comment.objects.order_by().values_list("status").annotate(Count("pk")))
        return (
            f"comments: {counts.get(Status.APPROVED, 0)} published, "
            f"{counts.get(Status.PENDING, 0)} awaiting review, {counts.get(Status.SPAM, 0)} spam"
        )
