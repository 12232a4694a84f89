"""Which of django-contrib-comments' comments the site's own moderation held back."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models


class SiteHold(models.Model):
    """A comment the site saved hidden (its CommentModerator's moderate() said so).

    Hamlet's verdict may keep such a comment hidden but never publishes it; a moderator's
    approval, in Hamlet's queue or in django-contrib-comments' views, releases the hold.
    """

    # The comment model is django_comments.get_model(), which a site may swap (COMMENTS_APP).
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_pk = models.CharField(max_length=64)
    held_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_pk"], name="moderation_site_hold_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_pk} held by the site"
