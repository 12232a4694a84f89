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
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from moderation import duplicates, policies, threads
from moderation.conf import get_settings
from moderation.models import Comment

_SIGNING_SALT = "moderation.comment-form"
ALREADY_POSTED = "already_posted"
CLOSED = "closed"
DUPLICATE = "duplicate"
# WordPress's words, which readers know; and what became of the post.
DUPLICATE_MESSAGE = _(
    "Duplicate comment: it looks as though you have already said that. Your comment was not "
    "posted again; if you meant to add something, change it and post it again."
)


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
    return cache.add(_token_key(token), 1, timeout=get_settings()["MAX_FORM_AGE"])


def is_token_used(token: str) -> bool:
    """Whether a post of this form was stored already (claim_token() decides a race)."""
    return cache.get(_token_key(token)) is not None


def _token_key(token: str) -> str:
    return "moderation_form_token_" + hashlib.sha256(token.encode()).hexdigest()


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
    # The id of the comment this one replies to (threads.py); checked in clean(), once the
    # token has named the object.
    parent = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        target: models.Model | None = None,
        *args: Any,
        ip_address: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        conf = get_settings()
        self.target = target
        # The poster's address, which tells a repeat from an author who gave no email.
        self.ip_address = ip_address
        self.parent_comment: Comment | None = None
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
        """Re-sign the target so a reader can post the corrected form again; a reply that
        cannot go under its parent is posted again as a comment of its own."""
        if self.target is not None and self.is_bound:
            # A mutable QueryDict keeps one value per field (a dict of it would hold lists).
            data = QueryDict(mutable=True)
            data.update(self.data)
            data["token"] = sign_target(self.target)
            if any(self.has_error(NON_FIELD_ERRORS, code) for code in threads.PARENT_ERRORS):
                data["parent"] = ""
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
        if not self.errors and self.target is not None:
            self._check_thread(cleaned)
        # A form sent twice (a double click) is told so, rather than that it repeats itself.
        if not self.errors and is_token_used(cleaned["token"]):
            raise self._already_posted()
        if not self.errors and self.target is not None:
            self._check_repeat(cleaned)
        # Claimed last: only a post that is about to be stored uses its token up.
        if not self.errors and not claim_token(cleaned["token"]):
            raise self._already_posted()
        return cleaned

    def _already_posted(self) -> forms.ValidationError:
        return forms.ValidationError(
            _(
                "This comment was already posted from this form (it was sent twice), so it "
                "was not posted again."
            ),
            code=ALREADY_POSTED,
        )

    def _check_thread(self, cleaned: dict[str, Any]) -> None:
        """Refuse a comment on a closed object, and a reply that cannot go where it was meant
        to."""
        assert self.target is not None
        closure = policies.closure(self.target)
        if closure is not None:
            raise forms.ValidationError(closure.reason, code=CLOSED)
        if cleaned.get("parent"):
            self.parent_comment = threads.find_parent(self.target, cleaned["parent"])

    def _check_repeat(self, cleaned: dict[str, Any]) -> None:
        """Refuse a repeat of the author's own comment (duplicates.py)."""
        assert self.target is not None
        repeated = duplicates.find_duplicate(
            self.target,
            content=cleaned["comment"],
            author_email=cleaned["email"],
            ip_address=self.ip_address,
            parent=self.parent_comment,
        )
        if repeated is not None:
            raise forms.ValidationError(DUPLICATE_MESSAGE, code=DUPLICATE)

    def comment_fields(self) -> dict[str, Any]:
        """Return the cleaned reader fields as Comment field values."""
        return {
            "author_name": self.cleaned_data["name"],
            "author_email": self.cleaned_data["email"],
            "author_url": self.cleaned_data["website"],
            "content": self.cleaned_data["comment"],
            **threads.reply_fields(self.parent_comment),
        }
