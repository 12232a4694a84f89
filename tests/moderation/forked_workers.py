"""A pre-forking server in miniature, for tests/moderation/test_metrics.py: with
PROMETHEUS_MULTIPROC_DIR set, a parent process sets up the site (an in-memory database with two
pending comments) and loads the metrics, as gunicorn --preload does, then forks two workers that
each approve a comment; then the parent serves /metrics. Prints the scrape.

Run as `python -m tests.moderation.forked_workers` with PROMETHEUS_MULTIPROC_DIR set to an empty
folder and DATABASE_URL=sqlite://:memory:.
"""

from __future__ import annotations

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    import moderation.monitoring.metrics  # noqa: F401  # loaded before the fork, as --preload
    from moderation.decisions import approve
    from moderation.models import Comment, Status
    from tests.factories import ArticleFactory

    call_command("migrate", verbosity=0)
    article = ArticleFactory()
    moderator = User.objects.create_user("moderator")
    pending = [
        Comment.objects.create(
            content_object=article, author_name="Reader", content=text, status=Status.PENDING
        )
        for text in ("First comment.", "Second comment.")
    ]
    for comment in pending:
        pid = os.fork()
        if pid == 0:  # a worker: its own copy of the in-memory database, its own metrics file
            approve(comment, moderator)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert status == 0, status
    # Each worker approved in its own copy of the database: here both still wait.
    print(Client().get("/metrics").content.decode())


if __name__ == "__main__":
    main()
