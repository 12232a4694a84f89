"""Personal data in comments: IP addresses and emails (and browser details) are cleared after
PERSONAL_DATA_DAYS, and one person's comments can be exported or erased on request.

The text, the author's name and the moderators' labels stay when data is anonymised: a
published comment shows its name anyway, and the labels are what retraining learns from.
Erasing removes the person's comments entirely, label snapshots included, and every other
place their email or IP address landed: the rules made from them, and the notes of decisions
and rules that name them. (The app's own log messages never hold an email or IP address.)
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from moderation.conf import get_settings
from moderation.models import Comment, Decision, Rule

ERASED = "[erased]"  # what stands in a note for an erased email or IP address

# Fields that identify a person beyond the name a comment is published under.
PERSONAL_FIELDS = {"ip_address": None, "author_email": "", "user_agent": "", "referrer": ""}


@dataclass(frozen=True)
class Person:
    """Whose data a request is about: an email address, an IP address, or both."""

    email: str = ""
    ip_address: str = ""

    def __post_init__(self) -> None:
        if not (self.email or self.ip_address):
            raise ValueError("Name the person by an email address or an IP address.")

    @property
    def identifiers(self) -> list[str]:
        """The person's email and IP address as given, whichever are named."""
        return [v.strip() for v in (self.email, self.ip_address) if v.strip()]


def anonymise_old(days: int | None = None, *, now: datetime.datetime | None = None) -> int:
    """Clear personal fields of comments submitted more than `days` ago; return how many."""
    if days is None:
        days = get_settings()["PERSONAL_DATA_DAYS"]
        if days is None:
            return 0
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    old = Comment.objects.filter(submitted_at__lt=cutoff).filter(_has_personal_data())
    with transaction.atomic():
        count = old.update(**PERSONAL_FIELDS)
        # Label snapshots of deleted comments carry the email too.
        for decision in Decision.objects.filter(
            comment__isnull=True, created_at__lt=cutoff, snapshot__isnull=False
        ).exclude(snapshot__author_email=""):
            decision.snapshot = {**(decision.snapshot or {}), "author_email": ""}
            decision.save(update_fields=["snapshot"])
    return count


def comments_of(person: Person) -> QuerySet[Comment]:
    """Return every comment that `person` posted, by email (any case) or IP address."""
    match = Q()
    if person.email:
        match |= Q(author_email__iexact=person.email.strip())
    if person.ip_address:
        match |= Q(ip_address=person.ip_address.strip())
    return Comment.objects.filter(match).order_by("submitted_at", "pk")


def rules_of(person: Person) -> QuerySet[Rule]:
    """Return the rules whose value is the person's email or IP address."""
    return Rule.objects.filter(value__in=[v.casefold() for v in person.identifiers])


def _naming(model: type[Decision] | type[Rule], person: Person) -> QuerySet[Any]:
    """Return the rows of `model` whose note names the person's email or IP address."""
    match = Q()
    for value in person.identifiers:
        match |= Q(note__icontains=value)
    return model.objects.filter(match)


def export(person: Person) -> dict[str, list[dict[str, Any]]]:
    """Return everything stored about `person`, as JSON-ready dicts: their comments, the rules
    made from their email or IP address, and the notes that name them."""
    return {
        "comments": _export_comments(person),
        "rules": [
            {
                "kind": r.kind,
                "value": r.value,
                "note": r.note,
                "created_at": r.created_at.isoformat(),
            }
            for r in rules_of(person) | _naming(Rule, person)
        ],
        "decision_notes": [
            {"at": d.created_at.isoformat(), "action": d.action, "note": d.note}
            for d in _naming(Decision, person).order_by("created_at", "pk")
        ],
    }


def _export_comments(person: Person) -> list[dict[str, Any]]:
    rows = []
    for comment in comments_of(person).prefetch_related("history"):
        rows.append(
            {
                "id": comment.pk,
                "on": str(comment.content_object) if comment.content_object else None,
                "submitted_at": comment.submitted_at.isoformat(),
                "author_name": comment.author_name,
                "author_email": comment.author_email,
                "author_url": comment.author_url,
                "content": comment.content,
                "ip_address": comment.ip_address,
                "user_agent": comment.user_agent,
                "referrer": comment.referrer,
                "permalink": comment.permalink,
                "status": comment.status,
                "history": [
                    {"at": d.created_at.isoformat(), "action": d.action, "source": d.source}
                    for d in comment.history.all()
                ],
            }
        )
    return rows


def erase(person: Person) -> int:
    """Delete `person`'s comments and any label snapshot of them; return how many comments."""
    with transaction.atomic():
        comments = comments_of(person)
        count = comments.count()
        comments.delete()  # their decisions stay, without a comment and without text
        if person.email:
            Decision.objects.filter(
                comment__isnull=True, snapshot__author_email__iexact=person.email.strip()
            ).update(snapshot=None)
        rules_of(person).delete()
        for row in [*_naming(Decision, person), *_naming(Rule, person)]:
            row.note = _without(row.note, person)
            row.save(update_fields=["note"])
    return count


def _without(text: str, person: Person) -> str:
    """Return `text` with the person's email and IP address (any case) replaced by ERASED."""
    for value in person.identifiers:
        text = re.sub(re.escape(value), ERASED, text, flags=re.IGNORECASE)
    return text


def _has_personal_data() -> Q:
    return Q(ip_address__isnull=False) | ~Q(author_email="") | ~Q(user_agent="") | ~Q(referrer="")
