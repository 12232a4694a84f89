"""App config of the demo site's articles: the content readers comment on."""

from __future__ import annotations

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "site_demo.articles"
    label = "articles"
    verbose_name = "Articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from moderation import policies
        from site_demo.articles.models import Article

        # Like a newspaper's site: comments close a month after publication, or by hand.
        policies.register(
            Article, close_after=30, date_field="published_at", enable_field="comments_enabled"
        )
