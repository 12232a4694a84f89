"""Template tags that render a comment list and form under any object, and count its comments.

Each takes the object with or without django-contrib-comments' `for`, so a template written
for either app works: `{% render_comment_list for article %}` or `{% render_comment_list
article %}`, and `{% get_comment_count for article as n %}` or `{% get_comment_count article
as n %}`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django import template
from django.core.paginator import Paginator
from django.db import models
from django.http import QueryDict
from django.shortcuts import resolve_url
from django.template.base import FilterExpression, Parser, Token
from django.template.loader import render_to_string

from moderation.conf import get_settings
from moderation.forms import CommentForm
from moderation.models import Comment

register = template.Library()


# The query parameter choosing the page of comments; the other parameters of a URL are kept.
PAGE_PARAMETER = "comments_page"


def comment_list_context(context: template.Context, target: models.Model) -> dict[str, Any]:
    """Return what moderation/comment_list.html shows: `target`'s published comments, oldest
    first, COMMENTS_PER_PAGE at a time.

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


def comment_form_context(context: template.Context, target: models.Model) -> dict[str, Any]:
    """Return what moderation/comment_form.html shows: the "Leave a Comment" form for
    `target`, with the privacy notice under it."""
    conf = get_settings()
    request = context.get("request")
    next_url = ""
    if request is not None:
        # Back to the newest page of comments after posting, where the reader's own will be.
        query = request.GET.copy()
        query.pop(PAGE_PARAMETER, None)
        next_url = request.path + (f"?{query.urlencode()}" if query else "")
    privacy_url = conf["PRIVACY_URL"]
    return {
        "form": CommentForm(target),
        "csrf_token": context.get("csrf_token"),
        "next": next_url,
        # A URL name ("moderation:privacy") or a URL, as Django's LOGIN_URL; check W005.
        "privacy_url": resolve_url(privacy_url) if privacy_url else "",
        "product_name": conf["PRODUCT_NAME"],
    }


def count_comments(target: models.Model) -> int:
    """Return the number of published comments on `target`."""
    return Comment.objects.for_object(target).published().count()


class RenderedNode(template.Node):
    """`{% render_comment_list %}` or `{% render_comment_form %}`: a template, filled in."""

    def __init__(
        self,
        template_name: str,
        values: Callable[[template.Context, models.Model], dict[str, Any]],
        target: FilterExpression,
    ) -> None:
        self.template_name = template_name
        self.values = values
        self.target = target

    def render(self, context: template.Context) -> str:
        target = self.target.resolve(context)
        # Only its own values, as an inclusion tag's template sees: nothing of the page leaks in.
        return render_to_string(self.template_name, self.values(context, target))


class CountNode(template.Node):
    """`{% get_comment_count %}`: the number, printed or stored `as` a variable."""

    def __init__(self, target: FilterExpression, variable: str | None) -> None:
        self.target = target
        self.variable = variable

    def render(self, context: template.Context) -> str:
        count = count_comments(self.target.resolve(context))
        if self.variable is None:
            return str(count)
        context[self.variable] = count
        return ""


def parse_target(
    parser: Parser, token: Token, *, takes_as: bool = False
) -> tuple[FilterExpression, str | None]:
    """Return the object of `{% tag [for] OBJECT [as NAME] %}` and NAME (None without `as`).

    Raise TemplateSyntaxError, showing the forms the tag takes, for anything else.
    """
    name, *bits = token.split_contents()
    if bits[:1] == ["for"]:
        bits = bits[1:]
    variable = None
    if takes_as and len(bits) == 3 and bits[1] == "as":
        bits, variable = bits[:1], bits[2]
    if len(bits) == 1 and bits[0] != "as":
        return parser.compile_filter(bits[0]), variable
    usage = f"{{% {name} for article %}} or {{% {name} article %}}"
    if takes_as:
        usage = f"{{% {name} for article as n %}} or {{% {name} article as n %}}"
    problem = f"{{% {token.contents} %}}: {name} takes one object, as in {usage}."
    if len(bits) >= 2 and "." in bits[0]:
        # django-contrib-comments' `for app.model pk` names a row we would have to look up.
        problem += " The app.model and id form of django-contrib-comments is not supported."
    raise template.TemplateSyntaxError(problem)


@register.tag
def render_comment_list(parser: Parser, token: Token) -> RenderedNode:
    """Render the published comments on an object: `{% render_comment_list [for] article %}`."""
    target, _ = parse_target(parser, token)
    return RenderedNode("moderation/comment_list.html", comment_list_context, target)


@register.tag
def render_comment_form(parser: Parser, token: Token) -> RenderedNode:
    """Render the comment form for an object: `{% render_comment_form [for] article %}`."""
    target, _ = parse_target(parser, token)
    return RenderedNode("moderation/comment_form.html", comment_form_context, target)


@register.tag
def get_comment_count(parser: Parser, token: Token) -> CountNode:
    """Print or store the number of published comments on an object:
    `{% get_comment_count [for] article [as n] %}`."""
    target, variable = parse_target(parser, token, takes_as=True)
    return CountNode(target, variable)
