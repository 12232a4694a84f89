"""--profile's summary: the workers' cProfile dumps (written by `gunicorn_conf`) merged into
the CPU time per request inside the main stages of a request, and the top functions."""

from __future__ import annotations

import pstats
from pathlib import Path
from typing import Any

from .scenarios import REPO_ROOT

# (label, file suffix, function): cumulative time inside each, per request. They nest.
BREAKDOWN = (
    ("whole request in the worker (gunicorn)", "gunicorn/workers/", "handle_request"),
    ("  Django handler (middleware + view)", "django/core/handlers/wsgi.py", "__call__"),
    ("    DRF APIView.dispatch", "rest_framework/views.py", "dispatch"),
    ("      DRF initial (parse, auth, throttle)", "rest_framework/views.py", "initial"),
    ("        find_key (SELECT ApiKey)", "moderation/api/keys.py", "find_key"),
    ("        ApiRateThrottle.allow_request", "moderation/api/throttling.py", "allow_request"),
    ("      check_comment", "moderation/api/akismet/comments.py", "check_comment"),
    ("    post_comment view", "moderation/views.py", "post_comment"),
    ("      CommentForm.is_valid", "django/forms/forms.py", "is_valid"),
    ("    article_detail view (page render)", "site_demo/articles/views.py", "article_detail"),
    ("        submit_comment", "moderation/submission.py", "submit_comment"),
    ("          Comment.full_clean", "django/db/models/base.py", "full_clean"),
    ("          rules.matching_rule", "moderation/rules.py", "matching_rule"),
    ("          score_comment", "moderation/classifier/scoring.py", "score_comment"),
    ("          _apply_verdict (UPDATE + INSERT)", "moderation/submission.py", "_apply_verdict"),
    ("        record_usage (usage UPDATE)", "moderation/api/keys.py", "record_usage"),
    ("all SQL statements (CursorWrapper._execute)", "django/db/backends/utils.py", "_execute"),
    ("transaction commits (atomic)", "django/db/backends/base/base.py", "commit"),
    ("database connect", "django/db/backends/base/base.py", "connect"),
    ("database close (request_finished)", "django/db/backends/base/base.py", "close"),
    ("template rendering", "django/template/backends/django.py", "render"),
)


def profile_summary(directory: Path, limit: int = 25) -> dict[str, Any]:
    """Merge the workers' cProfile dumps; return per-request times of BREAKDOWN and the top."""
    files = sorted(str(p) for p in directory.glob("*.prof"))
    if not files:
        return {"skipped": "no worker wrote a profile"}
    stats = pstats.Stats(*files)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    requests = sum(
        calls
        for (file, _, func), (_, calls, *_rest) in raw.items()
        if file.endswith("django/core/handlers/wsgi.py") and func == "__call__"
    )
    breakdown = []
    for label, suffix, function in BREAKDOWN:
        cumulative = sum(
            cumtime
            for (file, _, func), (_, _, _, cumtime, _) in raw.items()
            if suffix in file and func == function
        )
        calls = sum(
            ncalls
            for (file, _, func), (_, ncalls, _, _, _) in raw.items()
            if suffix in file and func == function
        )
        if calls:
            breakdown.append(
                {
                    "what": label,
                    "ms_per_request": 1000 * cumulative / max(requests, 1),
                    "calls_per_request": calls / max(requests, 1),
                }
            )
    top = []
    for (file, line, func), (_, calls, tottime, cumtime, _) in raw.items():
        where = file.split("site-packages/")[-1].replace(str(REPO_ROOT) + "/", "")
        top.append(
            {
                "function": f"{where}:{line}({func})",
                "calls_per_request": calls / max(requests, 1),
                "own_ms_per_request": 1000 * tottime / max(requests, 1),
                "cum_ms_per_request": 1000 * cumtime / max(requests, 1),
            }
        )
    top.sort(key=lambda row: -row["own_ms_per_request"])
    return {"requests": requests, "breakdown": breakdown, "top": top[:limit]}
