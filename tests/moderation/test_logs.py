"""JSON log lines from real requests: each carries the request's id and the comment's guid, and
nothing a reader typed or is (no text, name, email or IP address)."""

from __future__ import annotations

import io
import json
import logging
import re
import time

import pytest

from moderation.forms import sign_target
from moderation.models import Comment
from moderation.monitoring.logs import JsonFormatter, RequestIdFilter
from moderation.submission import submit_comment
from tests.site_demo.test_production_settings import manage, production_env

HAM_TEXT = "I think the council should publish the full budget before the vote, not after."
GENERATED_ID = re.compile(r"[0-9a-f]{32}")


def form_data(article):
    return {
        "name": "Olga",
        "email": "olga@example.org",
        "website": "https://olga.example/",
        "comment": HAM_TEXT,
        "token": sign_target(article, issued_at=time.time() - 60),
        "next": article.get_absolute_url(),
        "website_confirm": "",
    }


@pytest.fixture
def log_lines():
    """What Hamlet's and Django's loggers write through a JsonFormatter handler, as lines; the
    handler is removed afterwards."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ("moderation", "django")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: stream.getvalue().splitlines()
    for logger in loggers:
        logger.removeHandler(handler)


def test_a_scoring_failure_is_one_json_line_with_the_request_id_and_comment_guid(
    client, article, no_model, log_lines
):
    response = client.post(
        "/comments/post/",
        form_data(article),
        HTTP_X_REQUEST_ID="lb-7f3a9c",
        REMOTE_ADDR="198.51.100.23",
    )

    comment = Comment.objects.get()
    [line] = [line for line in log_lines() if "moderation.submission" in line]
    entry = json.loads(line)
    assert response["X-Request-ID"] == "lb-7f3a9c"
    assert set(entry) == {"time", "level", "logger", "message", "request_id", "comment_guid"}
    assert (entry["level"], entry["logger"]) == ("ERROR", "moderation.submission")
    assert entry["message"].startswith(
        f"Could not score comment {comment.pk}; holding it for review"
    )
    assert (entry["request_id"], entry["comment_guid"]) == ("lb-7f3a9c", str(comment.guid))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])
    written = "\n".join(log_lines())
    for personal in ("Olga", "olga@example.org", "olga.example", "198.51.100.23", "council"):
        assert personal not in written


@pytest.mark.parametrize(
    "sent",
    ["two\nlines", "<script>alert(1)</script>", "x" * 129, "", "-leading-dash", "spaces in it"],
)
def test_a_request_id_that_is_not_a_sane_token_is_replaced(client, db, sent):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)

    assert GENERATED_ID.fullmatch(response["X-Request-ID"])


@pytest.mark.parametrize(
    "sent",
    ["9b2c0d6e-2f4a-4c1e-9a51-0f6b7d8e9a10", "Root=1-67891233-abcdef012345678912345678", "a" * 128],
)
def test_a_sane_incoming_request_id_is_kept(client, sent):
    assert client.get("/healthz", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] == sent


def test_each_request_without_an_id_gets_a_new_one(client):
    first, second = (client.get("/healthz")["X-Request-ID"] for _ in range(2))

    assert GENERATED_ID.fullmatch(first)
    assert GENERATED_ID.fullmatch(second)
    assert first != second


def test_a_record_outside_a_request_has_the_comment_guid_and_no_request_id(
    article, no_model, log_lines
):
    submission = submit_comment(article, author_name="Olga", content=HAM_TEXT)

    [entry] = [json.loads(line) for line in log_lines()]
    assert entry["comment_guid"] == str(submission.comment.guid)
    assert "request_id" not in entry


def test_djangos_own_records_are_written_without_the_request_they_carry(client, db, log_lines):
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="probe-1", HTTP_COOKIE="sessionid=secret")

    [entry] = [json.loads(line) for line in log_lines()]
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Not Found: /no-such-page/"
    assert entry["request_id"] == "probe-1"
    assert set(entry) == {"time", "level", "logger", "message", "request_id"}


def test_an_exception_is_one_line_with_its_traceback(log_lines):
    logger = logging.getLogger("moderation.tests")

    try:
        raise ValueError("scoring broke")
    except ValueError:
        logger.exception("Could not score comment %s", 7)

    [line] = log_lines()
    entry = json.loads(line)
    assert entry["message"] == "Could not score comment 7"
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert entry["exception"].endswith("ValueError: scoring broke")


def test_request_id_filter_puts_the_id_in_text_formats(client, db):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(request_id)s %(message)s"))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.get("/no-such-page/", HTTP_X_REQUEST_ID="probe-2")
        logging.getLogger("django.request").warning("Outside any request")
    finally:
        logger.removeHandler(handler)

    assert stream.getvalue().splitlines() == [
        "probe-2 Not Found: /no-such-page/",
        "- Outside any request",
    ]


def test_production_settings_write_json_lines_when_log_format_is_json(tmp_path):
    result = manage(
        "shell",
        "-c",
        "import logging; logging.getLogger('moderation.tests').warning('Queue checked')",
        LOG_FORMAT="json",
        **production_env(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    # Every record, the other apps' too (django-axes says it started), is one JSON line.
    entries = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(e["level"], e["message"]) for e in entries if e["logger"] == "moderation.tests"] == [
        ("WARNING", "Queue checked")
    ]


def test_production_settings_refuse_an_unknown_log_format(tmp_path):
    result = manage("check", LOG_FORMAT="xml", **production_env(tmp_path))

    assert result.returncode != 0
    assert "LOG_FORMAT must be 'text' or 'json', not 'xml'." in result.stderr
