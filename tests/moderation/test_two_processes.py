"""Scale: two gunicorn servers over one PostgreSQL. A model promoted through one of them scores
the next comment posted through the other, and spam reported through one is caught by campaign
memory on the other, within MODEL_CHECK_INTERVAL, without a restart."""

from __future__ import annotations

import itertools
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection

from moderation.api.keys import create_key
from moderation.classifier.registry import ensure_active_model, register_model
from moderation.dataset import text_group
from moderation.models import Comment
from tests.campaigns import variants

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL shared by two processes (set DATABASE_URL; CI runs it)",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "site_demo.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_until_serving(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"server exited: {server.stderr.read().decode()[-2000:]}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in 30 s")


@pytest.fixture
def servers(tmp_path):
    """Two gunicorn servers on loopback, using this test's PostgreSQL database."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DEMO_VAR_DIR": str(tmp_path),
    }
    ports = [free_port(), free_port()]
    procs = [start_server(port, env) for port in ports]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, proc in zip(urls, procs, strict=True):
            wait_until_serving(url + "/", proc)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


def log_in(client: httpx.Client) -> None:
    page = client.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        "/admin/login/?next=/admin/",
        data={"username": "admin", "password": "pw", "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302, answer.text[:500]


def post_comment(client: httpx.Client, article_url: str, content: str) -> None:
    page = client.get(article_url)
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|token)" value="([^"]+)"', page.text))
    answer = client.post(
        "/comments/post/",
        data={
            **fields,
            "name": "Reader",
            "email": "r@example.org",
            "website": "",
            "comment": content,
        },
    )
    assert answer.status_code == 302, answer.text[:500]


def test_a_model_promoted_through_one_server_scores_on_the_other(
    servers, article, tiny_model_dir, django_user_model
):
    first, second = servers
    shipped = ensure_active_model()
    tiny = register_model(tiny_model_dir)
    django_user_model.objects.create_superuser("admin", password="pw")
    article_url = article.get_absolute_url()
    with httpx.Client(base_url=second, timeout=10) as reader:
        post_comment(reader, article_url, "First comment, before the promotion.")
    assert Comment.objects.get().model_version == shipped.version

    with httpx.Client(base_url=first, timeout=10) as admin:
        log_in(admin)
        page = admin.get("/admin/moderation/modelversion/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        admin.post(
            "/admin/moderation/modelversion/",
            data={
                "action": "activate_selected",
                "_selected_action": tiny.pk,
                "csrfmiddlewaretoken": token,
            },
        )
    tiny.refresh_from_db()
    assert tiny.is_active

    deadline = time.monotonic() + 10
    with httpx.Client(base_url=second, timeout=10) as reader:
        for attempt in itertools.count(1):
            # A new text each time: the same one again would be refused as a repeat post.
            post_comment(reader, article_url, f"Another comment after the promotion, #{attempt}.")
            latest = Comment.objects.order_by("-pk").first()
            if latest.model_version == tiny.version or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    assert latest.model_version == tiny.version
    # Every comment was scored by exactly one complete model: one of the two versions.
    assert set(Comment.objects.values_list("model_version", flat=True)) <= {
        shipped.version,
        tiny.version,
    }


def akismet(client: httpx.Client, path: str, raw: str, content: str, ip: str) -> str:
    fields = {"api_key": raw, "blog": "https://news.example/", "user_ip": ip}
    answer = client.post(f"/akismet/1.1/{path}", data={**fields, "comment_content": content})
    assert answer.status_code == 200, answer.text[:500]
    return answer.text


def test_spam_reported_through_one_server_is_caught_by_the_other_within_the_interval(servers):
    first, second = servers
    _, raw = create_key("Newsroom CMS", is_trusted=True)
    reported = variants("supplement", 10, seed=1)
    seen = {text_group(text) for text in reported}
    later = [t for t in variants("supplement", 200, seed=2) if text_group(t) not in seen]
    with httpx.Client(base_url=second, timeout=10) as other:
        # The second server has read the (empty) memory before the reports.
        assert akismet(other, "comment-check", raw, later[0], "198.51.100.1") == "false"

    with httpx.Client(base_url=first, timeout=10) as one:
        for i, text in enumerate(reported):
            assert akismet(one, "submit-spam", raw, text, f"203.0.113.{i}").startswith("Thanks")
    reported_at = time.monotonic()

    answers = []
    with httpx.Client(base_url=second, timeout=10) as other:
        for i, text in enumerate(later[1:40], start=2):
            answers.append(akismet(other, "comment-check", raw, text, f"198.51.100.{i}"))
            if answers[-1] == "true":
                break
            time.sleep(0.2)
    waited = time.monotonic() - reported_at
    assert answers[-1] == "true"
    assert waited <= settings.MODERATION.get("MODEL_CHECK_INTERVAL", 2.0) + 1.5
    assert Comment.objects.filter(matched_label__isnull=False).count() == 1
