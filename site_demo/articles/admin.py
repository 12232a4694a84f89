"""Admin for the demo site's articles, next to Hamlet's comment review queue."""

from __future__ import annotations

from django.contrib import admin

from site_demo.articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "section", "author_name", "published_at", "comments_enabled"]
    list_filter = ["section", "comments_enabled"]
    search_fields = ["title", "standfirst", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
