"""Moderators' allow and block rules: applied to a new comment before the classifier scores it.

A block rule wins over an allow rule: an email address is not verified, so a spammer can write
a trusted reader's address, but cannot make a blocked IP or link domain look clean.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext

from moderation.caches import timed_cache
from moderation.models import Comment, Rule, RuleKind

_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def normalize_value(kind: str, value: str) -> str:
    """Return the stored form of a rule's value; ValidationError if it is not of its kind."""
    value = value.strip().casefold()
    if kind in (RuleKind.ALLOW_EMAIL, RuleKind.BLOCK_EMAIL):
        validate_email(value)
    elif kind == RuleKind.BLOCK_IP:
        try:
            value = str(ipaddress.ip_address(value))
        except ValueError:
            raise ValidationError(
                gettext("%(value)r is not an IP address.") % {"value": value}
            ) from None
    else:
        value = value.removeprefix("www.") if kind == RuleKind.BLOCK_LINK_DOMAIN else value
        value = value.lstrip("@")
        if not _DOMAIN.match(value):
            raise ValidationError(
                gettext("%(value)r is not a domain name such as example.com.") % {"value": value}
            )
    return value


def link_domains(comment: Comment) -> list[str]:
    """Return the hosts the comment links to (its text and the author's website), in order."""
    urls = _LINK.findall(comment.content)
    if comment.author_url:
        urls.append(comment.author_url)
    hosts: list[str] = []
    for url in urls:
        host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").casefold()
        host = host.removeprefix("www.")
        if host and host not in hosts:
            hosts.append(host)
    return hosts


def matching_rule(comment: Comment) -> Rule | None:
    """Return the rule that decides `comment`, a block rule before an allow rule, or None."""
    email = comment.author_email.casefold()
    email_domain = email.rpartition("@")[2]
    candidates: dict[str, list[str]] = {
        RuleKind.BLOCK_IP: [comment.ip_address] if comment.ip_address else [],
        RuleKind.BLOCK_EMAIL: [email] if email else [],
        RuleKind.BLOCK_EMAIL_DOMAIN: _with_parents([email_domain] if email_domain else []),
        RuleKind.BLOCK_LINK_DOMAIN: _with_parents(link_domains(comment)),
        RuleKind.ALLOW_EMAIL: [email] if email else [],
    }
    wanted = [(kind, value) for kind, values in candidates.items() for value in values]
    known = _known_rules()
    pk = next((known[key] for key in wanted if key in known), None)
    if pk is None:
        return None
    rule = Rule.objects.filter(pk=pk).first()
    if rule is None:  # deleted without a signal (raw SQL, another process): look again
        forget_rules()
        return matching_rule(comment)
    return rule


# (kind, value) -> pk of every rule: each comment is checked against the rules before it is
# scored, and a query per comment cost a worker about a tenth of its time (bench/README.md).
# Other processes see a new or deleted rule within MODEL_CHECK_INTERVAL; this one at once
# (forget_rules is connected to Rule's post_save and post_delete).
@timed_cache()
def _known_rules() -> dict[tuple[str, str], int]:
    rows = Rule.objects.values_list("kind", "value", "pk")
    return {(kind, value): pk for kind, value, pk in rows}


forget_rules = _known_rules.forget


def _with_parents(hosts: Iterable[str]) -> list[str]:
    """Return each host and its parent domains: a rule for example.com covers a.example.com."""
    result: list[str] = []
    for host in hosts:
        labels = host.split(".")
        result += [".".join(labels[i:]) for i in range(len(labels) - 1)]
    return result


def describe(rule: Rule) -> str:
    """Return the reason shown to moderators for a comment this rule decided."""
    # English: it is also the stored note of the rule's Decision, which outlives the request.
    return f"By rule “{rule}”"
