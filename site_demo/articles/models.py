"""News articles of the demo site: the objects Hamlet's comments hang under."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone


class Section(models.TextChoices):
    WORLD = "World", "World"
    CITY = "City", "City"
    BUSINESS = "Business", "Business"
    SCIENCE = "Science", "Science"
    CULTURE = "Culture", "Culture"


class Article(models.Model):
    """A published news story; its body is plain text with paragraphs split by blank lines."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    section = models.CharField(max_length=40, choices=Section, default=Section.WORLD)
    standfirst = models.TextField(help_text="The one- or two-sentence summary under the headline.")
    body = models.TextField(help_text="Plain text; separate paragraphs with a blank line.")
    author_name = models.CharField(max_length=100)
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Hamlet's policy for articles (apps.py) closes comments when it is off, and 30 days on.
    comments_enabled = models.BooleanField(
        default=True, help_text="Untick to close comments on this article."
    )

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article_detail", kwargs={"slug": self.slug})

    def paragraphs(self) -> list[str]:
        """Return the body's paragraphs, without the blank lines between them."""
        blocks = self.body.replace("\r\n", "\n").split("\n\n")
        return [" ".join(block.split()) for block in blocks if block.strip()]
