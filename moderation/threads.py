"""Reply threads: which comments a reader may answer (REPLY_DEPTH), which are shown, the tree
the comment list renders, and the URL that finds a comment on its page (#comment-<id>).

A reply is scored and filed like any comment. It is shown only while every comment above it
is published: one filed as spam or removed later takes its replies out of sight with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from moderation.conf import get_settings
from moderation.models import Comment, Status

# The query parameter choosing the page of comments; the other parameters of a URL are kept.
PAGE_PARAMETER = "comments_page"
# The query parameter that opens the form as a reply (WordPress's name, so its habits work).
REPLY_PARAMETER = "replytocom"

# The codes of find_parent()'s errors: the reply cannot go under the comment it names.
PARENT_ERRORS = ("not_shown", "too_deep")
NOT_SHOWN = _(
    "The comment you are replying to is no longer shown, so your reply was not posted under "
    "it. You can post it as a comment of its own."
)


def reply_fields(parent: Comment | None) -> dict[str, Comment | int | None]:
    """Return the Comment fields of a reply to `parent` (None: a comment on the object)."""
    return {"parent": parent, "depth": 1 if parent is None else parent.depth + 1}


def may_be_answered(comment: Comment) -> bool:
    """Whether a reply to `comment` stays within REPLY_DEPTH levels."""
    return bool(comment.depth < get_settings()["REPLY_DEPTH"])


def too_deep(comment: Comment) -> ValidationError:
    """Return the error for a reply to `comment`, which may not be answered."""
    depth = get_settings()["REPLY_DEPTH"]
    return ValidationError(
        ngettext(
            "Replies go only %(depth)s level deep, and that comment is already at the last "
            "level. Reply to the comment it answers, or post a comment of your own.",
            "Replies go only %(depth)s levels deep, and that comment is already at the last "
            "level. Reply to the comment it answers, or post a comment of your own.",
            depth,
        )
        % {"depth": depth},
        code="too_deep",
    )


def shown(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    """Return those of `comments` a reader sees: published, no deeper than REPLY_DEPTH, and
    under published comments only (a reply whose parent was deleted stays hidden too)."""
    levels = Q()
    for depth in range(1, get_settings()["REPLY_DEPTH"] + 1):
        level = Q(depth=depth)
        for up in range(1, depth):
            level &= Q(**{"__".join(["parent"] * up) + "__status": Status.APPROVED})
        levels |= level
    return comments.filter(levels, status=Status.APPROVED)


def is_shown(comment: Comment) -> bool:
    return shown(Comment.objects.filter(pk=comment.pk)).exists()


def find_parent(target: models.Model, comment_id: object) -> Comment:
    """Return the comment a reader replies to: shown, on `target`, and not at the last level.

    Raise ValidationError ("not_shown", "too_deep") otherwise.
    """
    text = str(comment_id)
    # Length first: int() refuses strings of more than 4,300 digits.
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise ValidationError(NOT_SHOWN, code="not_shown")
    parent = shown(Comment.objects.for_object(target)).filter(pk=int(text)).first()
    if parent is None:
        raise ValidationError(NOT_SHOWN, code="not_shown")
    if not may_be_answered(parent):
        raise too_deep(parent)
    return parent


@dataclass(frozen=True)
class Branch:
    """A shown comment with its shown replies, oldest first, as the comment list nests them."""

    comment: Comment
    reply_url: str  # "" when it may not be answered
    replies: tuple[Branch, ...] = field(default=())


def branches(
    roots: Iterable[Comment], replies: Iterable[Comment], reply_url: Callable[[Comment], str]
) -> list[Branch]:
    """Return the trees under `roots`, built from `replies` (shown ones, in any order)."""
    children: defaultdict[int | None, list[Comment]] = defaultdict(list)
    for reply in replies:
        children[reply.parent_id].append(reply)

    def grow(comment: Comment) -> Branch:
        below = sorted(children[comment.pk], key=lambda c: (c.submitted_at, c.pk))
        url = reply_url(comment) if may_be_answered(comment) else ""
        return Branch(comment, url, tuple(grow(reply) for reply in below))

    return [grow(root) for root in roots]


def page_of(comment: Comment) -> int | None:
    """Return the number of the comment list's page `comment` is on; None when unpaged.

    Pages hold COMMENTS_PER_PAGE comments on the object, oldest first, each with its replies:
    a page's number never changes as comments are added, so a link to it stays right.
    """
    per_page = get_settings()["COMMENTS_PER_PAGE"]
    if per_page is None:
        return None
    root = comment
    while root.parent_id is not None:
        root = root.parent  # type: ignore[assignment]  # not None: parent_id is set
    earlier = Comment.objects.filter(
        content_type_id=root.content_type_id,
        object_pk=root.object_pk,
        status=Status.APPROVED,
        depth=1,
    ).filter(
        Q(submitted_at__lt=root.submitted_at) | Q(submitted_at=root.submitted_at, pk__lt=root.pk)
    )
    return earlier.count() // per_page + 1


def anchored_url(url: str, comment: Comment) -> str:
    """Return `url` (the object's page) leading to `comment`: its comment page and anchor."""
    parts = urlsplit(url)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name not in (PAGE_PARAMETER, REPLY_PARAMETER)
    ]
    page = page_of(comment)
    if page is not None:
        query.append((PAGE_PARAMETER, str(page)))
    return urlunsplit(parts._replace(query=urlencode(query), fragment=f"comment-{comment.pk}"))


def comment_url(comment: Comment) -> str | None:
    """Return the URL of a shown comment on its object's page; None when the object has none."""
    target = comment.content_object
    absolute_url = getattr(target, "get_absolute_url", None)
    return anchored_url(absolute_url(), comment) if absolute_url else None
