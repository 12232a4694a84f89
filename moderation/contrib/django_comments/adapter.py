"""django-contrib-comments' Comment, read and moderated by Hamlet.

Its rows are held (`is_public=False`) until scored, then shown or kept hidden by the verdict.
Our moderators' decisions set `is_public` / `is_removed` and leave its moderator flags, as its
own moderation views do; a moderator who approves or deletes through those views is recorded
in our queue too, so the decision still becomes a label.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest
from django_comments.models import CommentFlag

from moderation import decisions
from moderation.adapters import CommentAdapter, adapter_for
from moderation.client_address import client_ip
from moderation.models import Action, Comment, Decision, Status

# (is_public, is_removed) for each of our statuses. Spam is hidden, not shown as "removed".
VISIBILITY = {
    Status.PENDING: (False, False),
    Status.APPROVED: (True, False),
    Status.SPAM: (False, False),
    Status.REMOVED: (False, True),
}
FLAG_FOR_ACTION = {
    Action.APPROVED: CommentFlag.MODERATOR_APPROVAL,
    Action.MARKED_NOT_SPAM: CommentFlag.MODERATOR_APPROVAL,
    Action.MARKED_SPAM: CommentFlag.MODERATOR_DELETION,
    Action.REMOVED: CommentFlag.MODERATOR_DELETION,
}
ACTION_FOR_FLAG = {
    CommentFlag.MODERATOR_APPROVAL: Action.APPROVED,
    CommentFlag.MODERATOR_DELETION: Action.REMOVED,
}


class DjangoCommentsAdapter(CommentAdapter):
    fields = {
        "content": "comment",
        "author_name": "name",
        "author_email": "email",
        "author_url": "url",
        "ip_address": "ip_address",
        "user": "user",
        "submitted_at": "submit_date",
    }
    target = "content_object"  # name, email and url fall back to the logged-in user's

    def write_status(self, obj: models.Model, status: Status) -> None:
        is_public, is_removed = VISIBILITY[status]
        type(obj)._default_manager.filter(pk=obj.pk).update(
            is_public=is_public, is_removed=is_removed
        )

    def decision_recorded(self, obj: models.Model, decision: Decision) -> None:
        flag = FLAG_FOR_ACTION.get(Action(decision.action))
        if flag is not None and decision.moderator is not None:
            CommentFlag.objects.get_or_create(comment=obj, user=decision.moderator, flag=flag)


def hold_until_scored(
    sender: type[models.Model],
    comment: models.Model,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    """Keep a new comment hidden until Hamlet's verdict (comment_will_be_posted), with the
    client's address as our own form takes it (its view stores REMOTE_ADDR: behind a proxy,
    the proxy's)."""
    comment.is_public = False  # type: ignore[attr-defined]
    if request is not None:
        comment.ip_address = client_ip(request)  # type: ignore[attr-defined]


def moderated_in_django_comments(
    sender: type[models.Model],
    comment: models.Model,
    flag: CommentFlag,
    created: bool,
    request: Any = None,
    **kwargs: Any,
) -> None:
    """Record an approval or deletion made in django-contrib-comments' own moderation views."""
    action = ACTION_FOR_FLAG.get(flag.flag)
    ours = Comment.objects.filter(
        origin_type=ContentType.objects.get_for_model(comment), origin_pk=str(comment.pk)
    ).first()
    if action is None or not created or ours is None or adapter_for(ours) is None:
        return
    decisions.record_decision(ours, action, flag.user, note="in django-contrib-comments")
