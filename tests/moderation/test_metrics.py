"""/metrics through the test client: what real form posts, API checks, decisions and retrainings
count, who may read it, and that the app runs and checks without prometheus-client.

The counters live in prometheus-client's global registry for the whole session: each test reads
what changed between two scrapes, never an absolute count.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from moderation import decisions
from moderation.api.keys import create_key
from moderation.checks import check_settings
from moderation.forms import sign_target
from moderation.models import Comment, Status
from moderation.monitoring import instrumentation
from moderation.monitoring.checks import check_metrics
from moderation.retraining import retrain
from moderation.submission import submit_comment
from moderation.verdicts import Verdict
from tests.blog.models import Post, PostComment
from tests.campaigns import variants
from tests.factories import CommentFactory
from tests.faults import database_down_from
from tests.subprocesses import run_django

ROOT = Path(__file__).resolve().parents[2]
HAM_TEXT = "I think the council should publish the full budget before the vote, not after."
SPAM_TEXT = "Buy cheap viagra online at http://cheap-pills.example.com best prices no prescription"
TOKEN = "s3cret-scraper-token-0123456789"


def scrape(client=None, **headers):
    """Read /metrics as Prometheus does; return {(sample name, labels): value}."""
    response = (client or Client()).get("/metrics", **headers)
    assert response.status_code == 200, response.content
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def change(before, after, name, **labels):
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def form_data(article, text=HAM_TEXT):
    """The comment form's fields as a browser posts them (a token signed a minute ago)."""
    return {
        "name": "Olga",
        "email": "olga@example.org",
        "website": "",
        "comment": text,
        "token": sign_target(article, issued_at=time.time() - 60),
        "next": article.get_absolute_url(),
        "website_confirm": "",
    }


@pytest.fixture
def metrics_on(settings):
    settings.MODERATION = {**settings.MODERATION, "METRICS": True}
    return settings


@pytest.fixture
def api_key(db):
    return create_key("Riverside Gazette", ["news.example"])


def json_api(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


# What is counted ------------------------------------------------------------------------------


def test_a_form_post_counts_a_form_comment_its_scoring_and_its_request(
    client, article, active_model, metrics_on
):
    before = scrape()

    response = client.post("/comments/post/", form_data(article))

    after = scrape()
    assert response.status_code == 302
    assert change(before, after, "hamlet_comments_total", channel="form", verdict="ham") == 1
    assert change(before, after, "hamlet_scoring_seconds_count") == 1
    assert 0 < change(before, after, "hamlet_scoring_seconds_sum") < 5
    endpoint = "moderation:post_comment"
    assert change(before, after, "hamlet_request_duration_seconds_count", endpoint=endpoint) == 1
    assert change(before, after, "hamlet_responses_total", endpoint=endpoint, status="302") == 1


def test_api_checks_count_by_api_and_verdict(client, active_model, metrics_on, api_key):
    _, raw = api_key
    before = scrape()

    checked = json_api(raw).post(
        reverse("moderation_api:check"), {"content": SPAM_TEXT}, format="json"
    )
    akismet = client.post(
        "/akismet/1.1/comment-check",
        urlencode(
            {
                "api_key": raw,
                "blog": "https://news.example/",
                "user_ip": "203.0.113.7",
                "comment_content": HAM_TEXT,
            }
        ),
        content_type="application/x-www-form-urlencoded",
    )

    after = scrape()
    assert (checked.status_code, akismet.status_code) == (201, 200)
    assert change(before, after, "hamlet_comments_total", channel="json_api", verdict="spam") == 1
    assert change(before, after, "hamlet_comments_total", channel="akismet", verdict="ham") == 1
    assert change(before, after, "hamlet_scoring_seconds_count") == 2
    for endpoint, status in (("moderation_api:check", "201"), ("akismet:comment-check", "200")):
        labels = {"endpoint": endpoint, "status": status}
        assert change(before, after, "hamlet_responses_total", **labels) == 1


def test_a_sites_own_comment_row_counts_as_the_adapter_channel(
    db, active_model, metrics_on, django_capture_on_commit_callbacks
):
    post = Post.objects.create(title="The council's budget")
    before = scrape()

    with django_capture_on_commit_callbacks(execute=True):
        PostComment.objects.create(post=post, name="Olga", body=HAM_TEXT)

    after = scrape()
    assert change(before, after, "hamlet_comments_total", channel="adapter", verdict="ham") == 1


def test_a_comment_that_cannot_be_scored_counts_as_a_failure_and_unscored(
    client, article, no_model, metrics_on
):
    before = scrape()

    client.post("/comments/post/", form_data(article))

    after = scrape()
    assert Comment.objects.get().status == Status.PENDING
    assert change(before, after, "hamlet_comments_total", channel="form", verdict="unscored") == 1
    assert change(before, after, "hamlet_scoring_failures_total", error="ModelFileMissing") == 1
    assert change(before, after, "hamlet_scoring_seconds_count") == 0


def test_decisions_count_by_action_and_source(active_model, metrics_on, api_key, admin_user):
    key, raw = api_key
    mine = submit_comment(key, author_name="Reader", content=HAM_TEXT).comment
    queued = CommentFactory(status=Status.PENDING)
    before = scrape()

    reported = json_api(raw).post(
        reverse("moderation_api:comment-decision", args=[mine.pk]),
        {"decision": "spam"},
        format="json",
    )
    decisions.approve(queued, admin_user)

    after = scrape()
    assert reported.status_code == 200, reported.content
    assert change(before, after, "hamlet_decisions_total", action="marked_spam", source="api") == 1
    assert (
        change(before, after, "hamlet_decisions_total", action="approved", source="moderator") == 1
    )


def test_campaign_memory_matches_count_by_the_label_matched(
    client, article, active_model, metrics_on, admin_user
):
    for text in variants("book", 10, seed=1):
        comment = submit_comment(article, author_name="Reader", content=text).comment
        decisions.mark_spam(comment, admin_user)
    reported = set(variants("book", 10, seed=1))
    later = next(text for text in variants("book", 30, seed=2) if text not in reported)
    before = scrape()

    client.post("/comments/post/", form_data(article, later))

    after = scrape()
    assert Comment.objects.get(content=later).verdict == Verdict.SPAM
    assert change(before, after, "hamlet_memory_matches_total", label="spam") == 1
    assert change(before, after, "hamlet_comments_total", channel="form", verdict="spam") == 1


def test_a_retraining_counts_its_outcome(db, article, admin_user, metrics_on, tmp_path):
    for text in variants("book", 12, seed=1):
        comment = submit_comment(article, author_name="Reader", content=text).comment
        decisions.mark_spam(comment, admin_user)
    before = scrape()

    result = retrain(promote=False, out=tmp_path / "candidate")

    after = scrape()
    outcome = "kept" if result.judgement.promote else "refused"
    assert not result.promoted
    assert change(before, after, "hamlet_retrains_total", outcome=outcome) == 1
    assert change(before, after, "hamlet_retrains_total", outcome="promoted") == 0


def test_the_pending_queue_and_the_active_model_are_read_when_scraped(active_model, metrics_on):
    CommentFactory.create_batch(3, status=Status.PENDING)
    CommentFactory(status=Status.APPROVED)

    samples = scrape()

    assert samples[("hamlet_pending_comments", ())] == 3
    assert samples[("hamlet_model_info", (("version", "tiny-test-model"),))] == 1


def test_a_scrape_while_the_database_is_down_still_serves_the_counters(active_model, metrics_on):
    with database_down_from("SELECT"):
        samples = scrape()

    assert ("hamlet_pending_comments", ()) not in samples
    assert ("hamlet_scoring_seconds_count", ()) in samples


def test_counting_adds_no_query_to_a_check(active_model, settings, api_key):
    _, raw = api_key
    client = json_api(raw)

    def queries_of_a_check(metrics):
        settings.MODERATION = {**settings.MODERATION, "METRICS": metrics}
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.post(
                    reverse("moderation_api:check"), {"content": HAM_TEXT}, format="json"
                ).status_code
                == 201
            )
        return len(queries)

    queries_of_a_check(True)  # the first check of a test reads what later ones reuse

    assert queries_of_a_check(True) == queries_of_a_check(False)


def test_nothing_is_counted_while_metrics_are_off(client, article, active_model, settings):
    settings.MODERATION = {**settings.MODERATION, "METRICS": True}
    before = scrape()
    settings.MODERATION = {**settings.MODERATION, "METRICS": False}

    client.post("/comments/post/", form_data(article))

    settings.MODERATION = {**settings.MODERATION, "METRICS": True}
    assert change(before, scrape(), "hamlet_comments_total", channel="form", verdict="ham") == 0


# Who may read it ------------------------------------------------------------------------------


def test_metrics_are_404_while_off(db, settings):
    settings.MODERATION = {**settings.MODERATION, "METRICS": False}

    assert Client().get("/metrics").status_code == 404


def test_metrics_are_served_to_loopback_by_default_never_cached(db, metrics_on):
    response = Client().get("/metrics")  # the test client's REMOTE_ADDR is 127.0.0.1

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert "no-store" in response["Cache-Control"]


def test_metrics_are_403_to_another_address(db, metrics_on):
    response = Client(REMOTE_ADDR="203.0.113.9").get("/metrics")

    assert response.status_code == 403
    assert b"hamlet_" not in response.content


def test_an_outsider_behind_the_sites_own_proxy_is_not_loopback(db, metrics_on):
    metrics_on.MODERATION = {**metrics_on.MODERATION, "TRUSTED_PROXIES": ["127.0.0.1"]}

    response = Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert response.status_code == 403


def test_metrics_allowed_ips_take_networks(db, metrics_on):
    metrics_on.MODERATION = {**metrics_on.MODERATION, "METRICS_ALLOWED_IPS": ["10.0.0.0/8"]}

    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client().get("/metrics").status_code == 403  # loopback is no longer listed


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 403),
        (f"Bearer {TOKEN}x", 403),
        (f"Basic {TOKEN}", 403),
        (f"Bearer {TOKEN}", 200),
        (f"bearer {TOKEN}", 200),
    ],
)
def test_metrics_token_lets_a_scraper_in_from_anywhere(db, metrics_on, authorization, status):
    metrics_on.MODERATION = {
        **metrics_on.MODERATION,
        "METRICS_ALLOWED_IPS": [],
        "METRICS_TOKEN": TOKEN,
    }
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = Client(REMOTE_ADDR="203.0.113.9").get("/metrics", **headers)

    assert response.status_code == status


def test_metrics_answer_only_get_and_head(db, metrics_on):
    assert Client().post("/metrics").status_code == 405


# Several worker processes ---------------------------------------------------------------------


def test_forked_workers_counts_are_summed_and_the_queue_read_once(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "DATABASE_URL": "sqlite://:memory:",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }

    result = subprocess.run(
        [sys.executable, "-m", "tests.moderation.forked_workers"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(result.stdout)
        for sample in family.samples
    }
    approved = (("action", "approved"), ("source", "moderator"))
    assert samples[("hamlet_decisions_total", approved)] == 2  # one in each worker
    assert samples[("hamlet_pending_comments", ())] == 2  # once, not once per worker
    assert len(list(folder.glob("counter_*.db"))) == 2


def test_metrics_that_cannot_be_written_never_fail_a_comment_or_a_decision(tmp_path):
    # A process whose PROMETHEUS_MULTIPROC_DIR is gone (check E015): prometheus-client cannot
    # open its files, and each count fails.
    code = (
        "import json, django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from moderation.decisions import approve\n"
        "from moderation.submission import submit_comment\n"
        "from tests.factories import ArticleFactory\n"
        "call_command('migrate', verbosity=0)\n"
        "comment = submit_comment(ArticleFactory(), author_name='R', content='Thanks.').comment\n"
        "decision = approve(comment, None)\n"
        "print(json.dumps([comment.pk is not None, decision.pk is not None]))\n"
    )
    printed, result = run_django(
        code, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "gone"), DATABASE_URL="sqlite://:memory:"
    )

    assert printed == [True, True]
    assert "Could not update the metrics: " in result.stderr


# Checks ---------------------------------------------------------------------------------------


def check_ids_and_messages(settings, **overrides):
    settings.MODERATION = {**settings.MODERATION, **overrides}
    return [(message.id, message.msg) for message in check_metrics()]


def test_the_demos_metrics_settings_pass_the_checks(settings):
    assert check_ids_and_messages(settings) == []


def test_metrics_not_a_bool_is_e004(settings):
    settings.MODERATION = {**settings.MODERATION, "METRICS": "yes"}

    assert [(m.id, m.msg) for m in check_settings()] == [
        ("moderation.E004", "MODERATION['METRICS'] must be True or False, not 'yes'.")
    ]


def test_metrics_allowed_ips_that_are_not_addresses_are_e012(settings):
    assert check_ids_and_messages(settings, METRICS_ALLOWED_IPS=["127.0.0.1", "prometheus"]) == [
        (
            "moderation.E012",
            "MODERATION['METRICS_ALLOWED_IPS'] holds 'prometheus', which is not an IP address "
            "or network: nobody is let in by it.",
        )
    ]
    assert check_ids_and_messages(settings, METRICS_ALLOWED_IPS="127.0.0.1") == [
        (
            "moderation.E012",
            "MODERATION['METRICS_ALLOWED_IPS'] must be a list of IP addresses or networks, "
            "not '127.0.0.1'.",
        )
    ]


@pytest.mark.parametrize("token", ["", "short", 12345678901234567890])
def test_a_short_or_non_string_metrics_token_is_e013(settings, token):
    assert check_ids_and_messages(settings, METRICS_TOKEN=token) == [
        (
            "moderation.E013",
            "MODERATION['METRICS_TOKEN'] must be a string of at least 16 characters, or None "
            "for no token.",
        )
    ]


@pytest.fixture
def without_prometheus(monkeypatch):
    """prometheus-client unimportable, as if the `metrics` extra were not installed (None in
    sys.modules is the import system's own switch)."""
    instrumentation.is_installed.cache_clear()
    monkeypatch.setitem(sys.modules, "prometheus_client", None)
    yield
    instrumentation.is_installed.cache_clear()


def test_metrics_on_without_prometheus_client_is_e014_and_404(db, settings, without_prometheus):
    messages = check_ids_and_messages(settings, METRICS=True)

    assert messages == [
        (
            "moderation.E014",
            "MODERATION['METRICS'] is on, but prometheus-client is not installed: /metrics "
            "answers 404 and nothing is counted.",
        )
    ]
    assert Client().get("/metrics").status_code == 404


def test_a_multiprocess_folder_that_does_not_exist_is_e015(settings, monkeypatch, tmp_path):
    missing = tmp_path / "missing"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(missing))

    assert check_ids_and_messages(settings, METRICS=True) == [
        (
            "moderation.E015",
            f"The environment variable PROMETHEUS_MULTIPROC_DIR names {str(missing)!r}, which "
            "is not a folder this process may write to: no worker can count, and /metrics fails.",
        )
    ]


def test_metrics_without_the_middleware_is_w006(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "monitoring" not in m]

    assert check_ids_and_messages(settings, METRICS=True) == [
        (
            "moderation.W006",
            "MODERATION['METRICS'] is on, but MonitoringMiddleware is not in MIDDLEWARE: "
            "request times are not measured, and comments are counted with the channel 'other'.",
        )
    ]


def test_the_app_runs_without_prometheus_client_installed():
    # A process of its own, where prometheus_client cannot be imported: the demo's METRICS is
    # on, so the check says what to install, and everything else works.
    code = (
        "import json, sys\n"
        "sys.modules['prometheus_client'] = None\n"
        "import django; django.setup()\n"
        "from django.core.checks import run_checks\n"
        "from django.core.management import call_command\n"
        "from django.test import Client\n"
        "from moderation.submission import submit_comment\n"
        "from tests.factories import ArticleFactory\n"
        "call_command('migrate', verbosity=0)\n"
        "submitted = submit_comment(ArticleFactory(), author_name='R', content='Thanks.')\n"
        "client = Client()\n"
        "print(json.dumps({\n"
        "    'checks': [m.id for m in run_checks() if m.id.startswith('moderation.')],\n"
        "    'healthz': client.get('/healthz').status_code,\n"
        "    'readyz': client.get('/readyz').status_code,\n"
        "    'metrics': client.get('/metrics').status_code,\n"
        "    'stored': submitted.comment.pk is not None,\n"
        "}))\n"
    )
    printed, result = run_django(code, DATABASE_URL="sqlite://:memory:")

    assert printed == {
        "checks": ["moderation.E014"],
        "healthz": 200,
        "readyz": 200,
        "metrics": 404,
        "stored": True,
    }
