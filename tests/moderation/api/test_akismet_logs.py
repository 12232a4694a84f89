"""What the Akismet API writes to the logs: never a client's key, though clients send it in the
query string (issue 18)."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from moderation.api.keys import create_key
from tests.examples import HAM

FORM = "application/x-www-form-urlencoded"


def test_a_key_in_the_query_string_is_in_no_log_record(client, no_model, caplog):
    _, raw = create_key("Riverside Gazette", ["news.example"])
    body = {"blog": "https://news.example/", "user_ip": "203.0.113.7", "comment_content": HAM[0]}
    caplog.set_level(logging.DEBUG)

    # Unscored (no model): the app logs an error. A body that is not UTF-8: Django logs a 400.
    checked = client.post(f"/akismet/1.1/comment-check?api_key={raw}", urlencode(body), FORM)
    refused = client.post(
        f"/akismet/1.1/comment-check?api_key={raw}",
        b"comment_content=%FF",
        f"{FORM}; charset=utf-8",
    )

    assert (checked.status_code, checked["X-akismet-recheck-after"]) == (200, "1200")
    assert refused.status_code == 400
    logged = {(record.name, record.levelno) for record in caplog.records}
    assert {("moderation.submission", logging.ERROR), ("django.request", logging.WARNING)} <= logged
    assert raw not in caplog.text
    for record in caplog.records:
        assert raw not in record.getMessage()
        assert raw not in repr(record.args)
    # Ours carry no request either (Django's django.request records do, for its handlers).
    ours = [record for record in caplog.records if record.name.startswith("moderation")]
    assert [name for r in ours for name, value in vars(r).items() if raw in repr(value)] == []
