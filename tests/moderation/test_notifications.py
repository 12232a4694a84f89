from __future__ import annotations

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.urls import reverse

from moderation import decisions, notifications
from moderation.models import Comment, Status
from moderation.submission import submit_comment

QUEUE_URL = reverse("admin:moderation_comment_changelist") + "?status__exact=pending"


@pytest.fixture
def notify_at_3(settings, active_model):
    """Every comment is held (no score is below 0 or at least 1), and moderators hear at 3."""
    settings.MODERATION = {
        **settings.MODERATION,
        "HAM_THRESHOLD": 0.0,
        "SPAM_THRESHOLD": 1.0,
        "NOTIFY_PENDING_AT": 3,
        "NOTIFY_EMAILS": ["moderators@example.org"],
    }
    return settings


@pytest.fixture
def hold(article, django_capture_on_commit_callbacks):
    """Post `count` comments that the classifier holds; wait until any notification is sent."""

    def hold(count=1):
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(count):
                submission = submit_comment(
                    article,
                    author_name="<b>Mallory</b>",
                    author_email="mallory@example.org",
                    content="Visit <a href='http://evil.example'>my shop</a> now",
                )
                assert submission.comment.status == Status.PENDING
        for thread in threading.enumerate():
            if thread.name == notifications.THREAD_NAME:
                thread.join(timeout=10)

    return hold


@pytest.fixture
def webhook():
    """A real HTTP server on a free local port that records the JSON posted to it."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], json.loads(body)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/hamlet", received
    server.shutdown()
    server.server_close()
    thread.join()


def notification_logs(caplog):
    return [record for record in caplog.records if record.name == notifications.__name__]


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_email_is_sent_when_the_queue_reaches_the_threshold(notify_at_3, hold):
    hold(2)
    assert mail.outbox == []

    hold()

    [message] = mail.outbox
    assert message.subject == "[Hamlet] 3 comments are waiting for review"
    assert message.to == ["moderators@example.org"]
    assert "3 comments are waiting for review" in message.body
    assert f"Review queue: {QUEUE_URL}\n" in message.body
    assert "Mallory" not in message.body


def test_email_is_in_the_sites_language(notify_at_3, hold, settings):
    settings.LANGUAGE_CODE = "de"

    hold(3)

    [message] = mail.outbox
    assert message.subject == "[Hamlet] 3 Kommentare warten auf Prüfung"
    assert "(Sie werden benachrichtigt, wenn die Warteschlange 3 erreicht)." in message.body
    assert f"Moderationswarteschlange: {QUEUE_URL}\n" in message.body
    assert "evil" not in message.body


def test_notification_fires_once_per_upward_crossing(notify_at_3, hold):
    hold(4)
    assert len(mail.outbox) == 1

    for comment in Comment.objects.filter(status=Status.PENDING)[:2]:
        decisions.approve(comment, None)
    hold()

    assert Comment.objects.filter(status=Status.PENDING).count() == 3
    assert len(mail.outbox) == 2


def test_webhook_gets_the_counts_and_queue_url_as_json(notify_at_3, hold, webhook):
    url, received = webhook
    notify_at_3.MODERATION = {**notify_at_3.MODERATION, "NOTIFY_WEBHOOK_URL": url}

    hold(3)

    assert received == [
        (
            "/hooks/hamlet",
            "application/json",
            {
                "event": "pending_queue_threshold",
                "pending": 3,
                "threshold": 3,
                "queue_url": QUEUE_URL,
            },
        )
    ]


@pytest.mark.urls("moderation.urls")
def test_notification_without_admin_urls_has_no_queue_link(notify_at_3, hold, webhook):
    url, received = webhook
    notify_at_3.MODERATION = {**notify_at_3.MODERATION, "NOTIFY_WEBHOOK_URL": url}

    hold(3)

    [message] = mail.outbox
    assert "Review queue" not in message.body
    assert received[0][2]["queue_url"] is None


@pytest.mark.parametrize(
    "managers",
    [
        [("Ann", "ann@example.org"), ("Bo", "bo@example.org")],
        ["ann@example.org", "bo@example.org"],
    ],
)
def test_emails_go_to_managers_when_no_addresses_are_set(notify_at_3, hold, managers):
    notify_at_3.MODERATION = {**notify_at_3.MODERATION, "NOTIFY_EMAILS": []}
    notify_at_3.MANAGERS = managers

    hold(3)

    [message] = mail.outbox
    assert message.to == ["ann@example.org", "bo@example.org"]


def test_no_notification_when_notify_pending_at_is_none(notify_at_3, hold, webhook):
    url, received = webhook
    notify_at_3.MODERATION = {
        **notify_at_3.MODERATION,
        "NOTIFY_PENDING_AT": None,
        "NOTIFY_WEBHOOK_URL": url,
    }

    hold(5)

    assert mail.outbox == []
    assert received == []


def test_webhook_failure_is_logged_and_the_email_still_sent(notify_at_3, hold, closed_port, caplog):
    url = f"http://127.0.0.1:{closed_port}/hook"
    notify_at_3.MODERATION = {**notify_at_3.MODERATION, "NOTIFY_WEBHOOK_URL": url}

    with caplog.at_level(logging.WARNING, logger="moderation.notifications"):
        hold(3)

    [record] = notification_logs(caplog)
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith("Pending-queue webhook to host 127.0.0.1 failed: ")
    assert url not in record.getMessage()  # a webhook URL may hold its secret
    assert len(mail.outbox) == 1


def test_webhook_url_that_is_not_http_is_refused_and_logged(notify_at_3, hold, caplog):
    notify_at_3.MODERATION = {**notify_at_3.MODERATION, "NOTIFY_WEBHOOK_URL": "file:///etc/passwd"}

    with caplog.at_level(logging.WARNING, logger="moderation.notifications"):
        hold(3)

    [record] = notification_logs(caplog)
    assert record.getMessage() == "NOTIFY_WEBHOOK_URL must be an http(s) URL, not a 'file' URL"


def test_email_failure_is_logged_and_the_webhook_still_posted(
    notify_at_3, hold, webhook, closed_port, caplog
):
    url, received = webhook
    notify_at_3.MODERATION = {**notify_at_3.MODERATION, "NOTIFY_WEBHOOK_URL": url}
    notify_at_3.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    notify_at_3.EMAIL_HOST, notify_at_3.EMAIL_PORT = "127.0.0.1", closed_port

    with caplog.at_level(logging.WARNING, logger="moderation.notifications"):
        hold(3)

    [record] = notification_logs(caplog)
    # How many, not who: no email addresses in logs.
    assert record.getMessage() == "Could not email the pending-queue notification to 1 recipient(s)"
    assert record.exc_info[0] is ConnectionRefusedError
    assert len(received) == 1
