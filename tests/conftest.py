"""Shared fixtures: a tiny real model trained in-session, activated model versions, users."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.cache import cache

from moderation import caches
from moderation.classifier.registry import activate_model, register_model
from moderation.corpora import DATASETS_ENV, datasets_dir
from moderation.memory import forget_memory
from tests.examples import HAM, SPAM, train_tiny_model
from tests.factories import ArticleFactory

# Fixtures through which a test reaches the database (pytest-django's, and live_server's).
_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests whose answer may depend on the database (CI's second pass, "
        "on PostgreSQL): not those that use none, nor those marked database_agnostic",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-tests-only"):
        return
    keep, drop = [], []
    for item in items:
        uses_database = item.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(
            getattr(item, "fixturenames", ())
        )
        agnostic = item.get_closest_marker("database_agnostic")
        (keep if uses_database and not agnostic else drop).append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep


_FORGET = (caches.forget_all, forget_memory)


@pytest.fixture(autouse=True)
def fresh_model_lookup():
    """Each test's database starts without the previous test's rows: forget the cached lookups
    (a rolled-back test transaction sends no post_delete)."""
    for forget in _FORGET:
        forget()
    yield
    for forget in _FORGET:
        forget()


class MonotonicClock:
    """A stand-in for time.monotonic that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def shift(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def cache_clock(monkeypatch):
    """The clock of the timed caches (moderation.caches), moved by `cache_clock.shift(s)`.

    time-machine moves the wall clock only; it leaves time.monotonic alone, which the caches
    read so that setting the wall clock cannot keep an entry alive.
    """
    clock = MonotonicClock()
    monkeypatch.setattr(caches, "monotonic", clock)
    return clock


@pytest.fixture(autouse=True)
def empty_throttle_counts():
    """Rate-limit counts live in the cache, which outlives each test's database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def real_datasets():
    """The shared datasets folder; tests that read it skip, saying why, where it is absent."""
    root = datasets_dir()
    if not root.is_dir():
        pytest.skip(f"needs the shared datasets folder {root} (set {DATASETS_ENV})")
    return root


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model, trained once per session."""
    return train_tiny_model(tmp_path_factory.mktemp("models") / "tiny", "tiny-test-model")


@pytest.fixture
def active_model(db, tiny_model_dir):
    """The tiny model, registered and active."""
    return activate_model(register_model(tiny_model_dir))


@pytest.fixture
def no_model(db, settings, tmp_path):
    """No active version and an empty default folder: scoring cannot find a model."""
    settings.MODERATION = {**settings.MODERATION, "DEFAULT_MODEL_DIR": tmp_path / "none"}
    return tmp_path / "none"


@pytest.fixture
def moderator(db, django_user_model):
    """Staff who may read and decide comments in the queue, not a superuser."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("moderator", password="pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_comment", "moderate_comment"], content_type__app_label="moderation"
        )
    )
    return user


@pytest.fixture
def article(db):
    return ArticleFactory(
        title="Lukashenko will meet with Putin in Russia on Monday",
        slug="lukashenko-putin-monday",
        section="World",
        standfirst="The two leaders are expected to discuss trade and security.",
    )


@pytest.fixture
def german_catalog(settings):
    """Hamlet's shipped German catalog (moderation/locale/de) and no site's: LOCALE_PATHS come
    before the apps' catalogs, so a site's own could translate the same strings."""
    settings.LOCALE_PATHS = []


@pytest.fixture
def tiny_jsonl(tmp_path):
    """A JSONL corpus of the hand-written examples, three times over with small variations."""
    path = tmp_path / "tiny.jsonl"
    rows = [
        {"text": f"{text} {suffix}", "label": label}
        for suffix in ("", "really", "today")
        for label, texts in (("spam", SPAM), ("ham", HAM))
        for text in texts
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    return path
