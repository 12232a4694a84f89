"""A blog's posts and its own comment model, which Hamlet moderates through an adapter."""

from __future__ import annotations

from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.title


class PostComment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField()
    name = models.CharField(max_length=300)
    email = models.CharField(max_length=300, blank=True)
    website = models.CharField(max_length=300, blank=True, null=True)  # noqa: DJ001  (sites do)
    ip = models.GenericIPAddressField(null=True, blank=True)
    approved = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:30]}"
