"""Run the form-only site (Django REST framework installed here, but not in INSTALLED_APPS):
migrate, run every system check, load every command, post a comment through the article page,
open the review queue; then include() each API, first as it is, then with DRF and drf-spectacular
made unimportable as if the `api` extra were not installed. Print what happened as JSON for
tests/moderation/test_without_api.py to assert.

Run as `python -m tests.form_only_site.visit` with FORM_ONLY_SITE_DIR set to an empty folder.
"""

from __future__ import annotations

import json
import os
import re
import sys
from importlib import import_module

import django
from django.core.exceptions import ImproperlyConfigured

EXTRA = ("rest_framework", "drf_spectacular", "drf_spectacular_sidecar")
URLCONFS = ("moderation.api.urls", "moderation.api.akismet_urls")


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.form_only_site.settings"
    django.setup()
    # Only now: models and the test client need the app registry.
    from django.contrib.auth.models import User
    from django.core.checks import run_checks
    from django.core.management import call_command, get_commands, load_command_class
    from django.test import Client

    from moderation.models import Comment
    from tests.factories import ArticleFactory

    call_command("migrate", verbosity=0)
    report: dict[str, object] = {
        # What `manage.py check --deploy --database default` reports.
        "checks": [
            f"{message.id}: {message.msg}"
            for message in run_checks(include_deployment_checks=True, databases=["default"])
        ],
        "commands": sorted(
            name
            for name, app in get_commands().items()
            if app.startswith("moderation") and load_command_class(app, name)
        ),
    }

    article = ArticleFactory()
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.get_absolute_url())
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.content.decode()))
    posted = reader.post(
        "/comments/post/",
        {
            **fields,
            "name": "Olga",
            "email": "olga@example.org",
            "comment": "The council should publish the full budget before the vote.",
            "csrfmiddlewaretoken": reader.cookies["csrftoken"].value,
        },
    )
    moderator = Client()
    moderator.force_login(User.objects.create_superuser("moderator", "m@example.org", "pw"))
    queue = moderator.get("/admin/moderation/comment/")
    report |= {
        "page": page.status_code,
        "post": posted.status_code,
        "comments": list(Comment.objects.values_list("author_name", "content")),
        "queue": queue.status_code,
        "queue_shows_comment": "publish the full budget" in queue.content.decode(),
        "loaded": _loaded_from_extra(),
        "include_errors": {urlconf: _import_error(urlconf) for urlconf in URLCONFS},
        "loaded_after_include": _loaded_from_extra(),
    }
    # None in sys.modules makes `import rest_framework` raise ModuleNotFoundError and find_spec()
    # answer None, as when the package is not installed (the import system's own switch).
    for name in EXTRA:
        sys.modules[name] = None  # type: ignore[assignment]
    report["include_errors_not_installed"] = {
        urlconf: _import_error(urlconf) for urlconf in URLCONFS
    }
    print(json.dumps(report, indent=2))


def _loaded_from_extra() -> list[str]:
    return sorted(
        name
        for name, module in sys.modules.items()
        if module is not None and name.partition(".")[0] in EXTRA
    )


def _import_error(module: str) -> str:
    try:
        import_module(module)
    except ImproperlyConfigured as error:
        return str(error)
    return "imported"


if __name__ == "__main__":
    main()
