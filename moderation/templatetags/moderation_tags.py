"""Template tags that render a comment list and form under any object."""

from __future__ import annotations

import sys
from typing import Any

from django import template
from django.core.paginator import Paginator
from django.db import models
from django.http import QueryDict

from moderation.conf import get_settings
from moderation.forms import CommentForm
from moderation.models import Comment

register = template.Library()


# The query parameter choosing the page of comments; the other parameters of a URL are kept.
PAGE_PARAMETER = "comments_page"


@register.inclusion_tag("moderation/comment_list.html", takes_context=True)
def render_comment_list(context: template.Context, target: models.Model) -> dict[str, Any]:
    """Render the published comments on `target`, oldest first, COMMENTS_PER_PAGE at a time.

    Without a page in the URL the newest page shows, so a reader sees the latest comments and
    their own after posting; a page number out of range or not a number shows the nearest page.
    """
    comments = Comment.objects.for_object(target).published()
    per_page = get_settings()["COMMENTS_PER_PAGE"]
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    paginator = Paginator(comments, per_page or sys.maxsize)  # None: all on one page
    page = paginator.get_page(query.get(PAGE_PARAMETER) or paginator.num_pages)

    def url_of(number: int) -> str:
        query[PAGE_PARAMETER] = str(number)
        return f"?{query.urlencode()}#comments"

    return {
        "comments": page.object_list,
        "count": paginator.count,
        "page": page,
        "older_url": url_of(page.previous_page_number()) if page.has_previous() else "",
        "newer_url": url_of(page.next_page_number()) if page.has_next() else "",
        "target": target,
    }


@register.inclusion_tag("moderation/comment_form.html", takes_context=True)
def render_comment_form(context: template.Context, target: models.Model) -> dict[str, Any]:
    """Render the "Leave a Comment" form for `target`, with the privacy notice under it."""
    conf = get_settings()
    request = context.get("request")
    next_url = ""
    if request is not None:
        # Back to the newest page of comments after posting, where the reader's own will be.
        query = request.GET.copy()
        query.pop(PAGE_PARAMETER, None)
        next_url = request.path + (f"?{query.urlencode()}" if query else "")
    return {
        "form": CommentForm(target),
        "csrf_token": context.get("csrf_token"),
        "next": next_url,
        "privacy_url": conf["PRIVACY_URL"],
        "product_name": conf["PRODUCT_NAME"],
    }


@register.simple_tag
def get_comment_count(target: models.Model) -> int:
    """Return the number of published comments on `target`."""
    return Comment.objects.for_object(target).published().count()
