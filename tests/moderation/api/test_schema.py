from __future__ import annotations

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from hypothesis import settings
from rest_framework.test import APIClient

from moderation.api.keys import PREFIX_LENGTH, create_key, hash_key
from moderation.models import ApiKey, Rule, RuleKind
from moderation.submission import submit_comment
from tests.moderation.api.fuzzing import REPEATABLE

SCHEMA_URL = "/api/v1/schema/?format=json"


@pytest.fixture
def openapi(db):
    GENERATOR_STATS.reset()
    response = APIClient().get(SCHEMA_URL)
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi_3_and_generates_without_warnings(openapi):
    validate_schema(openapi)  # drf-spectacular's check against the OpenAPI 3.0 JSON schema
    schemathesis.openapi.from_dict(openapi).validate()

    assert openapi["openapi"].startswith("3.0")
    assert not GENERATOR_STATS, "drf-spectacular warned while generating the schema"


def test_the_schema_documents_every_operation_and_only_this_api(openapi):
    operations = {
        (method, path): operation
        for path, methods in openapi["paths"].items()
        for method, operation in methods.items()
    }

    assert {(m, p): o["operationId"] for (m, p), o in operations.items()} == {
        ("post", "/api/v1/check/"): "check_comment",
        ("get", "/api/v1/comments/"): "list_comments",
        ("get", "/api/v1/comments/{comment_id}/"): "get_comment",
        ("post", "/api/v1/comments/{comment_id}/decision/"): "decide_comment",
        ("get", "/api/v1/model/"): "get_model",
        ("get", "/api/v1/key/"): "get_key",
    }
    for operation in operations.values():
        assert operation["security"] == [{"apiKey": []}]
        assert operation["tags"]
        assert {"400", "401", "429"} <= set(operation["responses"])


def test_the_schema_documents_the_key_as_bearer_authentication(openapi):
    scheme = openapi["components"]["securitySchemes"]["apiKey"]

    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def test_the_docs_render_without_a_key_or_any_external_asset(db):
    response = APIClient().get(reverse("moderation_api:docs"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "jsdelivr" not in html
    assert not re.search(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", html)
    assert "/api/v1/schema/" in html


# --- schemathesis: every operation, generated valid and invalid requests ----------------------

# A fixed key (12 characters, like every key) so the schema's bearer scheme can be configured
# at load time; schemathesis then sends it, and leaves it out when testing that auth is needed.
SCHEMATHESIS_KEY = "schemathesis"

# Loaded at collection, in-process through Django's WSGI handler: serving the schema needs no
# database. (schemathesis.pytest.from_fixture would load it per test, but 4.32 reads a node
# attribute that pytest 9.2 renamed.)
schema = schemathesis.openapi.from_wsgi(
    SCHEMA_URL,
    get_wsgi_application(),
    config=schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"apiKey": {"bearer": SCHEMATHESIS_KEY}}},
            # Schemathesis' default statuses plus 413, which is documented: the body limit is
            # in bytes, and no maxLength can state it (a character is 1 to 12 bytes in JSON).
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "413"]
                    + ["429", "5xx"]
                },
                "negative_data_rejection": {
                    "expected-statuses": ["400", "401", "403", "404", "405", "406", "409"]
                    + ["413", "415", "422", "428", "429", "5xx"]
                },
            },
        }
    ),
)


@pytest.fixture
def keep_db_connection():
    """Keep the test's transaction open across requests, as Django's test client does.

    Schemathesis calls the WSGI handler itself, whose request signals would close the
    connection (and the transaction with it) after every request.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def schemathesis_key(active_model, settings, keep_db_connection):
    """The key schemathesis sends, and comments of its site and others' for ids to turn up."""
    # Schemathesis sends thousands of requests a minute; throttling is tested on its own.
    settings.MODERATION = {**settings.MODERATION, "API_RATE_PER_IP": "1000000/min"}
    api_key = ApiKey.objects.create(
        site="Daily Ledger",
        prefix=SCHEMATHESIS_KEY[:PREFIX_LENGTH],
        key_hash=hash_key(SCHEMATHESIS_KEY),
        rate_limit="1000000/min",
    )
    for n in range(5):
        submit_comment(api_key, author_name="Reader", content=f"Comment number {n}.")
        submit_comment(create_key(f"Other {n}")[0], author_name="Else", content="Not yours.")
    return api_key


@schema.parametrize()
@settings(REPEATABLE, max_examples=25)
def test_every_operation_conforms_to_the_schema(case, schemathesis_key):
    case.call_and_validate()


def test_successful_answers_conform_to_the_schema(schemathesis_key):
    """Generated ids rarely exist: walk one comment through every operation by hand."""
    Rule.objects.create(kind=RuleKind.BLOCK_IP, value="203.0.113.9")

    def call(method, path, **parts):
        case = schema[f"/api/v1/{path}"][method].Case(**parts)
        response = case.call_and_validate(headers={"Authorization": f"Bearer {SCHEMATHESIS_KEY}"})
        assert response.status_code < 300, response.text
        return response.json()

    checked = call(
        "POST",
        "check/",
        body={
            "content": "Buy cheap pills at http://pills.example.com",
            "author_name": "Pill Shop",
            "author_email": "sales@pills.example.com",
            "author_url": "https://pills.example.com/buy",
            "user_ip": "2001:db8::1",
            "is_test": True,
        },
    )
    by_rule = call("POST", "check/", body={"content": "Hello", "user_ip": "203.0.113.9"})
    decided = call(
        "POST",
        "comments/{comment_id}/decision/",
        path_parameters={"comment_id": checked["id"]},
        body={"decision": "not_spam", "note": "A customer, really."},
    )
    detail = call("GET", "comments/{comment_id}/", path_parameters={"comment_id": by_rule["id"]})
    page = call("GET", "comments/", query={"status": "approved", "limit": 1, "offset": 1})
    call("GET", "model/")
    call("GET", "key/")

    assert checked["reasons"] and by_rule["reasons"][0]["weight"] is None
    assert [h["source"] for h in decided["history"]] == ["classifier", "api"]
    assert detail["history"][0]["source"] == "rule"
    assert page["previous"] is not None
