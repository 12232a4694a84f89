"""The demo's admin login throttle (django-axes, issue 18): five wrong passwords lock the client
address the app trusts out for an hour, whatever it then sends; other addresses log in."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

LOGIN = reverse("admin:login")
PASSWORD = "a-long-pass-9"
FAILURE_LIMIT = 5  # the demo's AXES_FAILURE_LIMIT


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)


def log_in(client, password, **headers):
    """Post the admin's login form; return the response."""
    data = {"username": "editor", "password": password, "next": "/admin/"}
    return client.post(LOGIN, data, **headers)


def guess_wrong(client, **headers):
    return [log_in(client, "wrong").status_code for _ in range(FAILURE_LIMIT)]


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_the_right_password_logs_in_after_a_few_wrong_ones(client, staff):
    log_in(client, "wrong")

    response = log_in(client, PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_five_wrong_passwords_lock_the_address_out_even_with_the_right_one(client, staff):
    failures = guess_wrong(client)

    response = log_in(client, PASSWORD)

    assert failures == [200] * (FAILURE_LIMIT - 1) + [429]
    assert response.status_code == 429
    assert "too many login attempts" in response.content.decode()
    assert not is_logged_in(client)


def test_a_locked_address_does_not_lock_out_another(client, staff):
    guess_wrong(client)

    response = log_in(client, PASSWORD, REMOTE_ADDR="198.51.100.2")

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_lock_lifts_after_an_hour(client, staff):
    guess_wrong(client)

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, minutes=1)):
        response = log_in(client, PASSWORD)

    assert response.status_code == 302


def test_a_forwarded_for_header_from_an_untrusted_peer_does_not_escape_the_lock(client, staff):
    for n in range(FAILURE_LIMIT):
        log_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")

    response = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")

    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_client_is_locked_on_its_own(client, staff, settings):
    settings.MODERATION = {**settings.MODERATION, "TRUSTED_PROXIES": ["127.0.0.1"]}
    for _ in range(FAILURE_LIMIT):
        log_in(client, "wrong", HTTP_X_FORWARDED_FOR="192.0.2.1")

    locked = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1")
    other = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.2")

    assert locked.status_code == 429
    assert other.status_code == 302
