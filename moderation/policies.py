"""Per-content-model options, in the spirit of django-contrib-comments' moderator: comments
closed N days after an object's date, or by a field of the object; and whether an object is
open for comments now.

    from moderation import policies
    policies.register(Article, close_after=30, date_field="published_at",
                      enable_field="comments_enabled")

The comment form asks closure() before it shows itself and again before it stores a comment
(forms.py); the APIs store comments on a client's key, which no policy closes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.checks import CheckMessage, Warning
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from moderation.conf import get_settings


@dataclass(frozen=True)
class ModerationPolicy:
    """The options registered for one model."""

    # Days after `date_field` from which comments are closed; None: CLOSE_AFTER_DAYS.
    close_after: int | None = None
    # The object's publication date (a DateField or DateTimeField) the days count from.
    date_field: str | None = None
    # A BooleanField of the object: comments are open only while it is True.
    enable_field: str | None = None


_POLICIES: dict[type[models.Model], ModerationPolicy] = {}
_OPEN = ModerationPolicy()


def register(
    model: type[models.Model],
    *,
    close_after: int | None = None,
    date_field: str | None = None,
    enable_field: str | None = None,
) -> None:
    """Register the comment options of `model` (call it from an AppConfig.ready()).

    Raise ImproperlyConfigured, naming each problem, for a field the model does not have, a
    field of the wrong kind, or close_after without a date_field.
    """
    problems = []
    if close_after is not None and (
        isinstance(close_after, bool) or not isinstance(close_after, int) or close_after < 1
    ):
        problems.append(
            f"close_after must be a whole number of days (1 or more), not {close_after!r}"
        )
    if close_after is not None and date_field is None:
        problems.append("close_after needs a date_field to count the days from")
    kinds = (
        (date_field, (models.DateField,), "a DateField or DateTimeField"),
        (enable_field, (models.BooleanField,), "a BooleanField"),
    )
    for name, classes, kind in kinds:
        if name is None:
            continue
        try:
            found = model._meta.get_field(name)
        except FieldDoesNotExist:
            problems.append(f"{model._meta.label} has no field {name!r}")
            continue
        if not isinstance(found, classes):
            problems.append(f"{model._meta.label}.{name} must be {kind}")
    if problems:
        raise ImproperlyConfigured(
            f"moderation.policies.register({model.__name__}): " + "; ".join(problems) + "."
        )
    _POLICIES[model] = ModerationPolicy(close_after, date_field, enable_field)


def unregister(model: type[models.Model]) -> None:
    _POLICIES.pop(model, None)


def policy_for(model: type[models.Model]) -> ModerationPolicy:
    """Return the options registered for `model` (or its concrete parent); none: always open."""
    return _POLICIES.get(model) or _POLICIES.get(model._meta.concrete_model or model, _OPEN)


def has_dated_policy() -> bool:
    """Whether some registered model has a date_field, which CLOSE_AFTER_DAYS counts from."""
    return any(policy.date_field for policy in _POLICIES.values())


@dataclass(frozen=True)
class Closure:
    """Why comments on an object are closed: by its field, or `days` after its date."""

    days: int | None = None

    @property
    def reason(self) -> str:
        """Return the sentence a reader sees instead of the form, in the site's language."""
        if self.days is None:
            return gettext("Comments are closed on this page.")
        return ngettext(
            "Comments are closed on this page: they close %(days)s day after publication.",
            "Comments are closed on this page: they close %(days)s days after publication.",
            self.days,
        ) % {"days": self.days}


def closure(target: models.Model) -> Closure | None:
    """Return why comments on `target` are closed, or None while they are open."""
    policy = policy_for(type(target))
    if policy.enable_field is not None and not getattr(target, policy.enable_field):
        return Closure()
    days = policy.close_after or get_settings()["CLOSE_AFTER_DAYS"]
    if days is None or policy.date_field is None:
        return None
    published = getattr(target, policy.date_field)
    if published is None:
        return None
    now = timezone.now()
    if not isinstance(published, datetime.datetime):  # a DateField: from that day's start
        published = datetime.datetime.combine(published, datetime.time())
        if timezone.is_aware(now):
            published = timezone.make_aware(published)
    return Closure(days) if now >= published + datetime.timedelta(days=days) else None


def check_close_after(**kwargs: object) -> list[CheckMessage]:
    """Report a CLOSE_AFTER_DAYS that closes nothing: it counts from a registered date_field."""
    days = get_settings()["CLOSE_AFTER_DAYS"]
    if days is None or has_dated_policy():
        return []
    return [
        Warning(
            f"MODERATION['CLOSE_AFTER_DAYS'] is {days!r}, but no model is registered with a "
            "date_field, so no comments close.",
            hint="Register the models comments hang under, with the field holding their "
            "publication date: moderation.policies.register(Article, "
            "date_field='published_at'), in your app's AppConfig.ready().",
            id="moderation.W007",
        )
    ]
