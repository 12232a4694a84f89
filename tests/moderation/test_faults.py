"""Faults: a broken model file, the database going away during a post, a promotion under load.

Each fault must leave every comment stored (or nothing half-stored), tell the reader something
true, and tell the moderator what is wrong.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import shutil
import threading
import time
from contextlib import nullcontext
from functools import partial
from pathlib import Path

import joblib
import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import OperationalError, connection
from django.test import Client
from django.utils.html import escape

from moderation.checks import check_active_model
from moderation.classifier import artifacts, storage
from moderation.classifier.artifacts import ModelLoadError
from moderation.classifier.linear_scorer import LinearScorer
from moderation.classifier.registry import activate_model, register_model
from moderation.features import CommentData
from moderation.forms import sign_target
from moderation.models import Action, Comment, Decision, ModelVersion, Source, Status
from tests.examples import HAM, SPAM, train_tiny_model
from tests.faults import database_down_from

HAM_TEXT = "I think the council should publish the full budget before the vote, not after."
POST_URL = "/comments/post/"
CHANGELIST = "/admin/moderation/comment/"


def form_data(article, **fields):
    """The comment form's fields as a browser posts them (a token signed a minute ago)."""
    return {
        "name": "Olga",
        "email": "olga@example.org",
        "website": "",
        "comment": HAM_TEXT,
        "token": sign_target(article, issued_at=time.time() - 60),
        "next": article.get_absolute_url(),
        "website_confirm": "",
        **fields,
    }


# A model file that breaks ---------------------------------------------------------------------


class CreatesMarker:
    """Pickles as "touch this file": unpickling it runs code, as a hostile model file would."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def hostile_model_bytes(marker: Path) -> bytes:
    """A valid joblib file whose loading creates `marker`."""
    buffer = io.BytesIO()
    joblib.dump(CreatesMarker(marker), buffer)
    return buffer.getvalue()


@pytest.fixture
def fragile_model(db, settings, tmp_path, tiny_model_dir):
    """The tiny model copied into a folder of its own, registered in a model storage of its own,
    and active: breaking its files breaks scoring. Its folder and version name have HTML in them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MODERATION = {**settings.MODERATION, "MODEL_CACHE_DIR": str(tmp_path / "cache")}
    directory = tmp_path / "<i>fragile</i>"
    shutil.copytree(tiny_model_dir, directory)
    return activate_model(register_model(directory, version="<b>fragile</b>"))


def break_model(version, how, marker):
    """Break the file the active version's comments are scored with; return that file."""
    path = Path(version.path) / artifacts.MODEL_FILE
    if how == "deleted":
        # The published copy too: otherwise the next load fetches it again, as it should.
        path.unlink()
        storage.model_storage().delete(f"{version.storage_name}/{artifacts.MODEL_FILE}")
    elif how == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        path.write_bytes(hostile_model_bytes(marker))
    return (
        storage.local_folder(version.path, version.storage_name, version.sha256)
        / artifacts.MODEL_FILE
    )


def sha256_of(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reason_for(version, how):
    if how == "deleted":
        return "cannot be read: No such file or directory."
    return f"expected {version.sha256}"


BREAKAGES = ["deleted", "truncated", "replaced by a hostile pickle"]


def test_the_hostile_pickle_would_run_code_if_it_were_unpickled(tmp_path):
    marker = tmp_path / "control"

    joblib.load(io.BytesIO(hostile_model_bytes(marker)))

    assert marker.exists()  # so the marker staying absent below means nothing was unpickled


@pytest.mark.parametrize("how", BREAKAGES)
def test_a_comment_posted_while_the_model_file_is_broken_is_held_unchecked_with_the_reason(
    client, article, fragile_model, tmp_path, how, caplog
):
    marker = tmp_path / "unpickled"
    path = break_model(fragile_model, how, marker)

    with caplog.at_level(logging.ERROR, logger="moderation"):
        response = client.post(POST_URL, form_data(article), follow=True)

    assert response.status_code == 200
    assert "Thanks, your comment is awaiting moderation." in response.content.decode()
    comment = Comment.objects.get()
    assert (comment.status, comment.verdict, comment.spam_score) == (Status.PENDING, "", None)
    decision = comment.history.get()
    assert (decision.source, decision.action) == (Source.CLASSIFIER, Action.UNCHECKED)
    expected = "ModelFileMissing" if how == "deleted" else "ModelChecksumMismatch"
    assert decision.note.startswith(f"{expected}: Model file {path} ")
    assert reason_for(fragile_model, how) in decision.note
    assert f"Could not score comment {comment.pk}; holding it for review" in caplog.text
    assert not marker.exists()


@pytest.mark.parametrize("how", BREAKAGES)
def test_check_e008_reports_a_broken_active_model_file_without_unpickling_it(
    fragile_model, tmp_path, how
):
    marker = tmp_path / "unpickled"
    path = break_model(fragile_model, how, marker)

    messages = check_active_model(databases=["default"])

    [message] = messages
    assert message.id == "moderation.E008"
    assert message.level == 40  # Error
    if how == "deleted":
        detail = f"{path} cannot be read: No such file or directory."
    else:
        detail = f"{path} has SHA-256 {sha256_of(path)}, expected {fragile_model.sha256}."
    assert message.msg == (
        "The active model version's file is missing or does not match its checksum. "
        f"Model version <b>fragile</b>: {detail} New comments wait for review unscored."
    )
    assert message.hint == (
        "Run `python manage.py activate_spam_model default` to score with the shipped model, "
        "or `python manage.py rollback_spam_model` to go back to the previous version."
    )
    assert not marker.exists()


def test_check_e008_stops_manage_py_check_with_a_database(fragile_model, tmp_path):
    break_model(fragile_model, "truncated", tmp_path / "unpickled")

    with pytest.raises(SystemCheckError, match=r"moderation\.E008"):
        call_command("check", "--database", "default")


def test_check_e008_passes_an_intact_model_and_runs_only_when_given_databases(
    fragile_model, tmp_path
):
    assert check_active_model(databases=["default"]) == []

    break_model(fragile_model, "truncated", tmp_path / "unpickled")

    assert check_active_model() == []  # a plain `manage.py check` does not touch the database
    assert check_active_model(databases=None) == []


def test_check_e008_is_silent_when_no_version_is_active(db):
    assert check_active_model(databases=["default"]) == []


@pytest.mark.django_db(transaction=True)
def test_check_e008_runs_before_migrations_without_failing():
    call_command("migrate", "moderation", "zero", verbosity=0)
    try:
        messages = check_active_model(databases=["default"])
    finally:
        # migrate runs the database checks first: E008 again, with the table still missing.
        call_command("migrate", verbosity=0, skip_checks=False)

    assert messages == []
    assert "moderation_modelversion" in connection.introspection.table_names()


@pytest.mark.parametrize("how", BREAKAGES)
def test_the_queue_says_scoring_is_failing_and_why_escaped(
    admin_client, fragile_model, tmp_path, how
):
    marker = tmp_path / "unpickled"
    path = break_model(fragile_model, how, marker)

    html = admin_client.get(CHANGELIST).content.decode()

    banner = re.search(r'<p class="errornote model-problem" role="alert">(.*?)</p>', html, re.S)
    assert banner is not None
    assert banner.group(1) == (
        "<strong>Scoring is failing:</strong> new comments are held for review unscored. "
        f"Model version &lt;b&gt;fragile&lt;/b&gt;: {escape(path)} "
        + (
            "cannot be read: No such file or directory."
            if how == "deleted"
            else f"has SHA-256 {sha256_of(path)}, expected {fragile_model.sha256}."
        )
    )
    assert not marker.exists()


def test_the_queue_has_no_banner_while_the_model_file_is_intact(admin_client, fragile_model):
    html = admin_client.get(CHANGELIST).content.decode()

    assert "Scoring is failing" not in html


def test_the_banner_hashes_the_file_at_most_every_30_seconds(
    admin_client, fragile_model, tmp_path, cache_clock
):
    admin_client.get(CHANGELIST)
    break_model(fragile_model, "truncated", tmp_path / "unpickled")

    looked_again_soon = admin_client.get(CHANGELIST).content.decode()
    cache_clock.shift(31)
    looked_again_later = admin_client.get(CHANGELIST).content.decode()

    assert "Scoring is failing" not in looked_again_soon  # the cached look, 0 s old
    assert "Scoring is failing" in looked_again_later


def test_the_banner_looks_again_at_once_when_another_version_is_activated(
    admin_client, fragile_model, tmp_path, tiny_model_dir
):
    break_model(fragile_model, "truncated", tmp_path / "unpickled")
    assert "Scoring is failing" in admin_client.get(CHANGELIST).content.decode()

    activate_model(register_model(tiny_model_dir))

    assert "Scoring is failing" not in admin_client.get(CHANGELIST).content.decode()


def test_the_banner_names_a_missing_default_model_when_no_version_is_active(admin_client, no_model):
    html = admin_client.get(CHANGELIST).content.decode()

    assert f"No readable model.sha256 in {no_model}." in html


# Activating a version whose file no longer verifies ------------------------------------------


def activate_with_registry(version, admin_client):
    with pytest.raises(ModelLoadError) as excinfo:
        activate_model(version)
    return str(excinfo.value)


def activate_with_command(version, admin_client):
    with pytest.raises(CommandError) as excinfo:
        call_command("activate_spam_model", version.version)
    return str(excinfo.value)


def roll_back_with_command(version, admin_client):
    with pytest.raises(CommandError) as excinfo:
        call_command("rollback_spam_model")
    return str(excinfo.value)


def admin_action(action, version, admin_client):
    response = admin_client.post(
        "/admin/moderation/modelversion/", {"action": action, "_selected_action": [version.pk]}
    )
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "error"
    return message.message


@pytest.mark.parametrize(
    ("activate", "refusal"),
    [
        (activate_with_registry, ""),
        (activate_with_command, "Not activated: "),
        (roll_back_with_command, "Not rolled back: "),
        (partial(admin_action, "activate_selected"), "Not activated: "),
        (partial(admin_action, "roll_back"), "Not rolled back: "),
    ],
    ids=[
        "activate_model",
        "activate_spam_model",
        "rollback_spam_model",
        "admin",
        "admin roll back",
    ],
)
@pytest.mark.parametrize("how", BREAKAGES)
def test_every_way_of_activating_refuses_a_broken_model_file_without_unpickling_it(
    admin_client, fragile_model, tiny_model_dir, tmp_path, activate, refusal, how
):
    active = activate_model(register_model(tiny_model_dir))  # fragile is now the previous one
    marker = tmp_path / "unpickled"
    path = break_model(fragile_model, how, marker)

    message = activate(fragile_model, admin_client)

    assert message.startswith(f"{refusal}Model version <b>fragile</b>: {path} ")
    assert reason_for(fragile_model, how) in message
    assert ModelVersion.objects.get(is_active=True) == active
    assert not marker.exists()


# The database going away during a post ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "statement",
    [
        'SELECT "articles_article"',
        'SELECT "moderation_rule"',
        'INSERT INTO "moderation_comment"',
        'INSERT INTO "moderation_decision"',
    ],
    ids=["loading the article", "matching rules", "storing the comment", "recording the verdict"],
)
def test_a_post_while_the_database_is_down_gets_a_503_and_stores_nothing(
    article, active_model, statement, caplog
):
    client = Client()
    data = form_data(article)

    with caplog.at_level(logging.ERROR, logger="moderation"), database_down_from(statement):
        response = client.post(POST_URL, data)

    # The comment and its verdict are one transaction: nothing half-filed is left behind, and
    # the reader, told so, still has the text.
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "could not be saved just now" in html
    assert HAM_TEXT in html  # offered again, so the reader loses nothing they typed
    assert Comment.objects.count() == 0
    assert Decision.objects.count() == 0
    assert "Could not store a comment: the database did not answer" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_database_gone_for_a_moment_while_scoring_still_stores_the_comment_pending(
    article, active_model, caplog
):
    client = Client()
    failed = []

    def fail_once(execute, sql, params, many, context):
        if sql.startswith('SELECT "moderation_rule"') and not failed:
            failed.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with (
        caplog.at_level(logging.ERROR, logger="moderation"),
        connection.execute_wrapper(fail_once),
    ):
        response = client.post(POST_URL, form_data(article), follow=False)

    # Unscored, in the review queue with the reason, which a recheck scores later.
    assert failed
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.status, comment.verdict, comment.spam_score, comment.model_version) == (
        Status.PENDING,
        "",
        None,
        "",
    )
    assert comment.content == HAM_TEXT
    unchecked = comment.history.get()
    assert unchecked.action == Action.UNCHECKED
    assert "OperationalError: server closed the connection" in unchecked.note
    assert f"Could not score comment {comment.pk}; holding it for review" in caplog.text
    messages = [m.message for m in get_messages(response.wsgi_request)]
    assert messages == ["Thanks, your comment is awaiting moderation."]


# A model promotion under load -----------------------------------------------------------------


@pytest.fixture(scope="module")
def contrary_model_dir(tmp_path_factory):
    """A second real model that disagrees with the tiny one (labels swapped)."""
    directory = tmp_path_factory.mktemp("models") / "contrary"
    return train_tiny_model(directory, "contrary-test-model", flipped=True)


def expected_scores(directory, texts):
    pipeline = artifacts.load_model(directory, artifacts.read_checksum(directory))
    scorer = LinearScorer.from_pipeline(pipeline)
    return {text: scorer.score(CommentData(content=text, author_name="Olga")) for text in texts}


@pytest.mark.django_db(transaction=True)
def test_comments_posted_during_promotions_are_each_scored_by_one_whole_version(
    article, settings, tiny_model_dir, contrary_model_dir
):
    settings.MODERATION = {**settings.MODERATION, "FORM_RATE_PER_IP": None}
    tiny = activate_model(register_model(tiny_model_dir))
    contrary = register_model(contrary_model_dir)
    texts = [*SPAM[:4], *HAM[:4]]
    expected = {
        tiny.version: expected_scores(tiny_model_dir, texts),
        contrary.version: expected_scores(contrary_model_dir, texts),
    }
    posters, posts_each, promotions = 4, 12, 10
    every = posters * posts_each // (promotions + 1)
    # SQLite's shared in-memory test database locks whole tables between threads, so there the
    # requests and promotions take turns (still interleaved, request by request); PostgreSQL
    # runs them truly at once.
    one_at_a_time = threading.Lock() if connection.vendor == "sqlite" else nullcontext()
    statuses: list[int] = []
    errors: list[BaseException] = []
    # Promotion i starts while posts are in flight, and the posts after its batch wait for it:
    # on a busy machine the posters would otherwise starve it and all post before it runs.
    progress = threading.Condition()
    started = promoted = 0

    def promotion_due_done() -> bool:
        return promoted >= min(started // every, promotions)

    def batch_half_started(batch: int) -> bool:
        return started >= batch * every + every // 2

    def post_comments(n):
        nonlocal started
        try:
            client = Client()
            for i in range(posts_each):
                with progress:
                    if not progress.wait_for(promotion_due_done, timeout=30):
                        raise TimeoutError("the promotions stopped")
                    started += 1
                    progress.notify_all()
                # Each post from its own email: one author's repeat is refused (duplicates.py).
                data = form_data(
                    article, comment=texts[(n + i) % len(texts)], email=f"poster{n}-{i}@example.org"
                )
                with one_at_a_time:
                    statuses.append(client.post(POST_URL, data).status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def promote():
        nonlocal promoted
        try:
            for i in range(promotions):
                with progress:
                    if not progress.wait_for(partial(batch_half_started, i), timeout=30):
                        raise TimeoutError("the posting threads stopped posting")
                with one_at_a_time:
                    activate_model(contrary if i % 2 == 0 else tiny)
                with progress:
                    promoted += 1
                    progress.notify_all()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post_comments, args=(n,)) for n in range(posters)]
    threads.append(threading.Thread(target=promote))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert statuses == [302] * posters * posts_each
    comments = list(Comment.objects.all())
    assert len(comments) == posters * posts_each
    assert not Decision.objects.filter(action=Action.UNCHECKED).exists()
    for comment in comments:
        assert comment.model_version in expected
        assert comment.spam_score == pytest.approx(expected[comment.model_version][comment.content])
        decision = comment.history.get()
        assert (decision.model_version, decision.spam_score) == (
            comment.model_version,
            comment.spam_score,
        )
    assert {c.model_version for c in comments} == set(expected)  # both really scored some
