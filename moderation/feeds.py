"""Atom feeds of the comments readers see: the latest on the whole site, and the latest on one
object. Each entry links to the comment on its object's page (#comment-<id>); routed in urls.py.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext

from moderation import threads
from moderation.conf import get_settings
from moderation.models import ApiKey, Comment

# Entries in a feed: WordPress's default, posts_per_rss, is 10.
FEED_LENGTH = 20


def feed_comments(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    """Return the newest of `comments` a feed shows: those shown on the site's own pages.

    Not the comments of an API client's site, which live on that site's pages, nor the rows a
    site's own comment model holds (adapters.py): its templates give them their own anchors.
    """
    depth = get_settings()["REPLY_DEPTH"]
    return (
        threads.shown(comments)
        .exclude(content_type=ContentType.objects.get_for_model(ApiKey))
        .filter(origin_type__isnull=True)
        .select_related(*(["__".join(["parent"] * (depth - 1))] if depth > 1 else []))
        .prefetch_related("content_object")
        .order_by("-submitted_at", "-pk")[:FEED_LENGTH]
    )


def feed_url_for(target: models.Model | None) -> str:
    """Return the path of the feed of `target`'s comments (None: the site's latest); "" when
    moderation.urls is not included, or `target` is no page of its own."""
    try:
        if target is None:
            return reverse("moderation:latest_comments_feed")
        if not hasattr(target, "get_absolute_url"):
            return ""
        content_type = ContentType.objects.get_for_model(target)
        return reverse("moderation:comment_feed", args=[content_type.pk, str(target.pk)])
    except NoReverseMatch:
        return ""


class LatestCommentsFeed(Feed):
    """The latest comments shown anywhere on the site."""

    feed_type = Atom1Feed
    link = "/"

    def title(self) -> str:
        return gettext("Latest comments")

    def items(self) -> QuerySet[Comment]:
        return feed_comments(Comment.objects.all())

    def item_title(self, item: Comment) -> str:
        # Plain text: the feed generator escapes it for XML, and Atom titles are not HTML.
        return gettext("%(author)s on %(object)s") % {
            "author": item.author_name,
            "object": item.content_object,
        }

    def item_description(self, item: Comment) -> str:
        # The entry's summary is HTML: the reader's text is escaped, then split in paragraphs.
        return linebreaks(item.content, autoescape=True)

    def item_link(self, item: Comment) -> str:
        return threads.comment_url(item) or "/"

    def item_guid(self, item: Comment) -> str:
        return f"urn:uuid:{item.guid}"

    item_guid_is_permalink = False

    def item_author_name(self, item: Comment) -> str:
        return item.author_name

    def item_pubdate(self, item: Comment) -> datetime:
        return item.submitted_at


class ObjectCommentsFeed(LatestCommentsFeed):
    """The latest comments shown on one object's page."""

    def get_object(  # type: ignore[override]
        self, request: HttpRequest, content_type_id: int, object_pk: str
    ) -> models.Model:
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type is not None else None
        # An API key's comments belong to its client's site; an object with no page has none.
        if model is None or model is ApiKey or not hasattr(model, "get_absolute_url"):
            raise Http404("No such page.")
        try:
            return model._default_manager.get(pk=object_pk)
        except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
            raise Http404("No such page.") from exc

    def title(self, obj: models.Model) -> str:  # type: ignore[override]
        return gettext("Comments on %(object)s") % {"object": obj}

    def link(self, obj: models.Model) -> str:  # type: ignore[override]
        return str(obj.get_absolute_url())  # type: ignore[attr-defined]

    def items(self, obj: models.Model) -> QuerySet[Comment]:  # type: ignore[override]
        return feed_comments(Comment.objects.for_object(obj))
