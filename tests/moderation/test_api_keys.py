from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from moderation.api.keys import (
    KEY_LENGTH,
    allows_blog,
    create_key,
    find_key,
    forget_keys,
    hash_key,
    record_usage,
    revoke,
)
from moderation.models import ApiKey, ApiUsage


def test_a_key_is_twelve_characters_and_only_its_hash_is_stored(db):
    api_key, raw = create_key("Daily Ledger")

    assert len(raw) == KEY_LENGTH == 12
    stored = ApiKey.objects.get()
    assert raw not in {stored.key_hash, stored.prefix, stored.site}
    assert stored.key_hash == hash_key(raw)
    assert find_key(raw) == api_key


def test_the_stored_hash_is_keyed_with_the_server_secret(db, settings):
    _, raw = create_key("Daily Ledger")
    stored = ApiKey.objects.get().key_hash

    # A database leak alone does not let anyone test guesses: the unkeyed hash is not stored.
    assert stored != hashlib.sha256(raw.encode()).hexdigest()
    settings.SECRET_KEY = "another-servers-secret-" + "x" * 40
    forget_keys()
    assert hash_key(raw) != stored
    assert find_key(raw) is None


def test_a_key_stored_unkeyed_or_under_a_retired_secret_works_and_is_rewritten(db, settings):
    old_style, old_raw = create_key("Old Ledger")
    ApiKey.objects.filter(pk=old_style.pk).update(
        key_hash=hashlib.sha256(old_raw.encode()).hexdigest()
    )
    retired, retired_raw = create_key("Retired Secret Ledger")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-" + "y" * 50
    forget_keys()

    assert find_key(old_raw) == old_style
    assert find_key(retired_raw) == retired
    assert ApiKey.objects.get(pk=old_style.pk).key_hash == hash_key(old_raw)
    assert ApiKey.objects.get(pk=retired.pk).key_hash == hash_key(retired_raw)
    forget_keys()
    assert find_key(old_raw) == old_style  # found by the new hash now


@pytest.mark.parametrize("guess", ["", None, "short", "x" * 12, "y" * 40])
def test_wrong_keys_find_nothing(db, guess):
    create_key("Daily Ledger")

    assert find_key(guess) is None


def test_a_revoked_key_stops_working(db):
    api_key, raw = create_key("Daily Ledger")

    revoke(api_key)

    assert find_key(raw) is None


def test_a_key_revoked_by_another_process_stops_working_after_the_check_interval(db, settings):
    settings.MODERATION = {**settings.MODERATION, "MODEL_CHECK_INTERVAL": 3600}
    api_key, raw = create_key("Daily Ledger")
    assert find_key(raw) == api_key  # now kept by this process

    # update() sends no post_save, as a revocation on another server reaches this one.
    ApiKey.objects.filter(pk=api_key.pk).update(revoked_at=timezone.now())

    assert find_key(raw) == api_key  # within the interval
    settings.MODERATION = {**settings.MODERATION, "MODEL_CHECK_INTERVAL": 0}
    assert find_key(raw) is None


def test_a_key_revoked_here_stops_working_at_once(db, settings):
    settings.MODERATION = {**settings.MODERATION, "MODEL_CHECK_INTERVAL": 3600}
    api_key, raw = create_key("Daily Ledger")
    assert find_key(raw) == api_key

    revoke(api_key)

    assert find_key(raw) is None


def test_allowed_hosts_include_subdomains_only(db):
    api_key, _ = create_key("Daily Ledger", ["News.Example"])
    anywhere, _ = create_key("Any")

    assert allows_blog(api_key, "https://news.example/")
    assert allows_blog(api_key, "https://www.news.example/blog")
    assert not allows_blog(api_key, "https://fakenews.example/")
    assert allows_blog(anywhere, "https://fakenews.example/")


def test_usage_is_counted_per_month(db):
    api_key, _ = create_key("Daily Ledger")

    record_usage(api_key, spam=1)
    record_usage(api_key, ham=1)
    record_usage(api_key)

    usage = ApiUsage.objects.get()
    assert (usage.api_calls, usage.spam, usage.ham) == (3, 1, 1)
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_create_api_key_prints_the_key_alone_on_its_last_line(db, capsys):
    call_command("create_api_key", "--site", "Daily Ledger", "--allowed-host", "news.example")

    last = capsys.readouterr().out.splitlines()[-1]
    assert len(last) == 12 and last.isalnum()
    assert find_key(last).allowed_hosts == "news.example"


def test_a_new_key_is_untrusted_unless_asked_and_says_so(db, capsys):
    call_command("create_api_key", "--site", "Riverside Gazette")
    call_command("create_api_key", "--site", "Newsroom CMS", "--trusted")
    call_command("create_api_key", "--site", "Evening Post", "--untrusted")

    out = capsys.readouterr().out
    trust = dict(ApiKey.objects.values_list("site", "is_trusted"))
    assert trust == {"Riverside Gazette": False, "Newsroom CMS": True, "Evening Post": False}
    assert "(allowed: any host; trusted)" in out
    assert "(allowed: any host; untrusted: its reports count for its own checks only)" in out


def test_create_api_key_refuses_trusted_and_untrusted_together(db):
    with pytest.raises(CommandError, match="not allowed with argument --trusted"):
        call_command("create_api_key", "--site", "x", "--trusted", "--untrusted")


def test_create_api_key_refuses_a_url_for_a_host(db):
    with pytest.raises(CommandError, match="takes a host name"):
        call_command("create_api_key", "--site", "x", "--allowed-host", "https://news.example/")


def test_revoke_api_key_by_prefix(db, capsys):
    api_key, raw = create_key("Daily Ledger")

    call_command("revoke_api_key", raw[:4])

    assert find_key(raw) is None
    with pytest.raises(CommandError, match="No active API key"):
        call_command("revoke_api_key", raw[:4])


def test_the_admin_shows_a_new_key_once(admin_client):
    response = admin_client.post(
        reverse("admin:moderation_apikey_add"),
        {
            "site": "Daily Ledger",
            "allowed_hosts": "News.Example",
            "rate_limit": "",
            # The usage inline's management form, as the admin page sends it.
            "usage-TOTAL_FORMS": "0",
            "usage-INITIAL_FORMS": "0",
        },
        follow=True,
    )

    html = response.content.decode()
    api_key = ApiKey.objects.get()
    raw = html.split("The API key for Daily Ledger is ")[1][:12]
    assert find_key(raw) == api_key
    assert api_key.allowed_hosts == "news.example"
    again = admin_client.get(reverse("admin:moderation_apikey_change", args=[api_key.pk]))
    assert raw not in again.content.decode()


def test_the_admin_lists_each_keys_calls_this_month(admin_client):
    api_key, _ = create_key("Daily Ledger")
    for _ in range(3):
        record_usage(api_key, spam=1)

    html = admin_client.get(reverse("admin:moderation_apikey_changelist")).content.decode()
    page = admin_client.get(reverse("admin:moderation_apikey_change", args=[api_key.pk]))

    assert '<td class="field-calls_this_month">3</td>' in html
    assert "Missed spam" in page.content.decode()


def test_the_admin_shows_and_sets_whether_a_key_is_trusted(admin_client):
    api_key, _ = create_key("Daily Ledger")
    change = reverse("admin:moderation_apikey_change", args=[api_key.pk])

    listing = admin_client.get(reverse("admin:moderation_apikey_changelist")).content.decode()
    admin_client.post(
        change,
        {
            "site": "Daily Ledger",
            "allowed_hosts": "",
            "rate_limit": "",
            "is_trusted": "on",
            "usage-TOTAL_FORMS": "0",
            "usage-INITIAL_FORMS": "0",
        },
    )

    assert '<td class="field-is_trusted"><img src="/static/admin/img/icon-no.svg"' in listing
    api_key.refresh_from_db()
    assert api_key.is_trusted
    assert "campaign memory for every site" in admin_client.get(change).content.decode()


def test_the_admin_refuses_a_malformed_rate_limit(admin_client):
    response = admin_client.post(
        reverse("admin:moderation_apikey_add"),
        {"site": "x", "rate_limit": "lots", "usage-TOTAL_FORMS": "0", "usage-INITIAL_FORMS": "0"},
    )

    assert "Write a rate such as 600/min" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_last_used_is_written_at_most_once_a_minute(db):
    import time_machine

    api_key, _ = create_key("Daily Ledger")
    with time_machine.travel("2026-11-29 10:00:00Z", tick=False):
        record_usage(api_key)
        api_key.refresh_from_db()
        first = api_key.last_used_at
    with time_machine.travel("2026-11-29 10:00:30Z", tick=False):
        record_usage(api_key)
        api_key.refresh_from_db()
        assert api_key.last_used_at == first
    with time_machine.travel("2026-11-29 10:01:05Z", tick=False):
        record_usage(api_key)
        api_key.refresh_from_db()
        assert api_key.last_used_at > first
    assert ApiUsage.objects.get().api_calls == 3
