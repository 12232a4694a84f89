"""The JSON API: a client site checks comments, works its part of the queue and reports decisions.

Each view parses with a serializer, makes one call (submit_comment, record_decision, a query)
and answers JSON. A key only ever sees its own site's comments, those stored on its ApiKey.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import (
    NotAuthenticated,
    NotFound,
    ParseError,
    UnsupportedMediaType,
    ValidationError,
)
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation.api import serializers as s
from moderation.api.authentication import ApiKeyAuthentication
from moderation.api.errors import BodyTooLarge, DatabaseUnavailable, as_api_error
from moderation.api.keys import check_outcome, record_usage, report_outcome
from moderation.api.limits import body_too_large
from moderation.api.throttling import ApiRateThrottle
from moderation.classifier.registry import active_model_info
from moderation.decisions import record_decision
from moderation.duplicates import repeat_of
from moderation.models import ApiKey, Comment, Status
from moderation.submission import Submission, submit_comment
from moderation.verdicts import Verdict

# The largest primary key any supported database stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class JSONBodyParser(JSONParser):
    """DRF's JSON parser, answering 400 rather than 500 to nesting too deep for Python's json."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(gettext("JSON parse error - the body is nested too deeply.")) from None


class HasApiKey(BasePermission):
    message = gettext_lazy("Send the site's API key in the header 'Authorization: Bearer <key>'.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ApiKey)


class ApiView(APIView):
    """A JSON endpoint for a client site's key: size limit, key, rate limit, usage count."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasApiKey]
    throttle_classes = [ApiRateThrottle]
    parser_classes = [JSONBodyParser]
    renderer_classes = [JSONRenderer]

    # Query parameters the view reads; any other is refused, so that a misspelt filter
    # cannot silently answer with everything.
    query_parameters: frozenset[str] = frozenset()

    api_key: ApiKey | None = None
    # Outcomes counted with this call in the key's monthly usage (spam=1, missed_spam=1, ...).
    outcomes: dict[str, int]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Refused from Content-Length alone, before anything reads the body.
        reason = body_too_large(request)
        if reason is not None:
            raise BodyTooLarge(reason)
        if request.META.get("CONTENT_LENGTH", "0") not in ("", "0") and not request.content_type:
            # DRF would read such a body as empty and answer "content: required".
            raise UnsupportedMediaType(
                "", gettext("Send the body as JSON: Content-Type: application/json.")
            )
        super().initial(request, *args, **kwargs)
        self.api_key, self.outcomes = request.auth, {}
        unknown = sorted(set(request.query_params) - self.query_parameters)
        if unknown:
            raise ValidationError({name: [gettext("Unknown query parameter.")] for name in unknown})

    def perform_authentication(self, request: Request) -> None:
        """Find the key, then count the request against its rate whatever the key turned out
        to be: requests with no key or a wrong one count per IP, so that keys cannot be guessed
        at full speed, and a flood without a key is refused before the permission check."""
        try:
            super().perform_authentication(request)
        finally:
            super().check_throttles(request)

    def check_throttles(self, request: Request) -> None:
        """Do nothing: perform_authentication() counted the request, which DRF's initial()
        runs first (authentication, then permissions, then throttles)."""

    def permission_denied(
        self, request: Request, message: str | None = None, code: str | None = None
    ) -> NoReturn:
        # HasApiKey is the only permission: a denial always means no key was sent.
        raise NotAuthenticated(message)

    def handle_exception(self, exc: Exception) -> Response:
        return super().handle_exception(as_api_error(exc))

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        if self.api_key is not None and response.status_code != DatabaseUnavailable.status_code:
            record_usage(self.api_key, **self.outcomes)
        return super().finalize_response(request, response, *args, **kwargs)

    @property
    def key(self) -> ApiKey:
        """Return the request's key; handlers run only after initial() has found it."""
        assert self.api_key is not None
        return self.api_key

    def own_comment(self, comment_id: str) -> Comment:
        """Return the key's site's comment `comment_id`, or answer 404 (any other site's too)."""
        # Length first: int() refuses strings of more than 4,300 digits.
        numeric = comment_id.isascii() and comment_id.isdigit() and len(comment_id) <= 19
        if numeric and int(comment_id) <= MAX_ID:
            comment = Comment.objects.for_object(self.key).filter(pk=int(comment_id)).first()
            if comment is not None:
                return comment
        raise NotFound(gettext("This key's site has no comment %(id)r.") % {"id": comment_id})


def only_json_api(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[tuple[Any, ...]]:
    """Keep this API's operations: the schema must not describe the host site's own DRF views."""
    return [e for e in endpoints if issubclass(getattr(e[3], "cls", object), ApiView)]


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(s.ErrorSerializer, description=description)


def _bad_request(example: dict[str, list[str]], description: str) -> OpenApiResponse:
    return OpenApiResponse(s.field_errors(example), description=description)


ERRORS = {
    400: _bad_request({"page": ["Unknown query parameter."]}, "Unknown query parameters."),
    401: _error("No API key, or an unknown or revoked one."),
    429: _error("Too many requests for this key (or IP): retry after Retry-After seconds."),
    503: _error(
        "The database did not answer; nothing was stored: retry after Retry-After seconds."
    ),
}
BODY_ERRORS = {
    **ERRORS,
    400: _bad_request(
        {"content": ["This field is required."]},
        "Malformed JSON, invalid fields or unknown query parameters: the messages per field.",
    ),
    413: _error("The body is larger than MODERATION['API_MAX_BODY_BYTES']."),
    415: _error("The body is not JSON (Content-Type: application/json)."),
}
NOT_FOUND = {404: _error("No such comment on this key's site.")}
HEADERS = [
    OpenApiParameter(
        "Retry-After", int, OpenApiParameter.HEADER, response=[429, 503], required=True
    ),
    OpenApiParameter("WWW-Authenticate", str, OpenApiParameter.HEADER, response=[401]),
]
COMMENT_ID = OpenApiParameter(
    "comment_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The comment's id."
)


def as_filed(comment: Comment) -> Submission:
    """Return a stored comment as the Submission a check of it answers with."""
    return Submission(comment, Verdict(comment.verdict) if comment.verdict else None)


class CheckView(ApiView):
    """Store the comment on this key's site, score it, and file it by the verdict.

    `status` is where it went: approved (publish it), pending (hold it for review) or spam.
    `verdict` is null when the model could not score it; the comment is then pending.
    A repeat of a comment checked before (duplicates.py) is not stored again: the answer is
    the first one's, as it is filed now, with 200 rather than 201.
    """

    @extend_schema(
        operation_id="check_comment",
        tags=["comments"],
        summary="Check a comment: store it, score it, file it",
        request=s.CheckRequestSerializer,
        responses={
            201: s.CheckResultSerializer,
            404: _error("`parent` is no comment of this key's site."),
            200: OpenApiResponse(
                s.CheckResultSerializer,
                description="A repeat of a comment checked before: not stored again; the "
                "first one as it is filed now.",
            ),
            **BODY_ERRORS,
        },
        parameters=HEADERS,
    )
    def post(self, request: Request) -> Response:
        incoming = s.CheckRequestSerializer(data=request.data, context={"api_key": self.key})
        incoming.is_valid(raise_exception=True)
        fields = incoming.comment_fields()
        repeated = repeat_of(self.key, fields)
        if repeated is not None:
            self.outcomes = check_outcome(is_spam=repeated.status == Status.SPAM)
            return Response(s.CheckResultSerializer(as_filed(repeated)).data)
        submission = submit_comment(self.key, **fields)
        self.outcomes = check_outcome(is_spam=submission.verdict == Verdict.SPAM)
        return Response(s.CheckResultSerializer(submission).data, status=201)


class CommentListView(ApiView):
    """Page through this site's comments, oldest first, optionally of one status."""

    query_parameters = frozenset(s.CommentListQuerySerializer().fields)

    @extend_schema(
        operation_id="list_comments",
        tags=["comments"],
        summary="List this site's comments, oldest first",
        parameters=[s.CommentListQuerySerializer, *HEADERS],
        responses={
            200: s.CommentPageSerializer,
            **ERRORS,
            400: _bad_request(
                {"status": ['"unknown" is not a valid choice.']},
                "Invalid or unknown query parameters: the messages per parameter.",
            ),
        },
    )
    def get(self, request: Request) -> Response:
        query = s.CommentListQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        comments: QuerySet[Comment] = Comment.objects.for_object(self.key)
        if "status" in query.validated_data:
            comments = comments.filter(status=query.validated_data["status"])
        paginator = LimitOffsetPagination()
        paginator.default_limit, paginator.max_limit = s.PAGE_SIZE, s.MAX_PAGE_SIZE
        page = paginator.paginate_queryset(comments, request, view=self)
        return paginator.get_paginated_response(s.CommentSerializer(page, many=True).data)


class CommentDetailView(ApiView):
    """Return one of this site's comments, the reasons for its verdict, and its history."""

    @extend_schema(
        operation_id="get_comment",
        tags=["comments"],
        summary="One comment, why it was filed so, and its history",
        parameters=[COMMENT_ID, *HEADERS],
        responses={200: s.CommentDetailSerializer, **NOT_FOUND, **ERRORS},
    )
    def get(self, request: Request, comment_id: str) -> Response:
        return Response(s.CommentDetailSerializer(self.own_comment(comment_id)).data)


class DecisionView(ApiView):
    """Record the site's decision about one of its comments and return the comment.

    approve, spam and not_spam are labels the next retraining learns from (unless the comment
    was sent with is_test); remove only hides the comment.
    """

    @extend_schema(
        operation_id="decide_comment",
        tags=["comments"],
        summary="Record the site's decision about a comment (a label for retraining)",
        parameters=[COMMENT_ID, *HEADERS],
        request=s.DecisionRequestSerializer,
        responses={200: s.CommentDetailSerializer, **NOT_FOUND, **BODY_ERRORS},
    )
    def post(self, request: Request, comment_id: str) -> Response:
        comment = self.own_comment(comment_id)
        incoming = s.DecisionRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        record_decision(
            comment, incoming.action, None, incoming.validated_data["note"], api_key=self.key
        )
        self.outcomes = report_outcome(comment.verdict, incoming.action)
        return Response(s.CommentDetailSerializer(comment).data)


class ModelView(ApiView):
    """Describe the model that scores new comments and the thresholds in force."""

    @extend_schema(
        operation_id="get_model",
        tags=["model"],
        summary="The model scoring new comments and the thresholds in force",
        parameters=HEADERS,
        responses={200: s.ModelInfoSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response(s.ModelInfoSerializer(active_model_info()).data)


class KeyView(ApiView):
    """Describe the key making the request: its site, hosts, rate limit and usage."""

    @extend_schema(
        operation_id="get_key",
        tags=["key"],
        summary="This key: its site, hosts, rate limit and usage this month",
        parameters=HEADERS,
        responses={200: s.KeySerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response(s.KeySerializer(self.key).data)
