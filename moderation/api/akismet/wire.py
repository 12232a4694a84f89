"""The Akismet wire format: form-encoded requests in the declared charset, the key where
clients put it, plain-text answers whatever the client asks for.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

from django.core.exceptions import DisallowedHost
from django.http import QueryDict
from django.utils.http import parse_header_parameters
from rest_framework import exceptions, parsers
from rest_framework.authentication import BaseAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from moderation.api.keys import KEY_LENGTH, find_key
from moderation.models import ApiKey


class PlainTextRenderer(BaseRenderer):
    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data: Any, media_type: str | None = None, context: Any = None) -> bytes:
        return ("" if data is None else str(data)).encode(self.charset)


class OneFormatNegotiation(DefaultContentNegotiation):
    """Answer in the view's one format whatever Accept or ?format= say: clients send anything."""

    def select_renderer(
        self, request: Request, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type


class StrictFormParser(parsers.FormParser):
    """Parse a urlencoded body, refusing bytes that are not text in the declared charset.

    Django's parsing would replace them silently; a client whose text arrives mangled should
    hear so. The charset is the Content-Type's, else `blog_charset` (or `charset`), else UTF-8.
    """

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> QueryDict:
        pairs = [
            (_unquote(name), _unquote(value))
            for name, _, value in (item.partition(b"=") for item in stream.read().split(b"&"))
            if name
        ]
        charset = declared_charset(media_type or "", dict(pairs))
        data = QueryDict(mutable=True)
        try:
            for name, value in pairs:
                data.appendlist(name.decode(charset), value.decode(charset))
        except UnicodeError as exc:  # punycode raises the base class
            raise exceptions.ParseError(f"The request body is not valid {charset} text.") from exc
        return data


def _unquote(raw: bytes) -> bytes:
    return unquote_to_bytes(raw.replace(b"+", b" "))


def declared_charset(content_type: str, fields: Mapping[bytes, bytes]) -> str:
    """Return the first known charset the request declares, or utf-8."""
    _, params = parse_header_parameters(content_type)
    candidates = [params.get("charset", "").encode(), fields.get(b"blog_charset", b"")]
    candidates.append(fields.get(b"charset", b""))
    for candidate in candidates:
        try:
            codec = codecs.lookup(candidate.decode("ascii").strip())
        except (LookupError, UnicodeDecodeError):
            continue  # absent or unknown: lenient, like Akismet, try the next one
        # rot13, base64, zlib...: codecs, but not of text.
        if getattr(codec, "_is_text_encoding", True):
            return codec.name
    return "utf-8"


class AkismetKeyAuthentication(BaseAuthentication):
    """Find the key where Akismet clients put it; never refuse, so a bad key hears `invalid`."""

    def authenticate(self, request: Request) -> tuple[None, ApiKey] | None:
        api_key = find_key(raw_key(request))
        return None if api_key is None else (None, api_key)


def raw_key(request: Request) -> str:
    """Return the key a request carries: body api_key, body key, query api_key, Host label."""
    for value in (
        request.data.get("api_key"),
        request.data.get("key"),
        request.query_params.get("api_key"),
    ):
        if isinstance(value, str) and value.strip():
            return value.strip()
    try:
        host = request.get_host().rsplit(":", 1)[0]
    except DisallowedHost:
        return ""
    # Older clients (akismet-api, python-akismet) send https://KEY.rest.akismet.com/1.1/...
    label, _, rest = host.partition(".")
    return label if rest and len(label) == KEY_LENGTH else ""


def wire_form(request: Request) -> dict[str, str]:
    """Return the request's parameters, body over query string, as stripped strings."""
    form: dict[str, str] = {}
    for params in (request.query_params, request.data):
        for name in params:
            value = params.get(name)  # a repeated key's last value, as PHP reads it
            if isinstance(value, str):
                # PostgreSQL refuses NUL in text; no client means one.
                form[name] = value.replace("\x00", "").strip()
    return form
