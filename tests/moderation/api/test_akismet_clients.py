"""Real Akismet clients against a live server: PyPI akismet, npm @cedx/akismet and akismet-api.

The npm clients run under Node from tests/clients (install them with `npm ci --prefix
tests/clients`); their tests skip, saying so, when Node or the packages are missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import akismet
import httpx
import pytest

from moderation.api.keys import create_key
from moderation.classifier.registry import activate_model, register_model
from moderation.dataset import text_group
from moderation.models import Action, Comment, Decision, Source, Status
from moderation.verdicts import Verdict
from tests.campaigns import variants

SPAM_TEXT = "Buy cheap viagra online at http://cheap-pills.example.com best prices no prescription"
HAM_TEXT = "I think the council should publish the full budget before the vote, not after."
BLOG = "https://news.example/"
CLIENTS_DIR = Path(__file__).resolve().parents[2] / "clients"
# akismet.py's own default (PYTHON_AKISMET_TIMEOUT unset): every answer must come within it.
AKISMET_PY_TIMEOUT = 1.0


@pytest.fixture
def site(transactional_db):
    return create_key("Riverside Gazette", ["news.example"])


class ToLiveServer(httpx.HTTPTransport):
    """Send akismet.py's requests for rest.akismet.com to the live server's /akismet/ mount."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base = httpx.URL(base_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self.base.scheme,
            host=self.base.host,
            port=self.base.port,
            path="/akismet" + request.url.path,
        )
        # Else Django sees Host: rest.akismet.com, which ALLOWED_HOSTS refuses.
        request.headers["Host"] = self.base.netloc.decode()
        return super().handle_request(request)


def akismet_py(live_server, key):
    """An akismet.SyncClient as an app builds it, but talking to the live server.

    The client closes this httpx client on leaving its `with` block: build one per use.
    """
    http = httpx.Client(
        transport=ToLiveServer(live_server.url),
        headers={"User-Agent": akismet.USER_AGENT},
        timeout=AKISMET_PY_TIMEOUT,
    )
    return akismet.SyncClient(config=akismet.Config(key=key, url=BLOG), http_client=http)


def test_akismet_py_checks_and_reports_comments(live_server, site, active_model):
    api_key, raw = site
    author = {"comment_author": "Anna K.", "user_agent": "Mozilla/5.0", "comment_type": "comment"}

    with akismet_py(live_server, raw) as client:  # entering verifies the key
        is_valid = client.verify_key()
        spam = client.comment_check("203.0.113.8", comment_content=SPAM_TEXT, **author)
        ham = client.comment_check("203.0.113.8", comment_content=HAM_TEXT, **author)
        reported_spam = client.submit_spam("203.0.113.8", comment_content=HAM_TEXT, **author)
        reported_ham = client.submit_ham("203.0.113.8", comment_content=SPAM_TEXT, **author)
        usage = client.usage_limit()

    assert is_valid is True
    assert spam in {akismet.CheckResponse.SPAM, akismet.CheckResponse.DISCARD}
    assert ham == akismet.CheckResponse.HAM
    assert (reported_spam, reported_ham) == (True, True)
    assert usage == {"limit": "none", "usage": 4, "percentage": "0.00", "throttled": False}
    spam_comment = Comment.objects.get(content=SPAM_TEXT)
    ham_comment = Comment.objects.get(content=HAM_TEXT)
    assert spam_comment.content_object == ham_comment.content_object == api_key
    assert (spam_comment.verdict, ham_comment.verdict) == (Verdict.SPAM, Verdict.HAM)
    assert (spam_comment.status, ham_comment.status) == (Status.APPROVED, Status.SPAM)
    api_decisions = Decision.objects.filter(source=Source.API).order_by("pk")
    assert [(d.comment, d.action) for d in api_decisions] == [
        (ham_comment, Action.MARKED_SPAM),
        (spam_comment, Action.MARKED_NOT_SPAM),
    ]


def test_akismet_py_refuses_an_invalid_key(live_server, site, active_model):
    with pytest.raises(akismet.APIKeyError), akismet_py(live_server, "wrongkey1234"):
        pass  # entering verifies the key

    unverified = akismet_py(live_server, "wrongkey1234")
    with pytest.raises(akismet.APIKeyError):
        unverified.comment_check("203.0.113.8", comment_content=HAM_TEXT)
    assert not Comment.objects.exists()


def test_akismet_py_rechecks_a_comment_the_model_could_not_score(
    live_server, site, no_model, tiny_model_dir
):
    _, raw = site
    comment = {"comment_content": SPAM_TEXT, "comment_author": "Anna K."}

    with akismet_py(live_server, raw) as client:
        unscored = client.comment_check("203.0.113.8", **comment)
        activate_model(register_model(tiny_model_dir))
        rechecked = client.comment_check("203.0.113.8", recheck_reason="retry", **comment)

    assert unscored == akismet.CheckResponse.HAM  # held as pending here, and "ask again"
    assert rechecked in {akismet.CheckResponse.SPAM, akismet.CheckResponse.DISCARD}
    stored = Comment.objects.get()  # the recheck scored the stored comment; no second copy
    assert (stored.status, stored.verdict) == (Status.SPAM, Verdict.SPAM)


def test_akismet_py_reports_teach_campaign_memory_for_its_own_key_only(
    live_server, site, active_model
):
    _, raw = site  # untrusted, as create_key makes them
    _, other = create_key("Evening Post", ["news.example"])
    reported = variants("supplement", 10, seed=1)
    seen = {text_group(text) for text in reported}
    later = next(t for t in variants("supplement", 100, seed=2) if text_group(t) not in seen)

    with akismet_py(live_server, raw) as client:
        before = client.comment_check("203.0.113.8", comment_content=later)
        reports = [client.submit_spam("203.0.113.9", comment_content=t) for t in reported]
        # Another address: the same author's repeat would be answered as the first (ham).
        after = client.comment_check("203.0.113.10", comment_content=later)
    with akismet_py(live_server, other) as client:
        elsewhere = client.comment_check("203.0.113.8", comment_content=later)

    assert before == akismet.CheckResponse.HAM
    assert reports == [True] * 10
    assert after == akismet.CheckResponse.SPAM
    assert elsewhere == akismet.CheckResponse.HAM


def run_node_client(script, base_url, raw):
    if shutil.which("node") is None:
        pytest.skip("node is not on PATH; the npm Akismet clients need it")
    if not (CLIENTS_DIR / "node_modules").is_dir():
        pytest.skip("tests/clients/node_modules is missing: run `npm ci --prefix tests/clients`")
    completed = subprocess.run(
        ["node", str(CLIENTS_DIR / script), base_url, raw, BLOG, SPAM_TEXT, HAM_TEXT],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def assert_reported_as_labels(api_key):
    spam_comment = Comment.objects.get(content=SPAM_TEXT)
    ham_comment = Comment.objects.get(content=HAM_TEXT)
    assert spam_comment.content_object == ham_comment.content_object == api_key
    assert (spam_comment.status, ham_comment.status) == (Status.APPROVED, Status.SPAM)
    assert set(Decision.objects.filter(source=Source.API).values_list("comment", "action")) == {
        (ham_comment.pk, Action.MARKED_SPAM),
        (spam_comment.pk, Action.MARKED_NOT_SPAM),
    }


def test_cedx_akismet_checks_and_reports_comments(live_server, site, active_model):
    api_key, raw = site
    # Node may resolve "localhost" to ::1 first; the live server listens on IPv4.
    base_url = live_server.url.replace("localhost", "127.0.0.1") + "/akismet"

    results = run_node_client("cedx.mjs", base_url, raw)

    assert results == {
        "verify": True,
        "checkSpam": results["checkSpam"],
        "checkHam": 0,  # CheckResult.ham
        "submitSpam": "ok",
        "submitHam": "ok",
        "invalidVerify": False,
        "invalidCheck": "error: Invalid key",  # our X-akismet-debug-help
    }
    assert results["checkSpam"] in {1, 2}  # CheckResult.spam, pervasiveSpam
    assert_reported_as_labels(api_key)
    ham_comment = Comment.objects.get(content=HAM_TEXT)
    assert ham_comment.permalink == "https://news.example/story-1"
    assert ham_comment.language == "en"


def test_akismet_api_sends_the_key_as_a_subdomain_and_is_understood(
    live_server, site, active_model
):
    api_key, raw = site

    results = run_node_client("akismet_api.cjs", live_server.url + "/akismet", raw)

    assert results == {
        "verify": True,
        "checkSpam": True,
        "checkHam": False,
        "submitSpam": "Thanks for making the web a better place.",
        "submitHam": "Thanks for making the web a better place.",
        "invalidVerify": False,
        "invalidCheck": "error: Invalid API key",
    }
    assert_reported_as_labels(api_key)
    ham_comment = Comment.objects.get(content=HAM_TEXT)
    assert ham_comment.ip_address == "203.0.113.10"
    assert ham_comment.submitted_at.isoformat() == "2026-03-02T14:29:13+00:00"
