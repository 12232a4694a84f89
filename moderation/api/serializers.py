"""The JSON API's shapes: strict input serializers (a 400 names the field) and the responses."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from moderation import threads
from moderation.api.fields import (
    CONTENT_MAX_LENGTH,
    EMAIL,
    SOME_TEXT,
    WEBSITE,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictIPAddressField,
    optional_text,
)
from moderation.conf import get_settings
from moderation.decisions import ACTION_FOR_NAME
from moderation.models import (
    ANONYMOUS,
    Action,
    ApiKey,
    ApiUsage,
    Comment,
    Source,
    Status,
)
from moderation.verdicts import Verdict
from moderation.why import Reasons, reasons_for

VERDICT = "The classifier's verdict when the comment arrived; null when it could not score it."
PAGE_SIZE, MAX_PAGE_SIZE = 50, 200


class CheckRequestSerializer(serializers.Serializer):
    """A comment to check, as a client site received it. Only `content` is required."""

    content = StrictCharField(
        max_length=CONTENT_MAX_LENGTH,
        pattern=SOME_TEXT,
        message=gettext_lazy("Send some text (not only spaces), without null characters."),
        help_text="The comment's text.",
    )
    author_name = optional_text(100, "The name the author gave.")
    author_email = optional_text(
        254,
        "The address the author gave.",
        pattern=EMAIL,
        message=gettext_lazy("Enter a valid email address."),
    )
    author_url = optional_text(
        500,
        "The author's website: an http(s) URL with a domain name.",
        pattern=WEBSITE,
        message=gettext_lazy("Enter a valid URL."),
    )
    user_ip = StrictIPAddressField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="The author's IP address.",
    )
    user_agent = optional_text(500, "The author's browser (User-Agent header).")
    referrer = optional_text(1000, "The page the author came from (Referer header).")
    permalink = optional_text(1000, "The URL of the page the comment is on.")
    language = optional_text(16, "The site's language, such as en or pt-BR.")
    comment_type = optional_text(
        64, "What the text is, as in Akismet: comment, reply, forum-post, contact-form, ..."
    )
    is_test = StrictBooleanField(
        required=False, default=False, help_text="Test traffic: never used to retrain the model."
    )
    parent = StrictIntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The id of the comment (of this key's site) this one replies to; null: "
        "none. Replies go MODERATION['REPLY_DEPTH'] levels deep.",
    )

    def validate_parent(self, value: int | None) -> Comment | None:
        """Return the comment replied to: one of the key's site's (context["api_key"])."""
        if value is None:
            return None
        parent = Comment.objects.for_object(self.context["api_key"]).filter(pk=value).first()
        if parent is None:
            # 404, as GET comments/<id>/ answers: the request is well formed, the comment is
            # not there (or is another site's).
            raise NotFound(gettext("This key's site has no comment %(id)r.") % {"id": value})
        if not threads.may_be_answered(parent):
            raise threads.too_deep(parent)
        return parent

    def comment_fields(self) -> dict[str, Any]:
        """Return the validated data as submit_comment()'s Comment fields."""
        data = dict(self.validated_data)
        data.update(threads.reply_fields(data.pop("parent")))
        data["ip_address"] = data.pop("user_ip") or None
        # Every reader's comment has a name in the queue; API clients may not know one.
        data["author_name"] = data["author_name"] or ANONYMOUS
        return data


class CommentListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, help_text="Only comments with this status."
    )
    limit = StrictIntegerField(
        required=False, default=PAGE_SIZE, min_value=1, max_value=MAX_PAGE_SIZE
    )
    # Bounded so the SQL OFFSET stays a 32-bit number on every database.
    offset = StrictIntegerField(required=False, default=0, min_value=0, max_value=2**31 - 1)


class DecisionRequestSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=list(ACTION_FOR_NAME),
        help_text="approve and not_spam publish it (a ham label), spam files it as spam (a spam "
        "label), remove hides it without saying whether it is spam.",
    )
    note = optional_text(1000, "Shown in the comment's history.")

    @property
    def action(self) -> Action:
        return ACTION_FOR_NAME[self.validated_data["decision"]]


class ReasonSerializer(serializers.Serializer):
    feature = serializers.CharField(
        help_text="A word (in quotes), a signal, the rule, or the labelled comment this one is "
        "a near-duplicate of (campaign memory)."
    )
    weight = serializers.FloatField(
        allow_null=True,
        help_text="Log-odds towards spam (positive) or ham (negative); null for a rule or "
        "campaign memory.",
    )


class ReasonsFields(serializers.Serializer):
    """`reasons` and `reasons_model_version` of the comment at `comment_source`."""

    comment_source = ""  # the attribute holding the Comment; "" for the instance itself

    reasons = serializers.SerializerMethodField()
    reasons_model_version = serializers.SerializerMethodField(
        help_text="The model whose weights gave the words and signals in `reasons`: the active "
        "one, which may be newer than `model_version`. Null for a rule or no reasons."
    )

    def _reasons(self, instance: Any) -> Reasons:
        comment = getattr(instance, self.comment_source) if self.comment_source else instance
        # Both fields come from one explanation, worked out once per comment.
        cached = getattr(self, "_last_reasons", None)
        if cached is None or cached[0] is not comment:
            cached = self._last_reasons = (comment, reasons_for(comment))
        return cached[1]

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, instance: Any) -> Any:
        return ReasonSerializer(self._reasons(instance).reasons, many=True).data

    def get_reasons_model_version(self, instance: Any) -> str | None:
        return self._reasons(instance).model_version


# null must be in the enum too: OpenAPI 3.0's `nullable` does not widen an `enum`.
@extend_schema_field(
    {
        "type": "string",
        "enum": [*Verdict.values, None],
        "nullable": True,
        "description": VERDICT,
    }
)
class VerdictField(serializers.CharField):
    """The classifier's verdict; null for a comment it could not score."""

    def to_representation(self, value: str) -> str | None:
        return value or None


class DecisionSerializer(serializers.Serializer):
    """One entry of a comment's history: the classifier's verdict, a rule, or a decision."""

    created_at = serializers.DateTimeField()
    source = serializers.ChoiceField(choices=Source.choices)
    action = serializers.ChoiceField(choices=Action.choices)
    # The comment's StatusEnum; a second ChoiceField would give the same choices a second name.
    status_after = extend_schema_field({"$ref": "#/components/schemas/StatusEnum"})(
        serializers.CharField()
    )
    spam_score = serializers.FloatField(allow_null=True)
    model_version = serializers.CharField(help_text="Empty when no model scored it.")


class CommentSerializer(serializers.Serializer):
    """A comment as stored for the key's site."""

    id = serializers.IntegerField()
    guid = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Status.choices)
    verdict = VerdictField()
    spam_score = serializers.FloatField(allow_null=True)
    model_version = serializers.CharField()
    is_test = serializers.BooleanField()
    submitted_at = serializers.DateTimeField()
    content = serializers.CharField()
    author_name = serializers.CharField()
    author_email = serializers.CharField()
    author_url = serializers.CharField()
    user_ip = serializers.CharField(source="ip_address", allow_null=True)
    permalink = serializers.CharField()
    language = serializers.CharField()
    comment_type = serializers.CharField()
    parent = serializers.IntegerField(
        source="parent_id", allow_null=True, help_text="The id of the comment it replies to."
    )


class CommentDetailSerializer(ReasonsFields, CommentSerializer):
    """A comment with why it was filed as it was and everything decided about it since."""

    history = DecisionSerializer(many=True)


class CommentPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Comments matching the filter, on every page.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CommentSerializer(many=True)


class CheckResultSerializer(ReasonsFields):
    """What happened to a checked comment (a Submission)."""

    comment_source = "comment"

    id = serializers.IntegerField(
        source="comment.pk", allow_null=True, help_text="Null when the comment was discarded."
    )
    guid = serializers.UUIDField(source="comment.guid")
    status = serializers.ChoiceField(source="comment.status", choices=Status.choices)
    verdict = VerdictField()
    spam_score = serializers.FloatField(source="comment.spam_score", allow_null=True)
    model_version = serializers.CharField(source="comment.model_version")
    discard = serializers.BooleanField(
        source="is_discarded",
        help_text="Blatant spam that was not kept (DISCARD_BLATANT_SPAM): do not publish it.",
    )


class ThresholdsSerializer(serializers.Serializer):
    ham = serializers.FloatField(help_text="Scores below this are published.")
    spam = serializers.FloatField(help_text="Scores at or above this are spam.")


class ModelInfoSerializer(serializers.Serializer):
    """The model scoring new comments (registry.ModelInfo)."""

    version = serializers.CharField()
    thresholds = ThresholdsSerializer(help_text="In force: the model's or MODERATION's.")
    created_at = serializers.DateTimeField(allow_null=True)
    activated_at = serializers.DateTimeField(
        allow_null=True, help_text="Null for the shipped default model, never activated."
    )
    metrics = serializers.DictField(
        child=serializers.FloatField(),
        allow_null=True,
        help_text="Cross-validated metrics at the spam threshold, from the model card.",
    )


class UsageSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    api_calls = serializers.IntegerField()
    spam = serializers.IntegerField(help_text="Checks filed as spam.")
    ham = serializers.IntegerField(
        help_text="Checks not filed as spam: published, held or unscored."
    )
    missed_spam = serializers.IntegerField(
        help_text="Reported spam after a check did not file it as spam."
    )
    false_positives = serializers.IntegerField(
        help_text="Reported not spam (or approved) after a check filed it as spam."
    )


class KeySerializer(serializers.Serializer):
    """The key making the request (never the key itself)."""

    site = serializers.CharField()
    prefix = serializers.CharField(help_text="The key's first characters.")
    allowed_hosts = serializers.SerializerMethodField()
    rate_limit = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True, help_text="Before this request.")
    usage = serializers.SerializerMethodField()

    def get_allowed_hosts(self, api_key: ApiKey) -> list[str]:
        """Hosts the blog URL sent to the Akismet API must be on (with subdomains); empty: any."""
        return api_key.allowed_hosts.split()

    def get_rate_limit(self, api_key: ApiKey) -> str:
        """Requests per period in force for this key, such as 600/min."""
        return str(api_key.rate_limit or get_settings()["API_RATE"])

    @extend_schema_field(UsageSerializer(help_text="This month, before this request."))
    def get_usage(self, api_key: ApiKey) -> Any:
        month = timezone.now().strftime("%Y-%m")
        usage = ApiUsage.objects.filter(api_key=api_key, month=month).first()
        return UsageSerializer(usage or ApiUsage(api_key=api_key, month=month)).data


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


def field_errors(example: dict[str, list[str]]) -> dict[str, Any]:
    """Return the schema of DRF's 400: messages per field, or {"detail": ...} for bad JSON.

    A body that is not a JSON object gets its message under "non_field_errors".
    """
    return {
        "type": "object",
        "additionalProperties": {
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
        },
        "example": example,
    }
