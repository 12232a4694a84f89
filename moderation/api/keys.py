"""API keys: made once and shown once, stored as an HMAC of the server's SECRET_KEY, found by
prefix, compared in constant time. Keys are 12 characters because the WordPress Akismet plugin
refuses any other length without making a request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connections, router
from django.utils import timezone
from django.utils.crypto import salted_hmac

from moderation.caches import timed_cache
from moderation.models import LABEL_FOR_ACTION, ApiKey, ApiUsage
from moderation.verdicts import Verdict

KEY_LENGTH = 12
LAST_USED_RESOLUTION = timedelta(minutes=1)
PREFIX_LENGTH = 4
_ALPHABET = string.ascii_lowercase + string.digits  # 36^12: about 62 bits
_SALT = "moderation.api.keys"


def hash_key(raw: str, secret: str | bytes | None = None) -> str:
    """Return the stored form of a key: an HMAC-SHA256 keyed with the server's secret.

    A database leak alone is not enough to try keys (an unkeyed hash of a key whose first 4
    characters are stored could be searched in minutes). A fast hash suits a random 62-bit key,
    and comment-check must answer well inside the Akismet clients' 1 s timeout.
    """
    return salted_hmac(_SALT, raw, secret=secret, algorithm="sha256").hexdigest()


def _older_hashes(raw: str) -> list[str]:
    """The forms a key may still be stored in: under a SECRET_KEY_FALLBACKS secret, or the
    unkeyed SHA-256 of before; find_key rewrites a key found so in the current form."""
    return [
        *(hash_key(raw, secret) for secret in settings.SECRET_KEY_FALLBACKS),
        hashlib.sha256(raw.encode()).hexdigest(),
    ]


def set_new_key(api_key: ApiKey) -> str:
    """Give an unsaved ApiKey a fresh key; return the key, which is not stored anywhere."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(KEY_LENGTH))
    api_key.prefix, api_key.key_hash = raw[:PREFIX_LENGTH], hash_key(raw)
    return raw


def create_key(
    site: str,
    allowed_hosts: list[str] | tuple[str, ...] = (),
    user: AbstractBaseUser | None = None,
    *,
    is_trusted: bool = False,
) -> tuple[ApiKey, str]:
    """Return a new key's row and the key itself, which cannot be shown again."""
    api_key = ApiKey(
        site=site,
        allowed_hosts="\n".join(h.strip().casefold() for h in allowed_hosts if h.strip()),
        created_by=user,  # type: ignore[misc]  # any AUTH_USER_MODEL
        is_trusted=is_trusted,
    )
    raw = set_new_key(api_key)
    api_key.save()
    return api_key, raw


def find_key(raw: str | None) -> ApiKey | None:
    """Return the active key `raw` belongs to, or None."""
    if not raw or len(raw) != KEY_LENGTH:
        return None
    candidates = _keys_with_prefix(raw[:PREFIX_LENGTH])
    digest = hash_key(raw)
    for candidate in candidates:
        if hmac.compare_digest(candidate.key_hash, digest):
            return candidate
    for older in _older_hashes(raw):
        for candidate in candidates:
            if hmac.compare_digest(candidate.key_hash, older):
                # Stored before keys were keyed (or under a retired secret): rewrite it now.
                ApiKey.objects.filter(pk=candidate.pk, key_hash=older).update(key_hash=digest)
                candidate.key_hash = digest
                return candidate
    return None


# The active keys by prefix: the lookup was about a tenth of a worker's time per API call
# (bench/README.md). A key created, changed or revoked is seen at once by this process
# (forget_keys is connected to ApiKey's post_save and post_delete) and within
# MODEL_CHECK_INTERVAL by the others. Unknown prefixes are kept too, so bounded.
@timed_cache(max_entries=10_000)
def _keys_with_prefix(prefix: str) -> list[ApiKey]:
    return list(ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True))


forget_keys = _keys_with_prefix.forget


def revoke(api_key: ApiKey) -> None:
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked_at"])


def allows_blog(api_key: ApiKey, blog_url: str) -> bool:
    """Return whether the key may be used for `blog_url` (its host on the key's list)."""
    hosts = api_key.allowed_hosts.split()
    if not hosts:
        return True
    try:
        parts = urlsplit(blog_url if "//" in blog_url else f"//{blog_url}")
    except ValueError:  # such as "http://[": not a URL of any host
        return False
    host = (parts.hostname or "").casefold()
    return any(host == allowed or host.endswith(f".{allowed}") for allowed in hosts)


# A key's monthly figures say how well the filter did on its own, alike in both APIs: `spam`
# counts the checks it filed as spam, `ham` all the others (published, held or unscored), and
# `missed_spam` and `false_positives` the client's reports that contradict that filing. So a
# held comment reported as spam is missed spam: a person had to catch it (were it not, a model
# that held everything would show no mistakes at all), and every mistake is one of the checks
# counted, which keeps Akismet's get-stats accuracy, 1 - mistakes / checks, a true share.


def check_outcome(*, is_spam: bool) -> dict[str, int]:
    """Return what a check adds to its key's usage: spam if it was filed as spam, else ham."""
    return {"spam": 1} if is_spam else {"ham": 1}


def report_outcome(verdict: str, action: str) -> dict[str, int]:
    """Return what a client's decision `action` on a checked comment adds to its key's usage.

    Spam reported for a comment whose `verdict` was not spam (published, held or unscored) is
    missed spam; not spam (or approved) for one filed as spam is a false positive. Agreeing
    with the filing, or only removing the comment, adds nothing.
    """
    reported_spam = LABEL_FOR_ACTION.get(action)
    if reported_spam is None or reported_spam == (verdict == Verdict.SPAM):
        return {}
    return {"missed_spam": 1} if reported_spam else {"false_positives": 1}


def record_usage(api_key: ApiKey, **outcomes: int) -> None:
    """Count one call of `api_key` this month, plus any outcomes (spam=1, ham=1, ...)."""
    now = timezone.now()
    month = now.strftime("%Y-%m")
    counts = {"api_calls": 1, **outcomes}
    if not _add_usage(api_key.pk, month, counts):
        # The month's first call; get_or_create copes with a concurrent first call.
        ApiUsage.objects.get_or_create(api_key=api_key, month=month)
        _add_usage(api_key.pk, month, counts)
    # last_used_at tells whether a key is still in use, to the minute: writing it on every
    # call cost each comment-check an UPDATE and a commit (bench/http_load.py).
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now  # the instance is reused while cached (find_key)


def _add_usage(key_id: int, month: str, counts: dict[str, int]) -> int:
    """Add `counts` to the key's row for `month` in one UPDATE; return the rows changed (0/1).

    Written out rather than built by the ORM: building `filter().update(F() + n)` cost a
    comment-check more than the statement itself (bench/README.md).
    """
    connection = connections[router.db_for_write(ApiUsage)]
    quote = connection.ops.quote_name  # the counters' columns are their field names
    sql = "UPDATE {} SET {} WHERE api_key_id = %s AND month = %s".format(
        quote(ApiUsage._meta.db_table),
        ", ".join(f"{quote(name)} = {quote(name)} + %s" for name in counts),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*counts.values(), key_id, month])
        return cursor.rowcount
