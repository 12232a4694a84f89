"""A reader's browser without JavaScript: load an object's page, fill in the comment form as the
page rendered it (its hidden fields included), post it."""

from __future__ import annotations

import html
import re

from django.test import Client

POST_URL = "/comments/post/"
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?')


def form_fields(client: Client, url: str, **fields: str) -> dict[str, str]:
    """Return the fields the comment form on the page at `url` posts, filled in as a reader
    would (`fields` change or add any of them)."""
    page = client.get(url).content.decode()
    form = page[page.index('<section class="comment-form"') :]
    data = {name: html.unescape(value) for name, value in _HIDDEN.findall(form)}
    data |= {
        "name": "Olga",
        "email": "olga@example.org",
        "website": "",
        "comment": "I think the council should publish the full budget before the vote.",
        "website_confirm": "",
    }
    return {**data, **fields}


def post_comment(client: Client, url: str, **fields: str):
    """Post the form on the page at `url`; return the response (redirects not followed)."""
    return client.post(POST_URL, form_fields(client, url, **fields))
