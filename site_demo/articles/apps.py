"""App config of the demo site's articles: the content readers comment on."""

from __future__ import annotations

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "site_demo.articles"
    label = "articles"
    verbose_name = "Articles"
    default_auto_field = "django.db.models.BigAutoField"
