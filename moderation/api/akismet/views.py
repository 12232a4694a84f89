"""The Akismet endpoints as DRF views: the key and the required fields checked, the answer in
Akismet's exact bodies and headers.
"""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from rest_framework import exceptions, parsers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation.api.akismet.account import key_sites, key_sites_csv, key_stats, usage_limit
from moderation.api.akismet.comments import check_comment, report_comment
from moderation.api.akismet.wire import (
    AkismetKeyAuthentication,
    OneFormatNegotiation,
    PlainTextRenderer,
    StrictFormParser,
    wire_form,
)
from moderation.api.errors import BodyTooLarge, DatabaseUnavailable, as_api_error
from moderation.api.keys import allows_blog
from moderation.api.limits import body_too_large
from moderation.api.throttling import ApiRateThrottle
from moderation.models import ApiKey

THANKS = "Thanks for making the web a better place."
DEBUG_HELP = "X-akismet-debug-help"
# The WordPress plugin's retry interval for a comment it got no answer for.
RECHECK_AFTER_SECONDS = 1200


def text(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status=status, headers=headers)


def invalid(why: str) -> Response:
    return text("invalid", headers={DEBUG_HELP: why})


def missing(field: str) -> Response:
    # Akismet answers a missing field with HTTP 200 and a sentence, not a 4xx.
    return text(f"Missing required field: {field}.", headers={DEBUG_HELP: f'Empty "{field}" value'})


class AkismetView(APIView):
    """Base of the endpoints: the key from anywhere, text answers, no CSRF (no session auth)."""

    authentication_classes = [AkismetKeyAuthentication]
    permission_classes: list[Any] = []
    throttle_classes = [ApiRateThrottle]
    parser_classes = [StrictFormParser, parsers.MultiPartParser]
    renderer_classes = [PlainTextRenderer]
    content_negotiation_class = OneFormatNegotiation
    metadata_class = None  # OPTIONS is not part of the protocol
    schema = None  # Akismet's own protocol, not part of the JSON API's OpenAPI schema
    form: dict[str, str]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Akismet speaks English whatever the site's language: clients match its sentences and
        # show X-akismet-debug-help as sent, and a header holds ASCII only. So DRF's messages
        # and the errors shared with the JSON API (which follows the language) stay English.
        with translation.override("en"):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        too_large = body_too_large(request)
        if too_large:
            raise BodyTooLarge(too_large)
        # The body is first read by the key lookup, so a bad body is a 4xx and nothing is
        # written. DRF negotiates the renderer before that: with DEBUG on it reads it to show
        # an unexpected error, which parsing earlier hid behind an AttributeError (issue 18).
        super().initial(request, *args, **kwargs)
        self.form = wire_form(request)

    def handle_exception(self, exc: Exception) -> Response:
        """Answer errors in text, with the header clients show (Akismet sends no JSON errors)."""
        if isinstance(exc, exceptions.Throttled):
            wait = str(math.ceil(exc.wait or 1))
            return text(
                f"Too many requests: try again in {wait} seconds.",
                429,
                {"Retry-After": wait, DEBUG_HELP: "Too many requests"},
            )
        exc = as_api_error(exc)
        if isinstance(exc, exceptions.APIException):
            detail = str(exc.detail)
            # The detail may quote the request (its Content-Type): a header takes printable
            # ASCII only, and a CR or LF in it would be a 500 (BadHeaderError).
            help_text = "".join(c if c.isascii() and c.isprintable() else "?" for c in detail)
            headers = {DEBUG_HELP: help_text}
            if isinstance(exc, DatabaseUnavailable):
                headers["Retry-After"] = str(exc.wait)
            return text(detail, exc.status_code, headers)
        return super().handle_exception(exc)  # anything else is a bug: re-raised, a 500

    @property
    def api_key(self) -> ApiKey | None:
        auth = self.request.auth
        return auth if isinstance(auth, ApiKey) else None

    def accepted_key(self, *required: str) -> ApiKey | Response:
        """Return the key, or the answer to a bad key, a blog it may not serve, a missing field."""
        api_key = self.api_key
        if api_key is None:
            return invalid("Invalid key")
        if not self.form.get("blog"):
            return missing("blog")
        if not allows_blog(api_key, self.form["blog"]):
            return invalid("This key is not allowed for this blog URL")
        return next((missing(name) for name in required if not self.form.get(name)), api_key)


class VerifyKeyView(AkismetView):
    def post(self, request: Request) -> Response:
        api_key = self.api_key
        if api_key is None:
            return invalid("Invalid key")
        if not allows_blog(api_key, self.form.get("blog", "")):
            return invalid("This key is not allowed for this blog URL")
        return text("valid")


class CommentCheckView(AkismetView):
    def post(self, request: Request) -> Response:
        # Hamlet moderates text: with no content there is nothing to store or score.
        api_key = self.accepted_key("user_ip", "comment_content")
        if not isinstance(api_key, ApiKey):
            return api_key
        check = check_comment(api_key, self.form)
        headers = {"X-akismet-guid": str(check.comment.guid)}
        if check.is_discard:
            headers["X-akismet-pro-tip"] = "discard"
        if check.is_unscored:
            # Held as pending here; the client may ask again (WordPress does, every 20 min).
            headers["X-akismet-recheck-after"] = str(RECHECK_AFTER_SECONDS)
        return text("true" if check.is_spam else "false", headers=headers)


class SubmitView(AkismetView):
    is_spam = False

    def post(self, request: Request) -> Response:
        api_key = self.accepted_key("user_ip")
        if not isinstance(api_key, ApiKey):
            return api_key
        if report_comment(api_key, self.form, is_spam=self.is_spam) is None:
            return missing("comment_content")
        return text(THANKS)


class UsageLimitView(AkismetView):
    def get(self, request: Request) -> HttpResponse:
        if self.api_key is None:
            return invalid("Invalid key")
        return JsonResponse(usage_limit(self.api_key))

    post = get


class KeySitesView(AkismetView):
    def get(self, request: Request) -> HttpResponse:
        if self.api_key is None:
            return invalid("Invalid key")
        sites = key_sites(self.api_key, self.form)
        if self.form.get("format") == "csv":
            return HttpResponse(key_sites_csv(sites), content_type="text/csv; charset=utf-8")
        return JsonResponse(sites)

    post = get


class PluginCallView(AkismetView):
    """The WordPress plugin's own calls, answered harmlessly so its admin screens work."""

    endpoint = ""

    def post(self, request: Request) -> HttpResponse:
        if self.api_key is None:
            return invalid("Invalid key")
        if self.endpoint == "get-stats":
            return JsonResponse(key_stats(self.api_key, self.form.get("from", "all")))
        if self.endpoint == "get-subscription":
            return JsonResponse({"status": "active", "account_name": self.api_key.site})
        if self.endpoint == "verify-wpcom-key":
            # No WordPress.com accounts here: the plugin then asks for a key by hand.
            return invalid("No WordPress.com account")
        return text("")  # token (for akismet.com's stats page), deactivate: nothing to do
