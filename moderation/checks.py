"""System checks for the MODERATION settings and the model file (ids listed in docs/settings.md)."""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.checks import CheckMessage, Error, Warning

from moderation.client_address import proxy_network
from moderation.conf import DEFAULTS, get_settings
from moderation.rate_limits import RATE

_PROBABILITIES = ("HAM_THRESHOLD", "SPAM_THRESHOLD", "DISCARD_THRESHOLD")
# Whole-number settings and their minimum; the optional ones may also be None (off).
_WHOLE_NUMBERS = {
    "API_MAX_BODY_BYTES": 1,
    "MAX_COMMENT_LENGTH": 1,
    "MAX_FORM_AGE": 1,
    "MIN_SUBMIT_SECONDS": 0,
    "RECHECK_INLINE_LIMIT": 0,
    "REPLY_DEPTH": 1,
}
_OPTIONAL_WHOLE_NUMBERS = {
    "CLOSE_AFTER_DAYS": 1,
    "COMMENTS_PER_PAGE": 1,
    "DUPLICATE_WINDOW": 1,
    "MEMORY_DAYS": 1,
    "NOTIFY_PENDING_AT": 1,
    "PERSONAL_DATA_DAYS": 1,
    "RETENTION_DAYS": 1,
}
_REQUEST_PROCESSOR = "django.template.context_processors.request"
# Values the hints suggest where the default is None (else they suggest the default).
_EXAMPLES = {
    "CLOSE_AFTER_DAYS": 30,
    "HAM_THRESHOLD": 0.1,
    "SPAM_THRESHOLD": 0.9,
    "NOTIFY_PENDING_AT": 20,
}


def check_settings(**kwargs: Any) -> list[CheckMessage]:
    """Report unknown keys and values of the wrong type or range in MODERATION."""
    conf = get_settings()
    messages: list[CheckMessage] = []
    for key in sorted(set(conf) - set(DEFAULTS)):
        guess = get_close_matches(str(key), DEFAULTS, n=1)
        messages.append(
            Warning(
                f"MODERATION has an unknown key {key!r}.",
                hint=(f"Did you mean {guess[0]!r}? " if guess else "")
                + f"Known keys: {', '.join(sorted(DEFAULTS))}.",
                id="moderation.W001",
            )
        )
    for key in _PROBABILITIES:
        value = conf[key]
        if value is None and key != "DISCARD_THRESHOLD":
            continue  # the active model's own threshold
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            messages.append(
                Error(
                    f"MODERATION[{key!r}] must be a number between 0 and 1"
                    + (", or None for the model's own" if key != "DISCARD_THRESHOLD" else "")
                    + f", not {value!r}.",
                    hint=f"Write a probability such as {_EXAMPLES.get(key, DEFAULTS[key])}"
                    + (
                        ", or None to use the one in the active model's card."
                        if key != "DISCARD_THRESHOLD"
                        else "."
                    ),
                    id="moderation.E001",
                )
            )
    ham, spam = conf["HAM_THRESHOLD"], conf["SPAM_THRESHOLD"]
    if not messages and ham is not None and spam is not None and ham > spam:
        messages.append(
            Error(
                f"MODERATION['HAM_THRESHOLD'] ({conf['HAM_THRESHOLD']}) is above "
                f"MODERATION['SPAM_THRESHOLD'] ({conf['SPAM_THRESHOLD']}).",
                hint="Comments scoring between the two wait for review; the ham one must be lower.",
                id="moderation.E002",
            )
        )
    interval = conf["MODEL_CHECK_INTERVAL"]
    if isinstance(interval, bool) or not isinstance(interval, int | float) or interval < 0:
        messages.append(
            Error(
                f"MODERATION['MODEL_CHECK_INTERVAL'] must be a number of seconds (0 or more), "
                f"not {interval!r}.",
                hint="Seconds, such as 2.0; 0 asks the database before every comment.",
                id="moderation.E005",
            )
        )
    for key, minimum in (_WHOLE_NUMBERS | _OPTIONAL_WHOLE_NUMBERS).items():
        value = conf[key]
        optional = key in _OPTIONAL_WHOLE_NUMBERS
        if value is None and optional:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            messages.append(
                Error(
                    f"MODERATION[{key!r}] must be a whole number of at least {minimum}"
                    + (", or None to turn it off" if optional else "")
                    + f", not {value!r}.",
                    hint=f"Write an int such as {_EXAMPLES.get(key, DEFAULTS[key])}"
                    + (", or None to turn it off." if optional else "."),
                    id="moderation.E003",
                )
            )
    messages += _check_notifications(conf)
    messages += _check_api_rates(conf)
    messages += _check_trusted_proxies(conf["TRUSTED_PROXIES"])
    weight = conf["SITE_LABEL_WEIGHT"]
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
        messages.append(
            Error(
                f"MODERATION['SITE_LABEL_WEIGHT'] must be a number above 0, not {weight!r}.",
                hint="How many shipped reference comments each site label weighs, such as 3.0.",
                id="moderation.E005",
            )
        )
    similarity = conf["MEMORY_SIMILARITY"]
    if similarity is not None and (
        isinstance(similarity, bool)
        or not isinstance(similarity, int | float)
        or not 0 < similarity <= 1
    ):
        messages.append(
            Error(
                "MODERATION['MEMORY_SIMILARITY'] must be a number above 0 and at most 1, or None "
                f"to turn campaign memory off, not {similarity!r}.",
                hint="A cosine similarity such as 0.3; higher asks for closer near-duplicates.",
                id="moderation.E009",
            )
        )
    for key in ("CELERY", "DISCARD_BLATANT_SPAM", "HOLD_UNADVERTISED", "METRICS"):
        if not isinstance(conf[key], bool):
            messages.append(
                Error(
                    f"MODERATION[{key!r}] must be True or False, not {conf[key]!r}.",
                    hint="Write True or False, without quotes.",
                    id="moderation.E004",
                )
            )
    return messages


def _check_api_rates(conf: dict[str, Any]) -> list[CheckMessage]:
    return [
        Error(
            f"MODERATION[{key!r}] must be a rate such as '600/min' (per s, min, hour or day), "
            f"not {conf[key]!r}.",
            hint=f"Requests per period, as Django REST framework writes them: {DEFAULTS[key]!r}"
            + (", or None for no limit." if key == "FORM_RATE_PER_IP" else "."),
            id="moderation.E007",
        )
        for key in ("API_RATE", "API_RATE_PER_IP", "FORM_RATE_PER_IP")
        if not (isinstance(conf[key], str) and RATE.match(conf[key]))
        and not (key == "FORM_RATE_PER_IP" and conf[key] is None)
    ]


def network_list_errors(
    key: str, value: Any, effect: str, hint: str, id: str
) -> list[CheckMessage]:
    """Return the errors of a setting that must list IP addresses or networks (proxy_network()
    reads each): one if it is not a list, else one per entry that is neither. `effect` says
    what such an entry does, after "which is not an IP address or network: "."""
    if not isinstance(value, list | tuple):
        return [
            Error(
                f"MODERATION['{key}'] must be a list of IP addresses or networks, not {value!r}.",
                hint=hint,
                id=id,
            )
        ]
    return [
        Error(
            f"MODERATION['{key}'] holds {entry!r}, which is not an IP address or network: {effect}",
            hint=hint,
            id=id,
        )
        for entry in value
        if proxy_network(entry) is None
    ]


def _check_trusted_proxies(proxies: Any) -> list[CheckMessage]:
    hint = (
        "List your own proxies' addresses or networks, such as ['127.0.0.1'] or ['10.0.0.0/8'] "
        "(host names are not looked up); an empty list trusts no proxy."
    )
    effect = "X-Forwarded-For from it is not believed."
    return network_list_errors("TRUSTED_PROXIES", proxies, effect, hint, "moderation.E010")


def _check_notifications(conf: dict[str, Any]) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    url, emails = conf["NOTIFY_WEBHOOK_URL"], conf["NOTIFY_EMAILS"]
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        messages.append(
            Error(
                f"MODERATION['NOTIFY_WEBHOOK_URL'] must be an http(s) URL or None, not {url!r}.",
                hint="Such as 'https://chat.example.org/hooks/moderation'; None sends no POST.",
                id="moderation.E006",
            )
        )
    if not isinstance(emails, list | tuple) or not all(isinstance(e, str) for e in emails):
        messages.append(
            Error(
                f"MODERATION['NOTIFY_EMAILS'] must be a list of email addresses, not {emails!r}.",
                hint="Such as ['moderators@example.org'], even for one address; an empty list "
                "tells settings.MANAGERS.",
                id="moderation.E006",
            )
        )
    elif isinstance(conf["NOTIFY_PENDING_AT"], int) and not (emails or settings.MANAGERS or url):
        messages.append(
            Warning(
                "MODERATION['NOTIFY_PENDING_AT'] is set, but nobody would be told.",
                hint="Set MODERATION['NOTIFY_EMAILS'], settings.MANAGERS or "
                "MODERATION['NOTIFY_WEBHOOK_URL'].",
                id="moderation.W003",
            )
        )
    return messages


def check_comment_pages(**kwargs: Any) -> list[CheckMessage]:
    """Report a paged comment list whose page links cannot work: no request in the context."""
    from django.template import engines
    from django.template.backends.django import DjangoTemplates

    if not isinstance(get_settings()["COMMENTS_PER_PAGE"], int):
        return []  # no pages (None), or a wrong value: E003
    django_engines = [e for e in engines.all() if isinstance(e, DjangoTemplates)]
    if not django_engines or any(
        _REQUEST_PROCESSOR in engine.engine.context_processors for engine in django_engines
    ):
        return []
    return [
        Warning(
            "{% render_comment_list %} shows MODERATION['COMMENTS_PER_PAGE'] comments a page, "
            "but without the request in the template context its links to older pages "
            "cannot work: the newest page always shows.",
            hint=f"Add '{_REQUEST_PROCESSOR}' to TEMPLATES' context_processors, or set "
            "COMMENTS_PER_PAGE to None to list every comment.",
            id="moderation.W004",
        )
    ]


def check_shared_cache(**kwargs: Any) -> list[CheckMessage]:
    """Report a default cache that workers cannot share (a deployment check: `check --deploy`)."""
    # The cache the rate limits and the comment form's used tokens live in (issue 18).
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, LocMemCache):
        problem = (
            "keeps its entries in each worker process's memory: each worker counts the "
            "comment-form and API rate limits on its own and accepts a comment form's token "
            "once more"
        )
    elif isinstance(backend, DummyCache):
        problem = (
            "stores nothing: the comment-form and API rate limits never stop anyone and a "
            "comment form's token is accepted any number of times"
        )
    else:
        return []
    name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    return [
        Error(
            f"The default cache ({name}) {problem}.",
            hint="Set CACHES['default'] to a cache every worker shares: Redis "
            "(django.core.cache.backends.redis.RedisCache), Memcached "
            "(django.core.cache.backends.memcached.PyMemcacheCache) or the database "
            "(django.core.cache.backends.db.DatabaseCache).",
            id="moderation.E011",
        )
    ]


def check_default_model(**kwargs: Any) -> list[CheckMessage]:
    """Report a default model folder without a model file or checksum."""
    from moderation.classifier.artifacts import CHECKSUM_FILE, MODEL_FILE

    directory = Path(get_settings()["DEFAULT_MODEL_DIR"])
    missing = [name for name in (MODEL_FILE, CHECKSUM_FILE) if not (directory / name).is_file()]
    if not missing:
        return []
    return [
        Warning(
            f"The default model folder {directory} has no {' or '.join(missing)}; "
            "until a model version is active, every comment will wait for review.",
            hint="Run `python manage.py activate_spam_model DIR` with a trained model folder.",
            id="moderation.W002",
        )
    ]


def check_active_model(
    *, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Report an active model version whose file is missing or does not match its checksum."""
    from moderation.model_health import active_version_problem, has_model_table

    messages: list[CheckMessage] = []
    # A database check, as Django's own: it runs only when given databases (check --database,
    # migrate, the test runner), and not before migrate has created the table.
    for alias in databases or ():
        problem = active_version_problem(alias) if has_model_table(alias) else None
        if problem is not None:
            messages.append(
                Error(
                    f"The active model version's file is missing or does not match its "
                    f"checksum. {problem} New comments wait for review unscored.",
                    hint="Run `python manage.py activate_spam_model default` to score with the "
                    "shipped model, or `python manage.py rollback_spam_model` to go back to the "
                    "previous version.",
                    id="moderation.E008",
                )
            )
    return messages


def check_privacy_url(**kwargs: Any) -> list[CheckMessage]:
    """Report a PRIVACY_URL that no URL of the site serves: every form would link to a 404."""
    from urllib.parse import urlsplit

    from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse

    url = get_settings()["PRIVACY_URL"]
    if not isinstance(url, str) or not url:
        return []  # None: no link; a reverse_lazy() is checked where it is evaluated
    hint = (
        "Point it at your privacy page, or at Hamlet's own: 'moderation:privacy' is the "
        "privacy/ page of include('moderation.urls')."
    )
    # As resolve_url() reads it (the comment form's template tag uses it): a URL name unless
    # it has a / or a dot.
    if "/" not in url and "." not in url:
        try:
            reverse(url)
        except NoReverseMatch:
            return [
                Warning(
                    f"MODERATION['PRIVACY_URL'] is {url!r}, which is neither a URL name of "
                    "this site nor a path: the privacy link under the comment form leads "
                    "nowhere.",
                    hint=hint,
                    id="moderation.W005",
                )
            ]
        return []
    parts, prefix = urlsplit(url), get_script_prefix()
    # Another site's page, or one outside this site's path (FORCE_SCRIPT_NAME): only a browser
    # can check those.
    if parts.scheme or parts.netloc or not parts.path.startswith(prefix):
        return []
    try:
        resolve("/" + parts.path.removeprefix(prefix))
    except Resolver404:
        return [
            Warning(
                f"MODERATION['PRIVACY_URL'] is {url!r}, which no URL pattern of this site "
                "serves: the privacy link under the comment form leads to a 404.",
                hint=hint + " If another server or a middleware (flatpages) serves that path, "
                "add 'moderation.W005' to SILENCED_SYSTEM_CHECKS.",
                id="moderation.W005",
            )
        ]
    return []
