"""Template tags that render a comment list and form under any object."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from moderation.conf import get_settings
from moderation.forms import CommentForm
from moderation.models import Comment

register = template.Library()


@register.inclusion_tag("moderation/comment_list.html")
def render_comment_list(target: models.Model) -> dict[str, Any]:
    """Render the published comments on `target`, oldest first."""
    return {"comments": Comment.objects.for_object(target).published(), "target": target}


@register.inclusion_tag("moderation/comment_form.html", takes_context=True)
def render_comment_form(context: template.Context, target: models.Model) -> dict[str, Any]:
    """Render the "Leave a Comment" form for `target`, with the privacy notice under it."""
    conf = get_settings()
    request = context.get("request")
    return {
        "form": CommentForm(target),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
        "privacy_url": conf["PRIVACY_URL"],
        "product_name": conf["PRODUCT_NAME"],
    }


@register.simple_tag
def get_comment_count(target: models.Model) -> int:
    """Return the number of published comments on `target`."""
    return Comment.objects.for_object(target).published().count()
