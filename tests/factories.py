"""Model instances for tests (factory_boy)."""

from __future__ import annotations

import factory

from moderation.models import Comment, Status
from site_demo.articles.models import Article


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Council debates budget, part {n}")
    slug = factory.Sequence(lambda n: f"council-budget-{n}")
    section = "City"
    standfirst = "A short summary."
    body = "First paragraph.\n\nSecond paragraph."
    author_name = "Staff reporter"


class CommentFactory(factory.django.DjangoModelFactory):
    """A stored comment, as if already decided; use submit_comment() to go through scoring."""

    class Meta:
        model = Comment

    content_object = factory.SubFactory(ArticleFactory)
    author_name = "Reader"
    author_email = "reader@example.org"
    content = "I think the council should publish the full budget before the vote."
    status = Status.APPROVED
