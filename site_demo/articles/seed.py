"""load_demo_content(): the demo articles, with comments sent through submit_comment()."""

from __future__ import annotations

from django.utils import timezone

from moderation import threads
from moderation.models import Comment
from moderation.submission import submit_comment
from site_demo.articles.demo_content import ARTICLES, DemoArticle, DemoComment
from site_demo.articles.models import Article

# Where `manage.py demo` serves by default; comments record the article's URL as seen there.
DEMO_BASE_URL = "http://127.0.0.1:8000"


def load_demo_content() -> int:
    """Create the demo articles and comments that do not exist yet; return how many were created.

    Articles are matched by slug and comments by (article, author name, text), so running it
    again creates nothing and leaves moderators' decisions alone.
    """
    created = 0
    for demo in ARTICLES:
        article, is_new = _get_or_create_article(demo)
        created += is_new
        for demo_comment in demo.comments:
            created += _submit_comment_once(article, demo_comment)
    return created


def _get_or_create_article(demo: DemoArticle) -> tuple[Article, bool]:
    return Article.objects.get_or_create(
        slug=demo.slug,
        defaults={
            "title": demo.title,
            "section": demo.section,
            "standfirst": demo.standfirst,
            "body": demo.body,
            "author_name": demo.author_name,
            "published_at": timezone.now() - demo.age,
            "comments_enabled": demo.comments_enabled,
        },
    )


def _submit_comment_once(article: Article, demo: DemoComment) -> bool:
    """Submit `demo` under `article` unless it is there already; return whether it was stored."""
    existing = Comment.objects.for_object(article).filter(
        author_name=demo.author_name, content=demo.content
    )
    if existing.exists():
        return False
    permalink = DEMO_BASE_URL + article.get_absolute_url()
    parent = None
    if demo.reply_to:
        # The comment it answers comes before it in the demo content, so it is stored already.
        parent = Comment.objects.for_object(article).filter(author_name=demo.reply_to).last()
    submission = submit_comment(
        article,
        **threads.reply_fields(parent),
        author_name=demo.author_name,
        author_email=demo.author_email,
        author_url=demo.author_url,
        content=demo.content,
        ip_address=demo.ip_address,
        user_agent=demo.user_agent,
        referrer=permalink,
        permalink=permalink,
        submitted_at=min(article.published_at + demo.after, timezone.now()),
    )
    return not submission.is_discarded
