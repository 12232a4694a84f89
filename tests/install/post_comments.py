"""Run in the project the install test made: post comments as a reader's browser would.

`python post_comments.py hamlet|django_comments COMMENTS_JSON` (with DJANGO_SETTINGS_MODULE
and the project on the path) creates an article, opens its page for each comment, fills in
the form found there (Hamlet's own, or django-contrib-comments'), posts it with the page's
hidden fields and CSRF cookie, follows the redirect, and prints what happened and what the
database then holds, as JSON. Under Hamlet's form it also follows the privacy notice's link.
Not a test module: the test runs it with the new venv's Python.
"""

from __future__ import annotations

import json
import re
import sys
import time
from html.parser import HTMLParser
from typing import Any

import django

# What the page after posting may tell the reader (Hamlet's form; django-contrib-comments').
MESSAGES = (
    "Thanks, your comment is published.",
    "Thanks, your comment is awaiting moderation.",
    "Thank you for your comment",
)
FORMS = {"hamlet": ("/hamlet/", None), "django_comments": ("/comments/", "post")}


class FormParser(HTMLParser):
    """The fields of the first form whose action contains `action_part`, as a browser sends."""

    def __init__(self, action_part: str) -> None:
        super().__init__()
        self.action_part = action_part
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.submit_names: list[str] = []
        self._in_form = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and self.action is None and self.action_part in attributes["action"]:
            self.action, self._in_form = attributes["action"], True
        elif self._in_form and tag == "input":
            if attributes.get("type") == "submit":
                self.submit_names.append(attributes.get("name", ""))
            elif "name" in attributes:
                self.fields[attributes["name"]] = attributes.get("value", "")
        elif self._in_form and tag == "textarea":
            self._textarea = attributes["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def main(form: str, comments: list[dict[str, str]]) -> dict[str, Any]:
    django.setup()
    from django.test import Client
    from news.models import Article

    from moderation.models import Comment

    article = Article.objects.create(
        title="The new cycle lane on Mill Street",
        slug="cycle-lane",
        body="The council opened the cycle lane on Mill Street on Monday.",
    )
    # The form's URL prefix in the guide's URLconf, and the submit button a reader clicks.
    action_part, submit = FORMS[form]
    # One browser per reader: each has its own cookies and CSRF token.
    readers = []
    for comment in comments:
        browser = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")
        page = browser.get(article.get_absolute_url())
        assert page.status_code == 200, page.status_code
        parser = FormParser(action_part)
        parser.feed(page.content.decode())
        assert parser.action is not None, f"no form posting to {action_part} on the page"
        readers.append((browser, parser, comment))
    if form == "hamlet":
        time.sleep(3.2)  # a person takes a moment: MIN_SUBMIT_SECONDS is 3 by default

    posts = []
    for browser, parser, comment in readers:
        data = {**parser.fields, **comment}
        if submit is not None:
            assert submit in parser.submit_names, parser.submit_names
            data[submit] = "Post"
        response = browser.post(parser.action, data, follow=True)
        text = response.content.decode()
        assert response.status_code == 200, text
        posts.append(
            {
                "redirects": [url for url, _ in response.redirect_chain],
                "says": [message for message in MESSAGES if message in text],
            }
        )
    page = Client(HTTP_HOST="localhost").get(article.get_absolute_url()).content.decode()

    result: dict[str, Any] = {
        "posts": posts,
        "shown": [comment["comment"] in page for comment in comments],
        "moderation": [
            Comment.objects.filter(content=comment["comment"])
            .values("status", "spam_score", "model_version", "origin_pk")
            .first()
            for comment in comments
        ],
    }
    if form == "hamlet":
        result["privacy"] = follow_privacy_link(page)
    if form == "django_comments":
        import django_comments

        result["django_comments"] = [
            django_comments.get_model()
            .objects.filter(comment=comment["comment"])
            .values("pk", "is_public", "is_removed")
            .first()
            for comment in comments
        ]
    return result


def follow_privacy_link(page: str) -> dict[str, Any]:
    """Open the page the notice under the comment form links to, as a reader clicking it."""
    from django.test import Client

    [url] = re.findall(r'class="comment-privacy-notice">.*?<a href="([^"]+)"', page, re.DOTALL)
    response = Client(HTTP_HOST="localhost").get(url)
    # The words a reader sees, whatever the template's tags and line breaks.
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    return {"url": url, "status": response.status_code, "text": text}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2]))))
