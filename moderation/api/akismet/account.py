"""usage-limit, key-sites and the WordPress plugin's get-stats: a key's usage counts."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from moderation.models import ApiKey, ApiUsage

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def usage_limit(api_key: ApiKey) -> dict[str, Any]:
    """Return /1.2/usage-limit: Hamlet has no plan limits, so only the month's calls count."""
    usage = ApiUsage.objects.filter(api_key=api_key, month=this_month()).first()
    return {
        "limit": "none",
        "usage": usage.api_calls if usage else 0,
        "percentage": "0.00",
        "throttled": False,
    }


def this_month() -> str:
    return timezone.now().strftime("%Y-%m")


def key_sites(api_key: ApiKey, form: Mapping[str, str]) -> dict[str, Any]:
    """Return /1.2/key-sites for a month (default: this one): the key's site if it was active.

    A Hamlet key belongs to one site, so there is at most one row; counts are strings, as in
    Akismet's published example.
    """
    month = form.get("month", "")
    month = month if _MONTH.fullmatch(month) else this_month()
    usage = ApiUsage.objects.filter(api_key=api_key, month=month).first()
    rows = []
    if usage is not None and form.get("filter", "").casefold() in api_key.site.casefold():
        counts = ("api_calls", "spam", "ham", "missed_spam", "false_positives")
        row = {"site": api_key.site, **{name: str(getattr(usage, name)) for name in counts}}
        rows.append({**row, "is_revoked": not api_key.is_active})
    limit = whole_number(form.get("limit", ""), 500)
    offset = whole_number(form.get("offset", ""), 0)
    return {
        month: rows[offset : offset + limit],
        "limit": limit,
        "offset": offset,
        "total": len(rows),
    }


def whole_number(value: str, default: int) -> int:
    ok = value.isascii() and value.isdigit() and len(value) <= 9
    return int(value) if ok else default


def key_sites_csv(sites: dict[str, Any]) -> str:
    month = next(iter(sites))
    out = io.StringIO()
    out.write(
        f"Active sites for {month} (limit:{sites['limit']}, offset: {sites['offset']}, "
        f"total: {sites['total']})\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["Site", "Total API Calls", "Spam", "Ham", "Missed Spam", "False Positives", "Is Revoked"]
    )
    for row in sites[month]:
        writer.writerow([*row.values()][:-1] + [str(row["is_revoked"]).lower()])
    return out.getvalue()


def key_stats(api_key: ApiKey, period: str) -> dict[str, Any]:
    """Return /1.1/get-stats, the WordPress plugin's dashboard figures, from monthly usage."""
    months = {"60-days": 3, "6-months": 6}.get(period)
    rows = ApiUsage.objects.filter(api_key=api_key).order_by("-month")
    rows = rows[:months] if months else rows
    names = ("spam", "ham", "missed_spam", "false_positives")
    totals = dict.fromkeys(names, 0)
    breakdown: dict[str, dict[str, int]] = {}
    for usage in rows:
        breakdown[usage.month] = {name: getattr(usage, name) for name in names}
        for name in names:
            totals[name] += getattr(usage, name)
    checked = totals["spam"] + totals["ham"]
    errors = totals["missed_spam"] + totals["false_positives"]
    accuracy = round(100 * (1 - errors / checked), 3) if checked else 100
    return {**totals, "accuracy": max(accuracy, 0), "breakdown": breakdown, "time_saved": 0}
