"""The Akismet-compatible API: rest.akismet.com's wire protocol, so existing Akismet clients
(WordPress, akismet.py, akismet-api, @cedx/akismet) check comments here. A comment-check goes
through submit_comment() on the client's ApiKey; submit-spam / submit-ham record a Source.API
decision, which is a label.
"""

from __future__ import annotations

import codecs
import csv
import io
import ipaddress
import logging
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_to_bytes

from django.core.exceptions import DisallowedHost, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.http import HttpResponse, JsonResponse, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import parse_header_parameters
from rest_framework import exceptions, parsers
from rest_framework.authentication import BaseAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation.api.errors import DatabaseUnavailable, as_api_error
from moderation.api.keys import KEY_LENGTH, allows_blog, find_key, record_usage
from moderation.api.limits import body_too_large
from moderation.api.throttling import ApiRateThrottle
from moderation.classifier.artifacts import ModelLoadError
from moderation.conf import get_settings
from moderation.decisions import record_decision
from moderation.models import (
    ANONYMOUS,
    Action,
    ApiKey,
    ApiUsage,
    Comment,
    Decision,
    Source,
    Status,
)
from moderation.recheck import recheck
from moderation.signals import verdict_reached
from moderation.submission import Submission, submit_comment
from moderation.verdicts import Verdict

logger = logging.getLogger(__name__)

THANKS = "Thanks for making the web a better place."
DEBUG_HELP = "X-akismet-debug-help"
# The WordPress plugin's retry interval for a comment it got no answer for.
RECHECK_AFTER_SECONDS = 1200
# Akismet's test values; "viagra-test-123" is the older author name, still in clients' docs.
GUARANTEED_SPAM_AUTHORS = frozenset({"akismet-guaranteed-spam", "viagra-test-123"})
GUARANTEED_SPAM_EMAIL = "akismet-guaranteed-spam@example.com"
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_validate_url = URLValidator()


# Wire format ------------------------------------------------------------------------------------


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


# Comment fields from Akismet parameters ---------------------------------------------------------


def comment_fields(form: Mapping[str, str]) -> dict[str, Any]:
    """Return Comment fields from Akismet parameters, cleaned so that full_clean() passes."""
    return {
        "content": form.get("comment_content", ""),
        "author_name": form.get("comment_author", "")[:100] or ANONYMOUS,
        "author_email": clean_email(form.get("comment_author_email", "")),
        "author_url": clean_url(form.get("comment_author_url", "")),
        "ip_address": clean_ip(form.get("user_ip", "")),
        "user_agent": form.get("user_agent", ""),
        "referrer": form.get("referrer", ""),
        "permalink": form.get("permalink", ""),
        "language": form.get("blog_lang", "").split(",")[0].strip()[:16],
        "comment_type": form.get("comment_type", "")[:64],
        "is_test": parse_is_test(form.get("is_test", "")),
        "submitted_at": parse_gmt(form.get("comment_date_gmt", "")),
    }


def clean_email(value: str) -> str:
    """Return the email, or "" when it is not one (a sloppy client is not an error)."""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value if len(value) <= 254 else ""


def clean_url(value: str) -> str:
    """Return the URL with http:// added when it has no scheme, or "" when it is not a URL."""
    if not value:
        return ""
    if value.startswith("//"):
        value = f"http:{value}"
    elif "://" not in value:
        value = f"http://{value}"
    try:
        _validate_url(value)
    except ValidationError:
        return ""
    return value if len(value) <= 500 else ""


def clean_ip(value: str) -> str | None:
    """Return the (first, for a forwarded list) IP address, or None when it is not one."""
    try:
        return str(ipaddress.ip_address(value.split(",")[0].strip()))
    except ValueError:
        return None


def parse_is_test(value: str) -> bool:
    return value.strip().casefold() in {"1", "true", "yes", "on"}


def parse_gmt(value: str) -> datetime:
    """Return a UTC date in ISO-8601 or MySQL form ("2016-03-02 14:29:13"); now if neither."""
    try:
        parsed = parse_datetime(value)
    except ValueError:  # well formed but impossible, such as month 13
        parsed = None
    now = timezone.now()
    if parsed is None:
        return now
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    # A date in the future would sort the comment away from the queue's oldest-first order.
    return min(parsed, now)


def fixed_verdict(form: Mapping[str, str]) -> Verdict | None:
    """Return the verdict Akismet's test values fix, if the parameters carry one."""
    if (
        form.get("comment_author", "").casefold() in GUARANTEED_SPAM_AUTHORS
        or form.get("comment_author_email", "").casefold() == GUARANTEED_SPAM_EMAIL
    ):
        return Verdict.SPAM
    if "administrator" in form.get("user_role", "").casefold():
        return Verdict.HAM
    return None


# comment-check, submit-spam, submit-ham ---------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """A comment-check's outcome: the stored comment and what the client is told."""

    comment: Comment
    is_spam: bool
    is_discard: bool = False
    is_unscored: bool = False


def check_comment(api_key: ApiKey, form: Mapping[str, str]) -> Check:
    """Store and score the comment the parameters describe; count it in the key's usage.

    The usage count is written in the comment's own transaction: one commit per check.
    """
    fields = comment_fields(form)
    if form.get("recheck_reason"):
        known = find_reported_comment(api_key, form.get("guid", ""), fields)
        if known is not None:
            return check_again(api_key, known)
    fixed = fixed_verdict(form)
    if fixed is not None:
        is_spam = fixed == Verdict.SPAM
        return Check(store_test_comment(api_key, fields, fixed), is_spam=is_spam)

    def count(submission: Submission) -> None:
        record_usage(api_key, **{"spam" if submission.verdict == Verdict.SPAM else "ham": 1})

    submission = submit_comment(api_key, count, **fields)
    score = submission.comment.spam_score
    is_spam = submission.verdict == Verdict.SPAM
    return Check(
        submission.comment,
        is_spam=is_spam,
        is_discard=is_spam and score is not None and score >= get_settings()["DISCARD_THRESHOLD"],
        is_unscored=submission.verdict is None,
    )


def check_again(api_key: ApiKey, comment: Comment) -> Check:
    """Answer a client's recheck (`recheck_reason`) of a comment stored here, without storing
    it again: WordPress asks every 20 minutes about a comment that could not be scored, and
    again for its whole queue on "Check for Spam".

    A pending comment is scored again; one a moderator, a rule or the model filed is answered
    as it is filed. The call is counted in the key's usage.
    """
    if comment.status == Status.PENDING:
        try:
            recheck([comment])
        except Exception as error:  # it stays pending, as it was; the client asks again later
            logger.error(
                "Could not score comment %s again; it stays pending: %s",
                comment.pk,
                error,
                exc_info=None if isinstance(error, ModelLoadError) else error,
            )
        comment.refresh_from_db()
    is_spam = comment.status == Status.SPAM
    record_usage(api_key, **{"spam" if is_spam else "ham": 1})
    return Check(
        comment,
        is_spam=is_spam,
        is_unscored=comment.status == Status.PENDING and not comment.verdict,
    )


def store_test_comment(api_key: ApiKey, fields: dict[str, Any], verdict: Verdict) -> Comment:
    """Store a comment whose verdict an Akismet test value fixed, without scoring it.

    Guaranteed spam is filed as spam and marked is_test (it is test traffic by definition);
    an administrator's comment is published. The history says which test value decided, and
    neither row is a label. The call is counted in the key's usage.
    """
    is_spam = verdict == Verdict.SPAM
    status = Status.SPAM if is_spam else Status.APPROVED
    with transaction.atomic():
        comment = new_comment(
            api_key, {**fields, "is_test": fields["is_test"] or is_spam}, status, verdict
        )
        Decision.objects.create(
            comment=comment,
            source=Source.API,
            action=Action.BLOCKED_BY_RULE if is_spam else Action.ALLOWED_BY_RULE,
            status_before="",
            status_after=status,
            note="Akismet test value: guaranteed spam"
            if is_spam
            else "Akismet test value: user_role administrator",
        )
        record_usage(api_key, **{"spam" if is_spam else "ham": 1})
    verdict_reached.send(sender=Comment, comment=comment, verdict=verdict, discarded=False)
    return comment


def new_comment(
    api_key: ApiKey, fields: dict[str, Any], status: Status, verdict: Verdict | str
) -> Comment:
    comment = Comment(content_object=api_key, status=status, verdict=verdict, **fields)
    comment.full_clean(exclude=["content_type", "object_pk", "guid"])  # a fresh uuid4
    comment.save()
    return comment


def report_comment(api_key: ApiKey, form: Mapping[str, str], *, is_spam: bool) -> Decision | None:
    """Record a client's submit-spam / submit-ham as a label on the comment it reports.

    The comment is found by `guid`, else as this key's latest with the same content, author
    and IP; when there is none (checked elsewhere, or deleted) it is stored now, unscored, so
    the label is kept. Return None when there is nothing to find and no content to store.
    """
    fields = comment_fields(form)
    comment = find_reported_comment(api_key, form.get("guid", ""), fields)
    outcome: dict[str, int] = {}
    if comment is None:
        if not fields["content"]:
            return None
        comment = new_comment(api_key, fields, Status.PENDING, "")
    elif is_spam != (comment.verdict == Verdict.SPAM):
        outcome = {"missed_spam": 1} if is_spam else {"false_positives": 1}
    action = Action.MARKED_SPAM if is_spam else Action.MARKED_NOT_SPAM
    decision = record_decision(comment, action, None, report_note(form), source=Source.API)
    record_usage(api_key, **outcome)
    return decision


def find_reported_comment(api_key: ApiKey, guid: str, fields: Mapping[str, Any]) -> Comment | None:
    on_key = Comment.objects.for_object(api_key)
    try:
        by_guid = on_key.filter(guid=uuid.UUID(guid)).first() if guid else None
    except ValueError:
        by_guid = None
    if by_guid is not None:
        return by_guid
    if not fields["content"]:
        return None
    same = on_key.filter(
        content=fields["content"],
        author_name=fields["author_name"],
        ip_address=fields["ip_address"],
    )
    return same.order_by("-pk").first()


def report_note(form: Mapping[str, str]) -> str:
    parts = ["Reported through the Akismet API"]
    parts += [
        f"{name}: {form[name]}" for name in ("reporter", "comment_check_response") if form.get(name)
    ]
    return "; ".join(parts)


# usage-limit, key-sites, and the WordPress plugin's own calls -----------------------------------


def usage_limit(api_key: ApiKey) -> dict[str, Any]:
    """Return /1.2/usage-limit: Hamlet has no plan limits, so only the month's calls count."""
    usage = ApiUsage.objects.filter(api_key=api_key, month=this_month()).first()
    return {
        "limit": "none",
        "usage": usage.api_calls if usage else 0,
        "percentage": "0.00",
        "throttled": False,
    }


def this_month() -> str:
    return timezone.now().strftime("%Y-%m")


def key_sites(api_key: ApiKey, form: Mapping[str, str]) -> dict[str, Any]:
    """Return /1.2/key-sites for a month (default: this one): the key's site if it was active.

    A Hamlet key belongs to one site, so there is at most one row; counts are strings, as in
    Akismet's published example.
    """
    month = form.get("month", "")
    month = month if _MONTH.fullmatch(month) else this_month()
    usage = ApiUsage.objects.filter(api_key=api_key, month=month).first()
    rows = []
    if usage is not None and form.get("filter", "").casefold() in api_key.site.casefold():
        counts = ("api_calls", "spam", "ham", "missed_spam", "false_positives")
        row = {"site": api_key.site, **{name: str(getattr(usage, name)) for name in counts}}
        rows.append({**row, "is_revoked": not api_key.is_active})
    limit = whole_number(form.get("limit", ""), 500)
    offset = whole_number(form.get("offset", ""), 0)
    return {
        month: rows[offset : offset + limit],
        "limit": limit,
        "offset": offset,
        "total": len(rows),
    }


def whole_number(value: str, default: int) -> int:
    ok = value.isascii() and value.isdigit() and len(value) <= 9
    return int(value) if ok else default


def key_sites_csv(sites: dict[str, Any]) -> str:
    month = next(iter(sites))
    out = io.StringIO()
    out.write(
        f"Active sites for {month} (limit:{sites['limit']}, offset: {sites['offset']}, "
        f"total: {sites['total']})\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["Site", "Total API Calls", "Spam", "Ham", "Missed Spam", "False Positives", "Is Revoked"]
    )
    for row in sites[month]:
        writer.writerow([*row.values()][:-1] + [str(row["is_revoked"]).lower()])
    return out.getvalue()


def key_stats(api_key: ApiKey, period: str) -> dict[str, Any]:
    """Return /1.1/get-stats, the WordPress plugin's dashboard figures, from monthly usage."""
    months = {"60-days": 3, "6-months": 6}.get(period)
    rows = ApiUsage.objects.filter(api_key=api_key).order_by("-month")
    rows = rows[:months] if months else rows
    names = ("spam", "ham", "missed_spam", "false_positives")
    totals = dict.fromkeys(names, 0)
    breakdown: dict[str, dict[str, int]] = {}
    for usage in rows:
        breakdown[usage.month] = {name: getattr(usage, name) for name in names}
        for name in names:
            totals[name] += getattr(usage, name)
    checked = totals["spam"] + totals["ham"]
    errors = totals["missed_spam"] + totals["false_positives"]
    accuracy = round(100 * (1 - errors / checked), 3) if checked else 100
    return {**totals, "accuracy": max(accuracy, 0), "breakdown": breakdown, "time_saved": 0}


# Views --------------------------------------------------------------------------------------------


class BodyTooLarge(exceptions.APIException):
    status_code = 413


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

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        too_large = body_too_large(request)
        if too_large:
            raise BodyTooLarge(too_large)
        # Parse before the key is looked up, so a bad body is a 400 and nothing is written.
        self.form = wire_form(request)
        super().initial(request, *args, **kwargs)

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
            headers = {DEBUG_HELP: detail.encode("ascii", "replace").decode()}
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
