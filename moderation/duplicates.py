"""Repeat posts: the same author saying the same thing on the same object within
DUPLICATE_WINDOW. The form refuses one; the two APIs answer it as they answered the first.

Checked before submit_comment(), by whoever receives the comment: the form (views.py), the
Akismet API (api/akismet/comments.py) and the JSON API (api/views.py).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.utils import timezone

from moderation.conf import get_settings
from moderation.models import Comment


def normalised_text(text: str) -> str:
    """Return `text` as two posts of it compare: NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def text_hash(text: str) -> str:
    """Return the hash of the normalised text stored in Comment.content_hash (32 hex digits)."""
    return hashlib.blake2b(normalised_text(text).encode(), digest_size=16).hexdigest()


def store_text_hash(sender: type[Comment], instance: Comment, **kwargs: Any) -> None:
    """Keep `content_hash` in step with the text (pre_save, connected in apps.py).

    A receiver rather than submit_comment(), so every way a comment is stored (the form, both
    APIs, a site's adapter, the admin, a test's factory) has it.
    """
    instance.content_hash = text_hash(instance.content)


def find_duplicate(
    target: models.Model,
    *,
    content: str,
    author_email: str = "",
    ip_address: str | None = None,
    submitted_at: datetime | None = None,
    parent: Comment | None = None,
    parent_ref: str = "",
) -> Comment | None:
    """Return the comment a new one on `target` repeats, or None.

    A repeat has the same normalised text and the same author: the same email address, or
    the same IP address when neither gave an email; it answers the same comment (`parent`, or
    an API client's `parent_ref`), as WordPress compares: "Thanks!" to two readers is said
    twice. It was stored, whatever became of it, within DUPLICATE_WINDOW of the new one's
    time (now, unless an API client dated it). An author with neither an email nor an IP
    address cannot be told apart from anyone, so never repeats. One query, on the
    (content_hash, object_pk) index, unless it finds a row.
    """
    window = get_settings()["DUPLICATE_WINDOW"]
    if window is None or not (author_email or ip_address):
        return None
    at = submitted_at or timezone.now()
    since, until = at - timedelta(seconds=window), at + timedelta(seconds=window)
    same_text = _same_text(text_hash(content), target.pk, since, until)
    if not same_text:
        return None
    content_type_id = ContentType.objects.get_for_model(target).pk
    email = author_email.casefold()
    candidates = [
        comment
        for comment in Comment.objects.filter(pk__in=same_text)
        if comment.content_type_id == content_type_id
        and since <= comment.submitted_at <= until
        and (comment.parent_id, comment.parent_ref) == (parent and parent.pk, parent_ref)
        and (
            comment.author_email.casefold() == email
            if email
            else not comment.author_email and comment.ip_address == ip_address
        )
    ]
    return min(candidates, key=lambda comment: comment.pk, default=None)


def repeat_of(target: models.Model, fields: Mapping[str, Any]) -> Comment | None:
    """Return the comment that a new one, given as submit_comment()'s Comment fields (the APIs'
    checks), repeats on `target`, or None: find_duplicate() read from those fields."""
    return find_duplicate(
        target,
        content=fields["content"],
        author_email=fields.get("author_email", ""),
        ip_address=fields.get("ip_address"),
        submitted_at=fields.get("submitted_at"),
        parent=fields.get("parent"),
        parent_ref=fields.get("parent_ref", ""),
    )


def _same_text(content_hash: str, object_pk: object, since: datetime, until: datetime) -> list[int]:
    """Return the ids of the comments with this text hash on an object with this key, stored
    from `since` to `until` (so a text as common as "Thanks!" never loads a key's history).

    Almost always none, and asked on every comment-check: a plain SELECT on the index, since
    building the same query with the ORM costs fifteen times as much (0.22 ms against 0.015 ms,
    about 1.5 M instructions of a 15 M check: bench/request_cost.py --callgrind). The rest of
    the definition is checked on the rare rows it finds, by the ORM.
    """
    connection = connections[router.db_for_read(Comment)]
    meta = Comment._meta

    def quoted(field: str) -> str:
        return connection.ops.quote_name(str(cast(models.Field, meta.get_field(field)).column))

    sql = (
        f"SELECT {quoted('id')} FROM {connection.ops.quote_name(meta.db_table)} "
        f"WHERE {quoted('content_hash')} = %s AND {quoted('object_pk')} = %s "
        f"AND {quoted('submitted_at')} BETWEEN %s AND %s"
    )
    # As the ORM sends a DateTimeField's value: SQLite stores text, in UTC.
    times = [connection.ops.adapt_datetimefield_value(value) for value in (since, until)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [content_hash, str(object_pk), *times])
        return [row[0] for row in cursor.fetchall()]
