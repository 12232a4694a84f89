"""Hamlet's German catalog (moderation/locale/de): complete and compiled, and what a reader, a
moderator and an API client get from a German site, or asking for German, or from an English one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

import moderation
from moderation.api.keys import create_key
from moderation.models import Status
from tests.factories import CommentFactory

APP = Path(moderation.__file__).parent
CATALOG = APP / "locale" / "de" / "LC_MESSAGES"
CHANGELIST = reverse("admin:moderation_comment_changelist")


def compile_catalog(po: str | Path, mo: str | Path = os.devnull) -> str:
    """Compile `po` with GNU msgfmt, checking its formats, and return its statistics."""
    done = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(mo), str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stderr.strip()


def msgunfmt(mo: Path) -> str:
    """Return a compiled catalog as PO text, messages sorted: the same for the same catalog."""
    done = subprocess.run(["msgunfmt", str(mo)], capture_output=True, text=True, check=True)
    return done.stdout


def test_every_marked_string_has_a_german_translation(tmp_path, settings, monkeypatch):
    settings.LOCALE_PATHS = []  # makemessages would write into a site's catalogs too
    ignored = shutil.ignore_patterns("default_model", "corpus", "static", "__pycache__", "*.mo")
    copy = shutil.copytree(APP, tmp_path / "moderation", ignore=ignored)
    monkeypatch.chdir(copy)

    call_command("makemessages", locale=["de"], add_location="file", verbosity=0)

    # A string marked since the catalog was made is untranslated; one changed is fuzzy.
    statistics = compile_catalog("locale/de/LC_MESSAGES/django.po")
    assert re.fullmatch(r"\d+ translated messages\.", statistics), statistics


def test_the_shipped_catalog_is_compiled_from_its_po_file(tmp_path):
    compiled = tmp_path / "django.mo"

    statistics = compile_catalog(CATALOG / "django.po", compiled)

    assert re.fullmatch(r"\d+ translated messages\.", statistics), statistics
    assert msgunfmt(CATALOG / "django.mo") == msgunfmt(compiled)


@pytest.fixture(
    params=[("de", "LANGUAGE_CODE"), ("de", "Accept-Language"), ("en", "LANGUAGE_CODE")],
    ids=["German site", "German visitor", "English site"],
)
def visitor(request, settings, german_catalog):
    """The language a visitor should be answered in, and their client: German from the site's
    LANGUAGE_CODE or from the request's Accept-Language (on an English site), or English."""
    language, asked_by = request.param
    if asked_by == "LANGUAGE_CODE":
        settings.LANGUAGE_CODE = language
        return language, Client()
    return language, Client(headers={"Accept-Language": language})


def missing(texts, page):
    return [text for text in texts if text not in page]


FORM_TEXTS = {
    "de": [
        "<h2>Einen Kommentar schreiben</h2>",
        "<h2>0 Kommentare</h2>",
        "Noch keine Kommentare. Schreiben Sie den ersten.",
        'for="id_comment">Kommentar <span aria-hidden="true">*</span>',
        "Dieses Feld leer lassen",  # the honeypot's label
        "<small>Wird nicht veröffentlicht.</small>",
        '<button type="submit">Kommentar abschicken</button>',
        "Diese Website nutzt Hamlet gegen Spam.",
    ],
    "en": [
        "<h2>Leave a Comment</h2>",
        "<h2>0 comments</h2>",
        "No comments yet. Be the first to comment.",
        'for="id_comment">Comment <span aria-hidden="true">*</span>',
        "Leave this field empty",
        "<small>Not published.</small>",
        '<button type="submit">Post Comment</button>',
        "This site uses Hamlet to reduce spam.",
    ],
}


def test_the_comment_form_under_an_article_is_in_the_visitors_language(visitor, article, settings):
    settings.MODERATION = {**settings.MODERATION, "PRODUCT_NAME": "Hamlet"}
    language, client = visitor

    response = client.get(article.get_absolute_url())

    assert response["Content-Language"] == language
    assert missing(FORM_TEXTS[language], response.content.decode()) == []


QUEUE_TEXTS = {
    "de": [
        "<title>Moderationswarteschlange |",
        'aria-current="page">Zur Prüfung <span class="count">1</span>',  # the status tab
        "Kommentar und warum er so eingeordnet wurde",  # a column
        '<option value="approve_selected">Ausgewählte Kommentare freigeben</option>',
        'title="Freigeben (Taste a)">Freigeben</button>',
        "Wartende Kommentare neu prüfen",
        "<summary>Filter",
        "Inhaltstyp",  # a filter's title
    ],
    "en": [
        "<title>Comment review queue |",
        'aria-current="page">Pending <span class="count">1</span>',
        "Comment, and why it was filed so",
        '<option value="approve_selected">Approve selected comments</option>',
        'title="Approve (key a)">Approve</button>',
        "Recheck pending comments",
        "<summary>Filters",
        "content type",
    ],
}


def test_the_review_queue_is_in_the_moderators_language(visitor, moderator, active_model):
    CommentFactory(status=Status.PENDING)
    language, client = visitor
    client.force_login(moderator)

    response = client.get(CHANGELIST, {"status__exact": "pending"})

    assert response["Content-Language"] == language
    assert missing(QUEUE_TEXTS[language], response.content.decode()) == []


@pytest.fixture
def raw_key(db):
    return create_key("Riverside Gazette", ["news.example"])[1]


API_ERRORS = {
    "de": {
        "unknown key": (401, {"detail": "Unbekannter oder widerrufener API-Schlüssel."}),
        "invalid fields": (
            400,
            {
                "content": ["Dieses Feld ist zwingend erforderlich."],  # DRF's own catalog
                "author_name": ["Nullzeichen sind nicht erlaubt."],
            },
        ),
        "too many fields": (
            400,
            {"detail": "Die Anfrage enthält mehr Felder, als dieser Server annimmt."},
        ),
    },
    "en": {
        "unknown key": (401, {"detail": "Unknown or revoked API key."}),
        "invalid fields": (
            400,
            {
                "content": ["This field is required."],
                "author_name": ["Null characters are not allowed."],
            },
        ),
        "too many fields": (
            400,
            {"detail": "The request has more fields than this server accepts."},
        ),
    },
}
FLOOD = "&".join(f"f{n}=" for n in range(1001))


def test_json_api_errors_are_in_the_clients_language(visitor, raw_key):
    language, client = visitor
    key = {"Authorization": f"Bearer {raw_key}"}
    nul = {"author_name": "Olga\x00"}

    answers = {
        "unknown key": client.get("/api/v1/key/", headers={"Authorization": "Bearer 0123456789ab"}),
        "invalid fields": client.post("/api/v1/check/", nul, "application/json", headers=key),
        "too many fields": client.get(f"/api/v1/key/?{FLOOD}", headers=key),
    }

    assert {case: (r.status_code, r.json()) for case, r in answers.items()} == API_ERRORS[language]


def test_the_akismet_api_answers_in_english_whatever_the_language(visitor, raw_key):
    _, client = visitor
    body = f"api_key={raw_key}&blog=https://news.example/&user_ip=203.0.113.7"

    response = client.generic(
        "POST", f"/akismet/1.1/comment-check?{FLOOD}", body, "application/x-www-form-urlencoded"
    )

    english = "The request has more fields than this server accepts."
    assert (response.status_code, response.content.decode()) == (400, english)
    assert response["X-akismet-debug-help"] == english
