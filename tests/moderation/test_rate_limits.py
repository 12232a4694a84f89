"""The token bucket both APIs and the comment form count requests in (moderation.rate_limits)."""

from __future__ import annotations

import time

import pytest
import time_machine
from django.test import RequestFactory

from moderation.rate_limits import RATE, count_form_post, count_request, parse_rate


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("600/min", (600, 60)), ("1/s", (1, 1)), ("30/hour", (30, 3600)), ("5/d", (5, 86400))],
)
def test_parse_rate_reads_requests_per_period_in_seconds(rate, parsed):
    assert RATE.match(rate)
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["600", "0/min", "ten/min", "5/fortnight", "1/min "])
def test_rate_syntax_refuses_what_is_not_requests_per_period(rate):
    assert RATE.match(rate) is None


def test_a_client_gets_its_burst_then_one_request_every_period_over_the_rate():
    with time_machine.travel(time.time(), tick=False) as traveller:
        burst = [count_request("api", "key-1", "3/min") for _ in range(3)]
        refused = count_request("api", "key-1", "3/min")
        traveller.shift(20)
        refilled = [count_request("api", "key-1", "3/min") for _ in range(2)]

    assert burst == [None, None, None]
    assert refused == pytest.approx(20)
    assert refilled[0] is None
    assert refilled[1] == pytest.approx(20)


def test_a_refused_request_is_not_counted_against_the_client():
    with time_machine.travel(time.time(), tick=False) as traveller:
        count_request("api", "key-1", "1/min")
        waits = [count_request("api", "key-1", "1/min") for _ in range(5)]
        traveller.shift(60)
        later = count_request("api", "key-1", "1/min")

    assert waits == [pytest.approx(60)] * 5
    assert later is None


def test_clients_and_scopes_are_counted_apart():
    count_request("api", "ip-192.0.2.1", "1/min")

    assert count_request("api", "ip-192.0.2.2", "1/min") is None
    assert count_request("form", "ip-192.0.2.1", "1/min") is None
    assert count_request("api", "ip-192.0.2.1", "1/min") is not None


def test_no_rate_is_no_limit():
    assert [count_request("form", "ip-192.0.2.1", None) for _ in range(100)] == [None] * 100


def test_form_posts_count_per_client_address(settings):
    settings.MODERATION = {**settings.MODERATION, "FORM_RATE_PER_IP": "1/hour"}
    first, second = (RequestFactory(REMOTE_ADDR=ip).post("/") for ip in ("192.0.2.1", "192.0.2.2"))

    answers = [count_form_post(first), count_form_post(second), count_form_post(first)]

    assert answers[:2] == [None, None]
    assert answers[2] == pytest.approx(3600, abs=1)
