"""django-contrib-comments' Comment, read and moderated by Hamlet.

Its rows are held (`is_public=False`) until scored, then shown or kept hidden by the verdict.
The site's own CommentModerator still decides first: its allow() may refuse a comment, and a
comment its moderate() holds stays hidden whatever our verdict (a SiteHold), until a moderator
approves it. Our moderators' decisions set `is_public` / `is_removed` and leave its moderator
flags, as its own moderation views do; a moderator who approves or deletes through those views
is recorded in our queue too, so the decision still becomes a label.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django_comments.models import CommentFlag

from moderation import decisions
from moderation.adapters import CommentAdapter, adapter_for
from moderation.client_address import client_ip
from moderation.contrib.django_comments.models import SiteHold
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
        row = type(obj)._default_manager.filter(pk=obj.pk)
        if is_public and holds_of(obj).exists():
            # Our verdict only ever adds moderation: the site's own moderator held it, so
            # neither ham nor a recheck shows it. A moderator's approval releases the hold.
            row.update(is_removed=is_removed)
        else:
            row.update(is_public=is_public, is_removed=is_removed)

    def decision_recorded(self, obj: models.Model, decision: Decision) -> None:
        if decision.status_after == Status.APPROVED and holds_of(obj).delete()[0]:
            # A person looked and approved it: the review the site's own moderator asked for.
            type(obj)._default_manager.filter(pk=obj.pk).update(is_public=True)
        flag = FLAG_FOR_ACTION.get(Action(decision.action))
        if flag is not None and decision.moderator is not None:
            CommentFlag.objects.get_or_create(comment=obj, user=decision.moderator, flag=flag)


def holds_of(comment: models.Model) -> QuerySet[SiteHold]:
    """Return the site's hold on `comment`, if its own moderation held it (at most one)."""
    return SiteHold.objects.filter(
        content_type=ContentType.objects.get_for_model(comment), object_pk=str(comment.pk)
    )


# Set on a new row between its pre_save and post_save: the site held it before we did.
_HELD_BY_SITE = "_moderation_held_by_site"


def take_client_address(
    sender: type[models.Model],
    comment: models.Model,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    """Store the client's address as our own form takes it (comment_will_be_posted); its view
    stores REMOTE_ADDR, which behind a proxy is the proxy's."""
    if request is not None:
        comment.ip_address = client_ip(request)  # type: ignore[attr-defined]


def hold_until_scored(
    sender: type[models.Model], instance: models.Model, raw: bool, **kwargs: Any
) -> None:
    """Save a new comment hidden until Hamlet's verdict (pre_save), noting whether the site
    already hid it."""
    # pre_save, not comment_will_be_posted: it comes after every receiver of that signal,
    # whatever their order, so the site's CommentModerator has had its say on is_public.
    if raw or not instance._state.adding:
        return
    setattr(instance, _HELD_BY_SITE, not instance.is_public)  # type: ignore[attr-defined]
    instance.is_public = False  # type: ignore[attr-defined]


def remember_site_hold(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    """Record a SiteHold for a new comment the site saved hidden (post_save)."""
    if created and getattr(instance, _HELD_BY_SITE, False):
        SiteHold.objects.create(
            content_type=ContentType.objects.get_for_model(instance), object_pk=str(instance.pk)
        )


def forget_site_hold(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """Delete the hold on a deleted comment (post_delete)."""
    holds_of(instance).delete()


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
