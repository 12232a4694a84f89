"""URLs of the JSON API; include() them under a prefix such as "api/v1/"."""

from __future__ import annotations

from django.urls import URLPattern, path

from moderation.api import require_api_apps

# Before the imports that need the `api` extra, so a site without it reads how to add it.
require_api_apps(__name__, "rest_framework", "drf_spectacular")

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView  # noqa: E402

from moderation.api import views  # noqa: E402

app_name = "moderation_api"

# The schema and its documentation page are public: they describe the API, not a site's data.
# No ReDoc page: drf-spectacular's ReDoc template loads fonts from Google, and the docs must
# work offline.
_public: dict[str, list[object]] = {"authentication_classes": [], "permission_classes": []}

urlpatterns: list[URLPattern] = [
    path("check/", views.CheckView.as_view(), name="check"),
    path("comments/", views.CommentListView.as_view(), name="comment-list"),
    # str, not int: a malformed id gets this API's JSON 404 rather than the site's HTML one.
    path("comments/<str:comment_id>/", views.CommentDetailView.as_view(), name="comment-detail"),
    path(
        "comments/<str:comment_id>/decision/",
        views.DecisionView.as_view(),
        name="comment-decision",
    ),
    path("model/", views.ModelView.as_view(), name="model"),
    path("key/", views.KeyView.as_view(), name="key"),
    path(
        "schema/",
        SpectacularAPIView.as_view(
            custom_settings={"PREPROCESSING_HOOKS": ["moderation.api.views.only_json_api"]},
            **_public,
        ),
        name="schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="moderation_api:schema", **_public),
        name="docs",
    ),
]
