"""Pages of the demo news site: the front page, an article with its comments, the privacy page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from site_demo.articles.models import Article


def home(request: HttpRequest) -> HttpResponse:
    """Render the front page: every article, newest first."""
    return render(request, "articles/home.html", {"articles": Article.objects.all()})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Render one article; the comment list and form come from Hamlet's template tags."""
    article = get_object_or_404(Article, slug=slug)
    return render(request, "articles/article.html", {"article": article})


def privacy(request: HttpRequest) -> HttpResponse:
    """Render what the site stores about commenters, and where it goes."""
    return render(request, "articles/privacy.html")
