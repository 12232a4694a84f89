"""ApiKeyAuthentication: a client site's key in `Authorization: Bearer <key>` (or `Token <key>`),
found by prefix and compared by hash in keys.find_key(); documented as the schema's security.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from moderation.api.keys import find_key
from moderation.models import ApiKey

# "Token" is what DRF's own TokenAuthentication and many HTTP clients send.
KEYWORDS = (b"bearer", b"token")


class ApiKeyAuthentication(BaseAuthentication):
    """Authenticate a request by its API key; the request's user is None, its auth the ApiKey."""

    def authenticate(self, request: Request) -> tuple[None, ApiKey] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # no key sent: the permission check answers 401 with a hint
        if len(parts) != 2:
            raise AuthenticationFailed(
                gettext(
                    "The Authorization header must be 'Bearer <key>', with no spaces in the key."
                )
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raw = ""
        api_key = find_key(raw)
        if api_key is None:
            raise AuthenticationFailed(gettext("Unknown or revoked API key."))
        return None, api_key

    def authenticate_header(self, request: Request) -> str:
        # Without a WWW-Authenticate challenge DRF would turn 401 into 403.
        return 'Bearer realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Document ApiKeyAuthentication as HTTP bearer authentication in the OpenAPI schema."""

    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The site's 12-character API key: `Authorization: Bearer <key>`.",
        }
