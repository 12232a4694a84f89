"""Benchmark: the review queue's pages with many comments: server time and queries per page.

Run from the repository root; the database is `DATABASE_URL`'s, or with `--sqlite PATH` a SQLite
file (default: a temporary folder). Comments already there count towards `--comments`, so a
second run on the same database only measures:

    python bench/queue_pages.py --comments 200000 --sqlite var/bench-queue.sqlite3
    createdb -h 127.0.0.1 -U postgres hamlet_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hamlet_bench \
        python bench/queue_pages.py --comments 1000000

Each page is requested through Django's test client, logged in as a moderator, in this process
(no HTTP server): once with the cache empty (`first`: the tab counts are computed), then
`--repeat` times (`median`), then once more counting its queries.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = REPO_ROOT / "moderation" / "corpus" / "hamlet_written.jsonl"
BATCH = 5000
ARTICLES = 500
# Shares of the statuses in a site's history: most comments are published, a little spam
# stays, and the queue itself is small.
STATUS_SHARES = {"approved": 0.90, "spam": 0.08, "pending": 0.015, "removed": 0.005}
SPAMMERS = 300  # spam comes from few addresses, each with many comments
RARE_WORD, COMMON_WORD = "allotments", "council"  # in 1 and in 19 of the corpus's 850 texts


def setup_django(sqlite: str | None) -> None:
    sys.path.insert(0, str(REPO_ROOT))
    if not os.environ.get("DATABASE_URL"):
        path = Path(sqlite or Path(tempfile.mkdtemp(prefix="hamlet-queue-")) / "db.sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{path.resolve()}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def generate_comments(n: int, start: int, article_pks: list[int], content_type: Any) -> Iterator:
    """Yield `n` unsaved comments, numbered from `start`, oldest first (seeded per number)."""
    from django.utils import timezone

    from moderation.models import Comment, Status
    from moderation.verdicts import Verdict

    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    texts = {label: [r["text"] for r in rows if r["label"] == label] for label in ("ham", "spam")}
    statuses = list(STATUS_SHARES)
    weights = list(STATUS_SHARES.values())
    now = timezone.now()
    span = timedelta(days=730)
    total = start + n
    for i in range(start, total):
        rng = random.Random(i)
        status = rng.choices(statuses, weights)[0]
        label = "spam" if status in ("spam", "removed") else "ham"
        # Mostly one text, sometimes several: from a few words to a few thousand characters.
        parts = rng.choices(texts[label], k=rng.choice((1, 1, 1, 2, 3, 8)))
        if label == "spam":
            email = f"offers{rng.randrange(SPAMMERS)}@spam.example"
        elif rng.random() < 0.1:
            email = ""  # an API client that sent no email
        else:
            # Readers come back: a few write often (reader0: 3 %), most a few times.
            email = f"reader{int(50000 * rng.random() ** 3)}@example.org"
        # The queue waits on recent comments; the rest spread over two years, oldest first.
        when = now - span * (1 - i / total)
        score = rng.uniform(0.9, 1.0) if label == "spam" else rng.uniform(0.0, 0.3)
        if status == "pending":
            when, score = now - span * rng.random() / 200, rng.uniform(0.4, 0.7)
        yield Comment(
            content_type=content_type,
            object_pk=str(rng.choice(article_pks)),
            author_name=email.split("@")[0].title() or "Anonymous",
            author_email=email,
            author_url=f"https://{email.split('@')[0]}.example/" if label == "spam" else "",
            content=" ".join(parts),
            ip_address=f"198.51.{rng.randrange(100)}.{rng.randrange(1, 255)}",
            submitted_at=when,
            status=Status(status),
            verdict={"approved": Verdict.HAM, "pending": Verdict.PENDING}.get(status, Verdict.SPAM),
            spam_score=score,
        )


def load_comments(target: int) -> int:
    """Add comments until the database holds `target`; return how many it holds."""
    from django.contrib.contenttypes.models import ContentType
    from tqdm import tqdm

    from moderation.models import Comment
    from site_demo.articles.models import Article

    existing = Comment.objects.count()
    if existing >= target:
        return existing
    Article.objects.bulk_create(
        [
            Article(title=f"Bench article {i}", slug=f"bench-{i}", body="Text.", author_name="B")
            for i in range(ARTICLES)
        ],
        ignore_conflicts=True,
    )
    article_pks = list(Article.objects.values_list("pk", flat=True))
    content_type = ContentType.objects.get_for_model(Article)
    comments = generate_comments(target - existing, existing, article_pks, content_type)
    with tqdm(total=target - existing, desc="comments", unit="", file=sys.stderr) as bar:
        while batch := [c for _, c in zip(range(BATCH), comments, strict=False)]:
            Comment.objects.bulk_create(batch)
            bar.update(len(batch))
    return Comment.objects.count()


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would after a large load."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE moderation_comment")


def pages(all_tab: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    from moderation.models import Comment

    spammer = Comment.objects.filter(author_email="offers7@spam.example").first()
    reader = Comment.objects.filter(author_email__startswith="reader").order_by("-pk").first()
    return [
        ("default (opens on Pending)", {}),
        *[(status, {"status__exact": status}) for status in STATUS_SHARES],
        ("all", all_tab),
        ("approved, page 200", {"status__exact": "approved", "p": "200"}),
        (f"search {RARE_WORD!r}", {"q": RARE_WORD}),
        (f"search {COMMON_WORD!r}", {"q": COMMON_WORD}),
        ("search a spammer's email", {"q": spammer.author_email if spammer else "none@x.example"}),
        ("search a reader's email", {"q": reader.author_email if reader else "none@x.example"}),
        ("search an IP address", {"q": str(spammer.ip_address) if spammer else "192.0.2.1"}),
        ("search 'spam.example', spam tab", {"q": "spam.example", "status__exact": "spam"}),
    ]


def measure(repeat: int, only: str) -> list[dict[str, Any]]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    user, _ = get_user_model().objects.get_or_create(
        username="bench-moderator", defaults={"is_staff": True}
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_comment", "moderate_comment"], content_type__app_label="moderation"
        )
    )
    client = Client()
    client.force_login(user)
    url = reverse("admin:moderation_comment_changelist")

    def get(params: dict[str, str]) -> Any:
        response = client.get(url, params, follow=True)
        if response.status_code != 200 or "e=1" in response.request.get("QUERY_STRING", ""):
            raise SystemExit(f"{params} answered {response.status_code}: the page is not listed")
        return response

    # The "All" tab's link, as the page writes it (data-status="").
    tabs = get({"status__exact": "pending"}).content.decode()
    found = re.search(r'href="\?([^"]*)" data-status=""', tabs)
    if found is None:
        raise SystemExit("The queue page has no All tab")
    all_tab = dict(parse_qsl(html.unescape(found.group(1))))
    results = []
    for name, params in pages(all_tab):
        if not re.search(only, name):
            continue
        cache.clear()
        started = time.perf_counter()
        get(params)
        first = time.perf_counter() - started
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = get(params)
            times.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            get(params)
        cl = response.context_data["cl"]
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        results.append(
            {
                "page": name,
                "first_ms": 1000 * first,
                "median_ms": 1000 * statistics.median(times),
                "queries": len(queries.captured_queries),
                "sql_ms": 1000 * sum(float(q["time"]) for q in queries.captured_queries),
                "slowest_sql_ms": 1000 * float(slowest["time"]),
                "slowest_sql": slowest["sql"][:300],
                "result_count": cl.result_count,
            }
        )
        print(f"  {name}: {results[-1]['median_ms']:.0f} ms", file=sys.stderr)
    return results


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"{report['comments']:,} comments on {report['database']}; load average "
        f"{report['load_average']:.2f}; median of {report['repeat']} requests"
        + ("; without explanations" if report["no_explanations"] else ""),
        "",
        f"{'page':<34} {'first ms':>9} {'median ms':>10} {'queries':>8} {'SQL ms':>7} "
        f"{'slowest':>8} {'rows':>9}",
    ]
    for row in report["pages"]:
        lines.append(
            f"{row['page']:<34} {row['first_ms']:>9.0f} {row['median_ms']:>10.0f} "
            f"{row['queries']:>8} {row['sql_ms']:>7.0f} {row['slowest_sql_ms']:>8.0f} "
            f"{row['result_count']:>9,}"
        )
    lines += ["", "Slowest query per page:"]
    lines += [f"- {row['page']}: {row['slowest_sql']}" for row in report["pages"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--comments", type=int, default=200_000, help="comments in the database")
    parser.add_argument("--sqlite", help="SQLite file to use when DATABASE_URL is not set")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page")
    parser.add_argument("--only", default="", help="measure the pages whose name matches")
    parser.add_argument(
        "--no-explanations",
        action="store_true",
        help="diagnostic: the why column without the model's explanation (its plain text), to "
        "see what the explanations cost",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    load_average = os.getloadavg()[0]
    setup_django(args.sqlite)
    from django.core.management import call_command
    from django.db import connection

    from moderation.classifier.registry import ensure_active_model

    call_command("migrate", verbosity=0)
    if args.no_explanations:
        from moderation import why

        why.explanation_for = lambda comment: None  # type: ignore[assignment]
    ensure_active_model()  # the queue explains each comment with the active model
    comments = load_comments(args.comments)
    analyze()
    report = {
        "comments": comments,
        "database": f"{connection.vendor} ({connection.settings_dict['NAME']})",
        "load_average": load_average,
        "repeat": args.repeat,
        "no_explanations": args.no_explanations,
        "pages": measure(args.repeat, args.only),
    }
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
