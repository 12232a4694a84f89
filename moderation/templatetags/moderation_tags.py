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
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import QueryDict
from django.shortcuts import resolve_url
from django.template.base import FilterExpression, Parser, Token
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from moderation import policies, threads
from moderation.conf import get_settings
from moderation.feeds import feed_url_for
from moderation.forms import CommentForm
from moderation.models import Comment
from moderation.threads import PAGE_PARAMETER, REPLY_PARAMETER

register = template.Library()


def comment_list_context(context: template.Context, target: models.Model) -> dict[str, Any]:
    """Return what moderation/comment_list.html shows: `target`'s shown comments, oldest
    first, COMMENTS_PER_PAGE at a time, each with its replies nested under it.

    Without a page in the URL the newest page shows, so a reader sees the latest comments and
    their own after posting; a page number out of range or not a number shows the nearest page.
    """
    on_target = Comment.objects.for_object(target)
    per_page = get_settings()["COMMENTS_PER_PAGE"]
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query.pop(REPLY_PARAMETER, None)
    # Pages of comments on the object itself; each carries its thread.
    paginator = Paginator(on_target.published().filter(depth=1), per_page or sys.maxsize)
    page = paginator.get_page(query.get(PAGE_PARAMETER) or paginator.num_pages)
    replies = list(threads.shown(on_target).filter(depth__gt=1))

    def url_of(number: int) -> str:
        query[PAGE_PARAMETER] = str(number)
        return f"?{query.urlencode()}#comments"

    is_open = policies.closure(target) is None

    def reply_url(comment: Comment) -> str:
        if not is_open:
            return ""
        asked = query.copy()
        asked[PAGE_PARAMETER] = str(page.number)
        asked[REPLY_PARAMETER] = str(comment.pk)
        return f"?{asked.urlencode()}#respond"

    return {
        "branches": threads.branches(page.object_list, replies, reply_url),
        "count": paginator.count + len(replies),
        "page": page,
        "older_url": url_of(page.previous_page_number()) if page.has_previous() else "",
        "newer_url": url_of(page.next_page_number()) if page.has_next() else "",
        "target": target,
        "feed_url": feed_url_for(target),
    }


def comment_form_context(context: template.Context, target: models.Model) -> dict[str, Any]:
    """Return what moderation/comment_form.html shows: the "Leave a Comment" form for
    `target`, with the privacy notice under it."""
    conf = get_settings()
    request = context.get("request")
    closure = policies.closure(target)
    if closure is not None:
        return {"closed_reason": closure.reason}
    next_url, cancel_url, parent = "", "", None
    if request is not None:
        # Back to the newest page of comments after posting, where the reader's own will be
        # (a reply goes back to its thread's page: views.py).
        query = request.GET.copy()
        query.pop(PAGE_PARAMETER, None)
        asked = query.pop(REPLY_PARAMETER, None)
        next_url = request.path + (f"?{query.urlencode()}" if query else "")
        if asked:
            parent = _parent_asked(target, asked[-1])
            back = request.GET.copy()
            back.pop(REPLY_PARAMETER)
            cancel_url = request.path + (f"?{back.urlencode()}" if back else "") + "#respond"
    form = CommentForm(target)
    if parent is not None:
        form.initial["parent"] = str(parent.pk)
    privacy_url = conf["PRIVACY_URL"]
    return {
        "form": form,
        "replying_to": parent,
        "cancel_url": cancel_url,
        "csrf_token": context.get("csrf_token"),
        "next": next_url,
        # A URL name ("moderation:privacy") or a URL, as Django's LOGIN_URL; check W005.
        "privacy_url": resolve_url(privacy_url) if privacy_url else "",
        "product_name": conf["PRODUCT_NAME"],
    }


def _parent_asked(target: models.Model, comment_id: str) -> Comment | None:
    """Return the comment ?replytocom= names, if a reader may answer it; else None (a plain
    form: the link was old, or made up)."""
    try:
        return threads.find_parent(target, comment_id)
    except ValidationError:
        return None


def count_comments(target: models.Model) -> int:
    """Return the number of comments shown on `target`."""
    return threads.shown(Comment.objects.for_object(target)).count()


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


@register.simple_tag
def comment_feed_link(target: models.Model | None = None) -> SafeString | str:
    """Return the <link rel="alternate"> of the Atom feed of `target`'s comments, or of the
    latest comments on the site without one: `{% comment_feed_link article %}` in <head>."""
    url = feed_url_for(target)
    if not url:
        return ""
    if target is None:
        title = gettext("Latest comments")
    else:
        title = gettext("Comments on %(object)s") % {"object": target}
    return format_html(
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">', title, url
    )
