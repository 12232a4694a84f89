from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from moderation.models import Comment, Status
from site_demo.articles.models import Article


def run_demo(*args):
    out, err = StringIO(), StringIO()
    call_command("demo", "--no-serve", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def printed_password(output):
    return re.search(r"username: admin\s+password: (\S+)", output).group(1)


def logs_in(client, password):
    """Return whether the admin's login form takes `password`. Not Client.login(): it
    authenticates without a request, which the login throttle (django-axes) refuses."""
    data = {"username": "admin", "password": password, "next": "/admin/"}
    return client.post(reverse("admin:login"), data).status_code == 302


def test_demo_prints_an_admin_password_that_logs_in(client, active_model):
    out, _ = run_demo()

    password = printed_password(out)
    assert "http://127.0.0.1:8000/admin/" in out
    assert logs_in(client, password)


def test_demo_gives_the_admin_a_new_password_each_run(client, active_model):
    first, _ = run_demo()

    second, _ = run_demo()

    assert printed_password(first) != printed_password(second)
    assert not logs_in(client, printed_password(first))
    assert logs_in(client, printed_password(second))


def test_demo_prints_each_step_and_the_active_model_version(active_model):
    out, _ = run_demo("--addr", "0.0.0.0", "--port", "8123")

    assert "Migrating the database" in out
    assert "Spam model: tiny-test-model" in out
    assert "Loading the demo articles and comments" in out
    assert "http://0.0.0.0:8123/admin/" in out
    assert Article.objects.exists()


def test_demo_without_a_model_warns_and_still_loads_the_comments(no_model):
    out, err = run_demo()

    assert "No spam model is available, so comments will wait for review" in err
    assert Comment.objects.exists()
    assert not Comment.objects.exclude(status=Status.PENDING).exists()
    assert "password:" in out


@pytest.mark.parametrize("port", ["0", "65536", "-1"])
def test_demo_rejects_a_port_outside_1_to_65535(port):
    with pytest.raises(CommandError, match="--port must be a number from 1 to 65535"):
        call_command("demo", "--no-serve", f"--port={port}", stdout=StringIO())


def test_demo_rejects_a_port_that_is_not_a_number():
    with pytest.raises(CommandError, match="invalid int value"):
        call_command("demo", "--no-serve", "--port=http", stdout=StringIO())
