"""The client's address (moderation.client_address): REMOTE_ADDR, unless a trusted proxy passed
the request on; the one the comment form stores, block-IP rules match and per-IP limits count."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from moderation.client_address import client_ip
from moderation.models import Comment, Rule, RuleKind, Status
from tests.moderation.test_views import POST_URL, form_data

KEY_URL = reverse("moderation_api:key")
PROXY = "10.0.0.5"
READER = "203.0.113.9"


@pytest.fixture
def behind_proxy(settings):
    """The site behind nginx at PROXY, which passes the reader on in X-Forwarded-For."""
    settings.MODERATION = {**settings.MODERATION, "TRUSTED_PROXIES": [PROXY]}


def ip_of(remote_addr, forwarded_for=None):
    extra = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **extra))


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "expected"),
    [
        (READER, None, READER),
        ("2001:DB8::0:9", None, "2001:db8::9"),
        ("::ffff:203.0.113.9", None, READER),
        ("", None, None),
        ("not an address", None, None),
    ],
)
def test_without_trusted_proxies_the_peer_is_the_client(remote_addr, forwarded_for, expected):
    assert ip_of(remote_addr, forwarded_for) == expected


def test_an_untrusted_peer_cannot_name_another_client():
    assert ip_of(READER, "198.51.100.66") == READER


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "expected"),
    [
        # What the reader wrote (left of what nginx appended) is never believed.
        (PROXY, "198.51.100.66, 203.0.113.9", READER),
        (PROXY, "not an address, 203.0.113.9", READER),
        # Two proxies of the site's own: the load balancer 10.0.0.7 in front of nginx.
        ("10.0.0.6", "198.51.100.66, 203.0.113.9, 10.0.0.7", READER),
        ("::ffff:10.0.0.5", "2001:db8::9", "2001:db8::9"),
        # A proxy that forwarded nothing readable: the proxy, never a made-up address.
        (PROXY, None, PROXY),
        (PROXY, "203.0.113.9, garbage", PROXY),
        (PROXY, "203.0.113.9:5555", PROXY),
        (PROXY, "10.0.0.9", "10.0.0.9"),
    ],
)
def test_behind_trusted_proxies_the_first_untrusted_forwarded_address_is_the_client(
    settings, remote_addr, forwarded_for, expected
):
    settings.MODERATION = {**settings.MODERATION, "TRUSTED_PROXIES": ["10.0.0.0/29"]}

    assert ip_of(remote_addr, forwarded_for) == expected


def test_a_new_forwarded_for_on_each_post_does_not_escape_the_form_limit(db):
    # Issue 18's reproduction: 25 posts from one client, each claiming another address.
    client = Client(REMOTE_ADDR=READER)

    answers = [client.post(POST_URL, {}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(25)]

    assert [a.status_code for a in answers] == [400] * 20 + [429] * 5


def test_behind_a_trusted_proxy_the_forwarded_reader_is_stored_and_limited(
    behind_proxy, article, active_model, settings
):
    settings.MODERATION = {**settings.MODERATION, "FORM_RATE_PER_IP": "2/min"}
    proxy = Client(REMOTE_ADDR=PROXY)

    def post_as(reader, n):
        # Each post from its own email: one author's repeat is refused (duplicates.py).
        data = form_data(proxy, article, email=f"reader{n}@example.org")
        return proxy.post(POST_URL, data, HTTP_X_FORWARDED_FOR=reader).status_code

    statuses = [post_as(READER, n) for n in range(3)]
    another_reader = post_as("198.51.100.7", 3)

    assert statuses == [302, 302, 429]
    assert another_reader == 302
    assert sorted(Comment.objects.values_list("ip_address", flat=True)) == [
        "198.51.100.7",
        READER,
        READER,
    ]


def test_a_spoofed_forwarded_chain_stores_the_address_the_proxy_saw(
    behind_proxy, article, active_model
):
    proxy = Client(REMOTE_ADDR=PROXY)

    proxy.post(
        POST_URL,
        form_data(proxy, article),
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9",
    )

    assert Comment.objects.get().ip_address == READER


def test_a_block_ip_rule_matches_the_forwarded_reader_only_behind_a_trusted_proxy(
    behind_proxy, article, active_model
):
    Rule.objects.create(kind=RuleKind.BLOCK_IP, value=READER)
    via_proxy, spoofing = Client(REMOTE_ADDR=PROXY), Client(REMOTE_ADDR="198.51.100.66")

    via_proxy.post(POST_URL, form_data(via_proxy, article), HTTP_X_FORWARDED_FOR=READER)
    spoofing.post(
        POST_URL,
        form_data(spoofing, article, email="spoofer@example.org"),  # not a repeat of the first
        HTTP_X_FORWARDED_FOR=READER,
    )

    blocked, passed = Comment.objects.order_by("pk")
    assert (blocked.ip_address, blocked.status, blocked.rule is not None) == (
        READER,
        Status.SPAM,
        True,
    )
    assert (passed.ip_address, passed.rule) == ("198.51.100.66", None)


def test_the_api_limit_without_a_key_ignores_forwarded_for_from_an_untrusted_peer(db, settings):
    settings.MODERATION = {**settings.MODERATION, "API_RATE_PER_IP": "2/min"}
    guesser = APIClient(REMOTE_ADDR=READER, HTTP_AUTHORIZATION="Bearer abcdefghijkl")

    statuses = [
        guesser.get(KEY_URL, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)
    ]

    assert statuses == [401, 401, 429]


def test_the_api_limit_without_a_key_counts_each_client_behind_a_trusted_proxy(
    behind_proxy, db, settings
):
    settings.MODERATION = {**settings.MODERATION, "API_RATE_PER_IP": "2/min"}
    proxy = APIClient(REMOTE_ADDR=PROXY, HTTP_AUTHORIZATION="Bearer abcdefghijkl")

    first = [proxy.get(KEY_URL, HTTP_X_FORWARDED_FOR=READER).status_code for _ in range(3)]
    other = proxy.get(KEY_URL, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code

    assert first == [401, 401, 429]
    assert other == 401
