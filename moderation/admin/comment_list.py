"""The review queue's list at scale, for CommentAdmin: counts that stop early, the page's author
records in one query, a content type filter that reads no comment rows, and searches that go
through an index: for an email or an IP address, and for text on SQLite (PostgreSQL's trigram
indexes serve Django's own search). Issue 17; the indexes are the model's and migration 0008's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_email, validate_ipv46_address
from django.db import connections
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy

from moderation.models import Comment, Status

# Past this many rows PostgreSQL's list counts are its planner's estimate: an exact count reads
# every row (or index entry), 50-100 ms for a million, which is more than the whole page costs.
EXACT_COUNT_LIMIT = 10_000


def count_rows(queryset: QuerySet[Any]) -> int:
    """Return how many rows `queryset` has: exactly, except on PostgreSQL past EXACT_COUNT_LIMIT,
    where it is the planner's estimate (never less than the limit)."""
    queryset = queryset.order_by().select_related(None)
    if connections[queryset.db].vendor != "postgresql":
        return queryset.count()
    exact = queryset[: EXACT_COUNT_LIMIT + 1].count()
    if exact <= EXACT_COUNT_LIMIT:
        return exact
    plan = json.loads(queryset.explain(format="json"))
    # psycopg 3 returns EXPLAIN's JSON as text, a list of one plan; psycopg2 parses it first,
    # and Django writes out that plan alone.
    plan = plan[0] if isinstance(plan, list) else plan
    return max(exact, int(plan["Plan"]["Plan Rows"]))


class QueuePaginator(Paginator):
    """Django's paginator, counting with count_rows()."""

    @cached_property
    def count(self) -> int:
        return count_rows(self.object_list)  # type: ignore[arg-type]


def add_author_records(comments: list[Comment]) -> None:
    """Set each comment's author_approved, author_spam and author_first_seen: how many of its
    author's (by email) comments are approved and spam, and when the first came; one query."""
    emails = {comment.author_email for comment in comments if comment.author_email}
    records: dict[str, Mapping[str, Any]] = {
        row["author_email"]: row
        for row in Comment.objects.filter(author_email__in=emails)
        .order_by()
        .values("author_email")
        .annotate(
            approved=Count("status", filter=Q(status=Status.APPROVED)),
            spam=Count("status", filter=Q(status=Status.SPAM)),
            first_seen=Min("submitted_at"),
        )
    }
    for comment in comments:
        record = records.get(comment.author_email, {})
        comment.author_approved = record.get("approved")  # type: ignore[attr-defined]
        comment.author_spam = record.get("spam")  # type: ignore[attr-defined]
        comment.author_first_seen = record.get("first_seen")  # type: ignore[attr-defined]


class QueueChangeList(ChangeList):
    """The queue's list, with the author records of the comments on the page read in one query.
    As annotations they were subqueries the database ran for every row it sorted or skipped."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        add_author_records(list(self.result_list))  # fills the queryset's cache the page reads


class ContentTypeFilter(admin.SimpleListFilter):
    """Comments by the kind of object they are under, offering the kinds that have comments.

    Django's RelatedOnlyFieldListFilter reads every comment's content type for its choices;
    an EXISTS per content type asks the (content_type, ...) index once each instead.
    """

    title = gettext_lazy("content type")
    parameter_name = "content_type__id__exact"  # RelatedFieldListFilter's, so links still work

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        used = ContentType.objects.filter(
            Exists(Comment.objects.filter(content_type=OuterRef("pk")))
        ).order_by("app_label", "model")
        return [(str(content_type.pk), str(content_type)) for content_type in used]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        value = self.value()
        if value is None:
            return queryset
        if value not in {choice for choice, _ in self.lookup_choices}:
            return queryset.none()
        return queryset.filter(content_type_id=int(value))


def find_by_address(queryset: QuerySet[Comment], term: str) -> QuerySet[Comment] | None:
    """Return the comments `term` finds if it is an email address (the author's, in any case)
    or an IP address, through their indexes; None for any other term."""
    term = term.strip()
    try:
        validate_email(term)
    except ValidationError:
        pass
    else:
        return queryset.alias(email_key=Lower("author_email")).filter(email_key=Lower(Value(term)))
    try:
        validate_ipv46_address(term)
    except ValidationError:
        return None
    return queryset.filter(ip_address=term)


# SQLite's full-text index of the searched fields (migration 0008), with FTS5's trigram
# tokenizer: a case-insensitive substring match, as Django's icontains.
SEARCH_TABLE = "moderation_comment_search"


def find_text(queryset: QuerySet[Comment], search_term: str) -> QuerySet[Comment] | None:
    """Return the comments whose searched fields hold every term of `search_term`, as Django's
    admin search would, through SQLite's full-text index; None where there is none for it."""
    connection = connections[queryset.db]
    if connection.vendor != "sqlite":
        return None
    terms = [
        unescape_string_literal(bit) if bit.startswith(('"', "'")) and bit[0] == bit[-1] else bit
        for bit in smart_split(search_term)
    ]
    # Trigrams cannot find fewer than 3 characters.
    if not terms or min(len(term) for term in terms) < 3:
        return None
    if SEARCH_TABLE not in connection.introspection.table_names():
        return None
    phrases = " AND ".join('"{}"'.format(term.replace('"', '""')) for term in terms)
    return queryset.filter(
        pk__in=RawSQL(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH %s", [phrases])
    )
