"""A site without the `api` extra (issue 19): the comment form, the review queue, the checks and
the commands never import Django REST framework or drf-spectacular, and a site that include()s an
API without them is told how to add them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = sorted(
    path.stem
    for path in (ROOT / "moderation" / "management" / "commands").glob("*.py")
    if path.stem != "__init__"
)


@pytest.fixture(scope="module")
def visit(tmp_path_factory):
    """What tests/form_only_site/visit.py saw, run once in a Python where DRF cannot be imported."""
    folder = tmp_path_factory.mktemp("form-only-site")
    result = subprocess.run(
        [sys.executable, "-m", "tests.form_only_site.visit"],
        cwd=ROOT,
        # Not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (set in this process when they ran
        # first): a site's deploy checks rightly warn about it.
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "FORM_ONLY_SITE_DIR": str(folder),
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_form_only_site_checks_report_only_djangos_https_advice(visit):
    not_django_security = [c for c in visit["checks"] if not c.startswith("security.")]

    assert not_django_security == []


def test_every_management_command_loads_without_drf(visit):
    assert visit["commands"] == COMMANDS


def test_reader_posts_a_comment_through_the_article_page_without_drf(visit):
    assert visit["page"] == 200
    assert visit["post"] == 302
    assert visit["comments"] == [
        ["Olga", "The council should publish the full budget before the vote."]
    ]


def test_moderator_opens_the_review_queue_without_drf(visit):
    assert visit["queue"] == 200
    assert visit["queue_shows_comment"] is True


def test_form_only_site_never_imports_drf_or_drf_spectacular(visit):
    assert visit["loaded"] == []


def test_including_an_api_whose_apps_are_not_in_installed_apps_says_to_add_them(visit):
    assert visit["include_errors"] == {
        "moderation.api.urls": (
            'moderation.api.urls needs the API extra, but "rest_framework", "drf_spectacular" '
            'are not in INSTALLED_APPS. Add "rest_framework", "drf_spectacular", '
            '"drf_spectacular_sidecar" to INSTALLED_APPS; or take '
            "include('moderation.api.urls') out of your URLconf if no other site calls this API."
        ),
        "moderation.api.akismet_urls": (
            'moderation.api.akismet_urls needs the API extra, but "rest_framework" is not in '
            'INSTALLED_APPS. Add "rest_framework", "drf_spectacular", "drf_spectacular_sidecar" '
            "to INSTALLED_APPS; or take include('moderation.api.akismet_urls') out of your "
            "URLconf if no other site calls this API."
        ),
    }
    assert visit["loaded_after_include"] == []


def test_including_an_api_without_the_extra_says_how_to_install_it(visit):
    assert visit["include_errors_not_installed"] == {
        "moderation.api.urls": (
            'moderation.api.urls needs the API extra, but "rest_framework", "drf_spectacular" '
            'are not installed. Install it with `pip install "django-hamlet[api]"` and add '
            '"rest_framework", "drf_spectacular", "drf_spectacular_sidecar" to INSTALLED_APPS; '
            "or take include('moderation.api.urls') out of your URLconf if no other site calls "
            "this API."
        ),
        "moderation.api.akismet_urls": (
            'moderation.api.akismet_urls needs the API extra, but "rest_framework" is not '
            'installed. Install it with `pip install "django-hamlet[api]"` and add '
            '"rest_framework", "drf_spectacular", "drf_spectacular_sidecar" to INSTALLED_APPS; '
            "or take include('moderation.api.akismet_urls') out of your URLconf if no other "
            "site calls this API."
        ),
    }
