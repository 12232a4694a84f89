"""The site's data, read and written in a child process with the benchmark's environment.

`python -m bench.site_load.site_data setup RATE` migrates the fresh database, adds the demo's
articles and a key allowed RATE; `... count PREFIX` counts the comments whose text starts with
PREFIX. Each prints one JSON object on its last line (see `fixtures.run_site_data`).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Sequence
from typing import Any


def set_up_site(rate: str) -> dict[str, Any]:
    """Run the demo's set-up, create a key allowed `rate`; return the key, articles, database."""
    from django.core.management import call_command
    from django.db import connection

    from moderation.models import ApiKey
    from site_demo.articles.models import Article

    call_command("demo", no_serve=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("create_api_key", site="bench", stdout=out)
    ApiKey.objects.filter(site="bench").update(rate_limit=rate)
    with connection.cursor() as cursor:
        is_sqlite = connection.vendor == "sqlite"
        cursor.execute("select sqlite_version()" if is_sqlite else "show server_version")
        version = cursor.fetchone()[0]
    return {
        "key": out.getvalue().strip().splitlines()[-1],
        "articles": [a.get_absolute_url() for a in Article.objects.all()],
        "database": ("SQLite " if is_sqlite else "PostgreSQL ") + version,
    }


def count_comments(prefix: str) -> dict[str, Any]:
    """Return the tags of the comments starting with `prefix`, all comments, all API calls."""
    from django.db.models import Sum

    from moderation.models import ApiUsage, Comment

    rows = Comment.objects.filter(content__startswith=prefix).values_list("content", flat=True)
    return {
        "tags": [content.split(" ", 1)[0] for content in rows],
        "comments": Comment.objects.count(),
        "api_calls": ApiUsage.objects.aggregate(n=Sum("api_calls"))["n"] or 0,
    }


def main(argv: Sequence[str]) -> int:
    """Set Django up, run `setup RATE` or `count PREFIX`, print its JSON."""
    import django

    django.setup()
    command, value = argv
    result = set_up_site(value) if command == "setup" else count_comments(value)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
