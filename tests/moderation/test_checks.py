from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import set_script_prefix

from moderation.checks import (
    check_comment_pages,
    check_default_model,
    check_privacy_url,
    check_settings,
)


def messages_for(settings, **overrides):
    settings.MODERATION = {**settings.MODERATION, **overrides}
    return [(m.id, m.msg) for m in check_settings()]


def test_default_settings_pass_the_checks(settings):
    assert messages_for(settings) == []


def test_unknown_key_is_w001(settings):
    assert messages_for(settings, SPAM_TRESHOLD=0.9) == [
        ("moderation.W001", "MODERATION has an unknown key 'SPAM_TRESHOLD'.")
    ]


@pytest.mark.parametrize("value", [1.5, -0.1, "0.8", True])
def test_threshold_outside_0_1_is_e001(settings, value):
    assert messages_for(settings, SPAM_THRESHOLD=value) == [
        (
            "moderation.E001",
            "MODERATION['SPAM_THRESHOLD'] must be a number between 0 and 1, or None for the "
            f"model's own, not {value!r}.",
        )
    ]


def test_discard_threshold_may_not_be_none_e001(settings):
    assert messages_for(settings, DISCARD_THRESHOLD=None) == [
        (
            "moderation.E001",
            "MODERATION['DISCARD_THRESHOLD'] must be a number between 0 and 1, not None.",
        )
    ]


def test_thresholds_left_to_the_model_pass(settings):
    assert messages_for(settings, HAM_THRESHOLD=None, SPAM_THRESHOLD=None) == []


def test_ham_threshold_above_spam_threshold_is_e002(settings):
    assert messages_for(settings, HAM_THRESHOLD=0.9, SPAM_THRESHOLD=0.5) == [
        (
            "moderation.E002",
            "MODERATION['HAM_THRESHOLD'] (0.9) is above MODERATION['SPAM_THRESHOLD'] (0.5).",
        )
    ]


@pytest.mark.parametrize("value", [0, -5, 2.5, "100"])
def test_max_comment_length_must_be_a_positive_whole_number_e003(settings, value):
    assert messages_for(settings, MAX_COMMENT_LENGTH=value) == [
        (
            "moderation.E003",
            "MODERATION['MAX_COMMENT_LENGTH'] must be a whole number of at least 1, "
            f"not {value!r}.",
        )
    ]


@pytest.mark.parametrize("key", ["DISCARD_BLATANT_SPAM", "HOLD_UNADVERTISED"])
def test_flags_must_be_a_bool_e004(settings, key):
    assert messages_for(settings, **{key: "yes"}) == [
        ("moderation.E004", f"MODERATION[{key!r}] must be True or False, not 'yes'.")
    ]


def test_missing_default_model_is_w002(settings, tmp_path):
    settings.MODERATION = {**settings.MODERATION, "DEFAULT_MODEL_DIR": tmp_path}

    [message] = check_default_model()

    assert message.id == "moderation.W002"
    assert message.msg == (
        f"The default model folder {tmp_path} has no model.joblib or model.sha256; "
        "until a model version is active, every comment will wait for review."
    )


def test_manage_py_check_fails_on_a_bad_threshold(settings):
    settings.MODERATION = {**settings.MODERATION, "HAM_THRESHOLD": 2}

    with pytest.raises(SystemCheckError, match="moderation.E001"):
        call_command("check")


@pytest.mark.parametrize("value", [-1, "2", None])
def test_model_check_interval_must_be_seconds_e005(settings, value):
    assert messages_for(settings, MODEL_CHECK_INTERVAL=value) == [
        (
            "moderation.E005",
            "MODERATION['MODEL_CHECK_INTERVAL'] must be a number of seconds (0 or more), "
            f"not {value!r}.",
        )
    ]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("RETENTION_DAYS", 0, "at least 1, or None to turn it off, not 0."),
        ("NOTIFY_PENDING_AT", "20", "at least 1, or None to turn it off, not '20'."),
        ("RECHECK_INLINE_LIMIT", -1, "at least 0, not -1."),
        ("COMMENTS_PER_PAGE", 0, "at least 1, or None to turn it off, not 0."),
        ("MEMORY_DAYS", 2.5, "at least 1, or None to turn it off, not 2.5."),
        ("REPLY_DEPTH", 0, "at least 1, not 0."),
        ("CLOSE_AFTER_DAYS", "30", "at least 1, or None to turn it off, not '30'."),
        ("DUPLICATE_WINDOW", 0, "at least 1, or None to turn it off, not 0."),
    ],
)
def test_counts_and_days_must_be_whole_numbers_e003(settings, key, value, expected):
    assert messages_for(settings, **{key: value}) == [
        ("moderation.E003", f"MODERATION[{key!r}] must be a whole number of {expected}")
    ]


def test_retention_and_notifications_may_be_turned_off(settings):
    assert messages_for(settings, RETENTION_DAYS=None, NOTIFY_PENDING_AT=None) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"NOTIFY_WEBHOOK_URL": "ftp://hooks.example"},
            "MODERATION['NOTIFY_WEBHOOK_URL'] must be an http(s) URL or None, "
            "not 'ftp://hooks.example'.",
        ),
        (
            {"NOTIFY_EMAILS": "mod@example.org"},
            "MODERATION['NOTIFY_EMAILS'] must be a list of email addresses, not 'mod@example.org'.",
        ),
    ],
)
def test_malformed_notification_settings_are_e006(settings, overrides, expected):
    assert messages_for(settings, **overrides) == [("moderation.E006", expected)]


def test_a_queue_threshold_nobody_hears_about_is_w003(settings):
    settings.MANAGERS = []

    assert messages_for(settings, NOTIFY_PENDING_AT=20) == [
        ("moderation.W003", "MODERATION['NOTIFY_PENDING_AT'] is set, but nobody would be told.")
    ]
    assert messages_for(settings, NOTIFY_PENDING_AT=20, NOTIFY_EMAILS=["m@example.org"]) == []


@pytest.mark.parametrize("rate", ["600", "0/min", "ten/min", "5/fortnight", 600])
def test_api_rates_must_be_drf_rates_e007(settings, rate):
    assert messages_for(settings, API_RATE=rate) == [
        (
            "moderation.E007",
            "MODERATION['API_RATE'] must be a rate such as '600/min' (per s, min, hour or day), "
            f"not {rate!r}.",
        )
    ]


@pytest.mark.parametrize("proxies", ["10.0.0.1", None, {"10.0.0.1"}])
def test_trusted_proxies_must_be_a_list_e010(settings, proxies):
    assert messages_for(settings, TRUSTED_PROXIES=proxies) == [
        (
            "moderation.E010",
            "MODERATION['TRUSTED_PROXIES'] must be a list of IP addresses or networks, "
            f"not {proxies!r}.",
        )
    ]


def test_trusted_proxies_that_are_not_addresses_are_e010(settings):
    assert messages_for(settings, TRUSTED_PROXIES=["10.0.0.1", "nginx", "10.0.0.0/33", 7]) == [
        (
            "moderation.E010",
            f"MODERATION['TRUSTED_PROXIES'] holds {entry!r}, which is not an IP address or "
            "network: X-Forwarded-For from it is not believed.",
        )
        for entry in ("nginx", "10.0.0.0/33", 7)
    ]


def test_trusted_proxies_may_be_addresses_and_networks(settings):
    proxies = ["127.0.0.1", "::1", "10.0.0.0/8", "2001:db8::/32", "192.168.1.7/24"]

    assert messages_for(settings, TRUSTED_PROXIES=proxies) == []


def test_manage_py_check_explains_a_bad_trusted_proxy(settings):
    settings.MODERATION = {**settings.MODERATION, "TRUSTED_PROXIES": ["nginx"]}

    with pytest.raises(SystemCheckError) as error:
        call_command("check")

    assert (
        "?: (moderation.E010) MODERATION['TRUSTED_PROXIES'] holds 'nginx', which is not an IP "
        "address or network: X-Forwarded-For from it is not believed.\n"
        "\tHINT: List your own proxies' addresses or networks, such as ['127.0.0.1'] or "
        "['10.0.0.0/8'] (host names are not looked up); an empty list trusts no proxy."
    ) in str(error.value)


@pytest.mark.parametrize("weight", [0, -1, "3", True])
def test_site_label_weight_must_be_positive_e005(settings, weight):
    assert messages_for(settings, SITE_LABEL_WEIGHT=weight) == [
        (
            "moderation.E005",
            f"MODERATION['SITE_LABEL_WEIGHT'] must be a number above 0, not {weight!r}.",
        )
    ]


@pytest.mark.parametrize("similarity", [0, 1.5, "0.3", True])
def test_memory_similarity_must_be_a_cosine_e009(settings, similarity):
    assert messages_for(settings, MEMORY_SIMILARITY=similarity) == [
        (
            "moderation.E009",
            "MODERATION['MEMORY_SIMILARITY'] must be a number above 0 and at most 1, or None "
            f"to turn campaign memory off, not {similarity!r}.",
        )
    ]


def test_campaign_memory_may_be_turned_off(settings):
    assert messages_for(settings, MEMORY_SIMILARITY=None, MEMORY_DAYS=None) == []


@pytest.mark.parametrize(
    ("overrides", "ids"),
    [
        (
            {
                "SPAM_TRESHOLD": 0.9,
                "HAM_THRESHOLD": 2,
                "DISCARD_THRESHOLD": None,
                "MAX_COMMENT_LENGTH": 0,
                "NOTIFY_PENDING_AT": "20",
                "CELERY": "yes",
                "MODEL_CHECK_INTERVAL": -1,
                "SITE_LABEL_WEIGHT": 0,
                "NOTIFY_WEBHOOK_URL": "ftp://hooks.example",
                "NOTIFY_EMAILS": "mod@example.org",
                "API_RATE": "600",
                "FORM_RATE_PER_IP": "fast",
                "MEMORY_SIMILARITY": 2,
                "TRUSTED_PROXIES": "10.0.0.1",
            },
            {"W001", "E001", "E003", "E004", "E005", "E006", "E007", "E009", "E010"},
        ),
        ({"HAM_THRESHOLD": 0.9, "SPAM_THRESHOLD": 0.5}, {"E002"}),
        ({"NOTIFY_PENDING_AT": 20}, {"W003"}),
    ],
)
def test_every_settings_message_has_a_hint(settings, overrides, ids):
    settings.MANAGERS = []
    settings.MODERATION = {**settings.MODERATION, **overrides}

    messages = check_settings()

    assert {m.id.removeprefix("moderation.") for m in messages} == ids
    assert [m.id for m in messages if not m.hint] == []


def test_unknown_key_hint_names_the_closest_known_key(settings):
    settings.MODERATION = {**settings.MODERATION, "SPAM_TRESHOLD": 0.9}

    [message] = check_settings()

    assert message.hint.startswith(
        "Did you mean 'SPAM_THRESHOLD'? Known keys: API_MAX_BODY_BYTES, "
    )


def without_request_processor(settings):
    engine = settings.TEMPLATES[0]
    processors = [p for p in engine["OPTIONS"]["context_processors"] if not p.endswith(".request")]
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine["OPTIONS"], "context_processors": processors}}
    ]


def test_comment_pages_without_the_request_in_templates_are_w004(settings):
    assert check_comment_pages() == []  # the test settings have the request processor

    without_request_processor(settings)

    assert [(m.id, m.hint) for m in check_comment_pages()] == [
        (
            "moderation.W004",
            "Add 'django.template.context_processors.request' to TEMPLATES' context_processors, "
            "or set COMMENTS_PER_PAGE to None to list every comment.",
        )
    ]


def test_an_unpaged_comment_list_needs_no_request_in_templates(settings):
    without_request_processor(settings)
    settings.MODERATION = {**settings.MODERATION, "COMMENTS_PER_PAGE": None}

    assert check_comment_pages() == []


def shared_cache_messages(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend}}
    return [(m.id, m.msg, m.hint) for m in run_checks(include_deployment_checks=True)]


SHARED_CACHE_HINT = (
    "Set CACHES['default'] to a cache every worker shares: Redis "
    "(django.core.cache.backends.redis.RedisCache), Memcached "
    "(django.core.cache.backends.memcached.PyMemcacheCache) or the database "
    "(django.core.cache.backends.db.DatabaseCache)."
)


def test_a_per_process_cache_is_e011_under_deploy(settings):
    messages = shared_cache_messages(settings, "django.core.cache.backends.locmem.LocMemCache")

    assert (
        "moderation.E011",
        "The default cache (django.core.cache.backends.locmem.LocMemCache) keeps its entries "
        "in each worker process's memory: each worker counts the comment-form and API rate "
        "limits on its own and accepts a comment form's token once more.",
        SHARED_CACHE_HINT,
    ) in messages


def test_a_cache_that_stores_nothing_is_e011_under_deploy(settings):
    messages = shared_cache_messages(settings, "django.core.cache.backends.dummy.DummyCache")

    assert (
        "moderation.E011",
        "The default cache (django.core.cache.backends.dummy.DummyCache) stores nothing: the "
        "comment-form and API rate limits never stop anyone and a comment form's token is "
        "accepted any number of times.",
        SHARED_CACHE_HINT,
    ) in messages


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.db.DatabaseCache",
    ],
)
def test_a_shared_cache_passes_the_deploy_check(settings, backend):
    messages = shared_cache_messages(settings, backend)

    assert [m for m in messages if m[0] == "moderation.E011"] == []


def test_the_shared_cache_check_runs_only_under_deploy(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    ids = [m.id for m in run_checks(include_deployment_checks=False)]

    assert "moderation.E011" not in ids


def privacy_url_messages(settings, url):
    settings.MODERATION = {**settings.MODERATION, "PRIVACY_URL": url}
    return [(m.id, m.msg, m.hint) for m in check_privacy_url()]


PRIVACY_HINT = (
    "Point it at your privacy page, or at Hamlet's own: 'moderation:privacy' is the privacy/ "
    "page of include('moderation.urls')."
)


@pytest.mark.parametrize(
    "url",
    [
        None,
        "/privacy/",  # the demo's own page
        "moderation:privacy",  # Hamlet's page, by URL name
        "/comments/privacy/",  # Hamlet's page, by path
        "/privacy/?from=comments#cookies",
        "https://example.org/privacy-policy/",  # another site's page is not ours to check
        "//example.org/privacy-policy/",
    ],
)
def test_a_privacy_url_the_site_serves_passes(settings, url):
    assert privacy_url_messages(settings, url) == []


def test_a_privacy_path_no_url_pattern_serves_is_w005(settings):
    assert privacy_url_messages(settings, "/privacy-policy/") == [
        (
            "moderation.W005",
            "MODERATION['PRIVACY_URL'] is '/privacy-policy/', which no URL pattern of this "
            "site serves: the privacy link under the comment form leads to a 404.",
            PRIVACY_HINT + " If another server or a middleware (flatpages) serves that path, "
            "add 'moderation.W005' to SILENCED_SYSTEM_CHECKS.",
        )
    ]


def test_a_privacy_url_name_the_site_does_not_have_is_w005(settings):
    assert privacy_url_messages(settings, "privacy_policy") == [
        (
            "moderation.W005",
            "MODERATION['PRIVACY_URL'] is 'privacy_policy', which is neither a URL name of this "
            "site nor a path: the privacy link under the comment form leads nowhere.",
            PRIVACY_HINT,
        )
    ]


def test_the_privacy_path_is_read_under_the_sites_script_prefix(settings):
    set_script_prefix("/news/")  # as django.setup() does with FORCE_SCRIPT_NAME = "/news/"
    try:
        served = privacy_url_messages(settings, "/news/privacy/")
        missing = privacy_url_messages(settings, "/news/privacy-policy/")
        outside_the_site = privacy_url_messages(settings, "/privacy-policy/")
    finally:
        set_script_prefix("/")

    assert served == []
    assert [message_id for message_id, _, _ in missing] == ["moderation.W005"]
    assert outside_the_site == []


def test_manage_py_check_warns_of_a_privacy_page_that_is_not_there(settings):
    settings.MODERATION = {**settings.MODERATION, "PRIVACY_URL": "/privacy-policy/"}

    messages = [(m.id, m.msg) for m in run_checks(tags=["urls"])]

    assert [message_id for message_id, _ in messages] == ["moderation.W005"]
