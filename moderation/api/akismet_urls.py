"""URLs of the Akismet-compatible API; include() them under a prefix such as "akismet/".

The paths are rest.akismet.com's, so a client keeps its own "1.1/..." and "1.2/..." paths and
only its base URL changes.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from moderation.api import require_api_apps

# Before the import that needs the `api` extra: the Akismet views are DRF views too.
require_api_apps(__name__, "rest_framework")

from moderation.api.akismet import views as akismet  # noqa: E402

app_name = "akismet"

urlpatterns: list[URLPattern] = [
    path("1.1/verify-key", akismet.VerifyKeyView.as_view(), name="verify-key"),
    path("1.1/comment-check", akismet.CommentCheckView.as_view(), name="comment-check"),
    path("1.1/submit-spam", akismet.SubmitView.as_view(is_spam=True), name="submit-spam"),
    path("1.1/submit-ham", akismet.SubmitView.as_view(is_spam=False), name="submit-ham"),
    path("1.2/usage-limit", akismet.UsageLimitView.as_view(), name="usage-limit"),
    path("1.2/key-sites", akismet.KeySitesView.as_view(), name="key-sites"),
    *[
        path(f"1.1/{call}", akismet.PluginCallView.as_view(endpoint=call), name=call)
        for call in ("get-stats", "get-subscription", "token", "deactivate", "verify-wpcom-key")
    ],
]
