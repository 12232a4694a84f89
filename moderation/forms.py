"""The comment form: the reader's fields plus the abuse checks (signed single-use target, timing,
honeypot)."""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from django import forms
from django.apps import apps
from django.core import signing
from django.core.cache import cache
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from moderation.conf import get_settings

_SIGNING_SALT = "moderation.comment-form"
ALREADY_POSTED = "already_posted"


def sign_target(target: models.Model, *, issued_at: float | None = None) -> str:
    """Return a token naming `target` and when the form was rendered, signed by SECRET_KEY."""
    return signing.dumps(
        {
            "model": target._meta.label_lower,
            "pk": str(target.pk),
            "t": issued_at if issued_at is not None else time.time(),
            # Makes every rendered form's token its own, so each can be used once (issue 18).
            "n": secrets.token_urlsafe(16),
        },
        salt=_SIGNING_SALT,
    )


def claim_token(token: str) -> bool:
    """Mark a valid token used; return False if it already was.

    Used tokens are kept in the cache the rate limits use (a shared one in production, so
    every worker sees them) for MAX_FORM_AGE, after which the token has expired anyway.
    cache.add() is atomic, so of two posts racing with one token only one is accepted.
    """
    key = "moderation_form_token_" + hashlib.sha256(token.encode()).hexdigest()
    return cache.add(key, 1, timeout=get_settings()["MAX_FORM_AGE"])


class CommentForm(forms.Form):
    """Name, email, website and comment, for a comment on `target`."""

    # Labels are explicit: the ones Django derives from field names are not marked for translation.
    name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("Email"), help_text=_("Not published."))
    website = forms.URLField(
        label=_("Website"), required=False, max_length=500, assume_scheme="https"
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea)
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, target: models.Model | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        conf = get_settings()
        self.target = target
        max_length = conf["MAX_COMMENT_LENGTH"]
        # Replaced in place (keeps the field order) because the limit is read at request time.
        self.fields["comment"] = forms.CharField(
            label=self.fields["comment"].label,
            max_length=max_length,
            widget=forms.Textarea(attrs={"rows": 6}),
        )
        # Hidden from people by CSS and from assistive tech by aria-hidden; bots fill it in.
        self.honeypot_name: str = conf["HONEYPOT_FIELD"]
        self.fields[self.honeypot_name] = forms.CharField(
            required=False,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        if target is not None and not self.is_bound:
            self.initial["token"] = sign_target(target)

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"]
        conf = get_settings()
        try:
            payload = signing.loads(token, salt=_SIGNING_SALT)
        except signing.BadSignature as exc:
            raise forms.ValidationError(
                _("This form was tampered with. Please reload the page and try again."),
                code="tampered",
            ) from exc
        # Resolved before the timing checks so the error page can offer a fresh form.
        self.target = self._load_target(payload["model"], payload["pk"])
        age = time.time() - float(payload["t"])
        if age > conf["MAX_FORM_AGE"]:
            raise forms.ValidationError(
                _("This form has expired. Please post your comment again."), code="expired"
            )
        if age < conf["MIN_SUBMIT_SECONDS"]:
            raise forms.ValidationError(
                _("That was quick! Please take a moment to read your comment, then post it again."),
                code="too_fast",
            )
        return token

    def refresh_token(self) -> None:
        """Re-sign the target so a reader can post the corrected form again."""
        if self.target is not None and self.is_bound:
            # A mutable QueryDict keeps one value per field (a dict of it would hold lists).
            data = QueryDict(mutable=True)
            data.update(self.data)
            data["token"] = sign_target(self.target)
            self.data = data

    def _load_target(self, label: str, pk: str) -> models.Model:
        try:
            model = apps.get_model(label)
            return model._default_manager.get(pk=pk)
        except (LookupError, ValueError, models.ObjectDoesNotExist) as exc:
            raise forms.ValidationError(
                _("The page you are commenting on no longer exists."), code="no_target"
            ) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get(self.honeypot_name):
            raise forms.ValidationError(
                _(
                    "Your comment could not be posted. If you are a person, please leave the "
                    "last field empty."
                ),
                code="honeypot",
            )
        # Claimed last: only a post that is about to be stored uses its token up.
        if not self.errors and not claim_token(cleaned["token"]):
            raise forms.ValidationError(
                _(
                    "This comment was already posted from this form (it was sent twice), so it "
                    "was not posted again."
                ),
                code=ALREADY_POSTED,
            )
        return cleaned

    def comment_fields(self) -> dict[str, str]:
        """Return the cleaned reader fields as Comment field values."""
        return {
            "author_name": self.cleaned_data["name"],
            "author_email": self.cleaned_data["email"],
            "author_url": self.cleaned_data["website"],
            "content": self.cleaned_data["comment"],
        }
