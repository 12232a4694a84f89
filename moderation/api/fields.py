"""The JSON API's strict input fields: a JSON value taken as sent (no coercion, no trimming),
and the patterns the schema states exactly, so a 400 and the OpenAPI schema agree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Twice the comment form's default MAX_COMMENT_LENGTH. With every field at its longest, in
# UTF-8 at 4 bytes a character, a request still fits the default API_MAX_BODY_BYTES (64 KiB).
CONTENT_MAX_LENGTH = 10_000
# An author's email address and website, as patterns the schema states exactly ("format":
# "email" and "uri" admit more than Django's validators, "x@y.z" and mailto: among them). Every
# match passes Django's EmailValidator / URLValidator, which the Comment fields run again; at
# most 5 labels of 40 characters keep a host under DNS's 253-character limit.
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}[A-Za-z0-9])?\.){1,5}[A-Za-z]{2,24}"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
EMAIL = rf"{_ATOM}(?:\.{_ATOM})*@{_DOMAIN}"
WEBSITE = rf"https?://{_DOMAIN}(?::[0-9]{{1,5}})?(?:[/?#][!-~]*)?"
# Text without null characters; SOME_TEXT has a character besides them and ASCII whitespace.
# Explicit classes, not \s: Python's and JavaScript's (the schema's) \s differ at the edges.
# ANY_TEXT leaves out "" because an optional field's schema admits it in a branch of its own.
ANY_TEXT = r"[^\x00]+"
SOME_TEXT = r"[^\x00]*[^\x00\t\n\v\f\r ][^\x00]*"
NULL_CHARACTERS = gettext_lazy("Null characters are not allowed.")


class StrictCharField(serializers.CharField):
    """A CharField that takes a JSON string as sent: no number turned into text, no trimming.

    What it refuses besides length is one `pattern`, which the schema states exactly: by
    default null characters (PostgreSQL cannot store them).
    """

    validators: list[Any]

    def __init__(
        self,
        *,
        pattern: str = ANY_TEXT,
        message: StrOrPromise = NULL_CHARACTERS,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        # In place of DRF's own null-character check, which the schema would not show.
        self.validators = [
            RegexValidator(rf"\A(?:{pattern})\Z", message),
            *(v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)),
        ]

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "maxLength": 39,
        "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}, {"maxLength": 0}],
    }
)
class StrictIPAddressField(serializers.IPAddressField):
    """An IPv4 or IPv6 address; empty or null for none.

    Limited to what the schema's formats and the database column (39 characters) both admit:
    no "%zone" suffix, no IPv6 written out longer than its column, no spaces around it.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=39, trim_whitespace=False, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or "%" in data:
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictBooleanField(serializers.BooleanField):
    """A BooleanField that takes only JSON true and false, not "yes", 1 or "off"."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """An IntegerField that refuses "1.0" and 1.5 rather than rounding them."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str) and not (data.isascii() and data.lstrip("-").isdigit()):
            self.fail("invalid")
        return int(super().to_internal_value(data))


def optional_text(
    max_length: int,
    help_text: str,
    *,
    pattern: str = ANY_TEXT,
    message: StrOrPromise = NULL_CHARACTERS,
) -> StrictCharField:
    """Return an optional string field ("" when left out) of at most `max_length` characters."""
    return StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=max_length,
        pattern=pattern,
        message=message,
        help_text=help_text,
    )
