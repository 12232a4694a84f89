"""docs/INSTALL.md, followed word for word: a fresh virtual environment with Django and a new
project beside a copy of Hamlet's source, then every step of the guide (building the wheel
included), then comments posted as a reader's browser posts them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.campaigns import variants
from tests.examples import SPAM
from tests.install import guide
from tests.install.conftest import ROOT, record_timing

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
WHEEL = f"django_hamlet-{VERSION}-py3-none-any.whl"
POST_COMMENTS = ROOT / "tests" / "install" / "post_comments.py"
# The suite's settings, test database and Python must not leak into the new project.
NOT_INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "MODERATION_DATASETS",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONHOME",
    "PYTHONPATH",
    "VIRTUAL_ENV",
}
SPAMMER = {
    "name": "Cheap Pills",
    "email": "deals@cheap-pills.example.com",
    "url": "http://cheap-pills.example.com/buy-viagra-online",
    "comment": SPAM[0],
}
READER = {
    "name": "Anna Berg",
    "email": "anna@example.org",
    "url": "",
    "comment": "The new cycle lane on Mill Street is a real improvement. My children can ride "
    "to school safely now, and I hope the council extends it to the bridge next year.",
}


def django_requirement():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    [requirement] = [d for d in dependencies if re.match(r"Django\b", d)]
    return requirement


def environment(venv):
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    return env | {
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        # pip install --no-compile: compiling all of SciPy and scikit-learn takes longer than
        # the rest of the test; Python compiles what the project imports when it first runs.
        "PIP_COMPILE": "0",
    }


def run(venv, cwd, *command):
    result = subprocess.run(
        command,
        cwd=cwd,
        env=environment(venv),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def pip_install(venv, *requirements):
    run(venv, venv, venv / "bin" / "python", "-m", "pip", "install", "-q", *requirements)


def variant_steps(variant):
    """Return the steps of `variant` alone, checking that they all come after the plain ones.

    A project that followed the plain path and then these is one that followed the guide's
    path for `variant` from the start.
    """
    plain, own = guide.steps(), [b for b in guide.steps(variant) if b.variant == variant]
    assert own, f"INSTALL.md has no steps for variant {variant!r}"
    assert own[0].line > plain[-1].line, f"the {variant!r} steps must follow the plain path's"
    return own


def copy_project(project, tmp_path):
    """Copy `project` to `tmp_path/mysite`, with `tmp_path/hamlet` the source it was built from."""
    (tmp_path / "hamlet").symlink_to(project.parent / "hamlet", target_is_directory=True)
    return shutil.copytree(project, tmp_path / "mysite", symlinks=True)


def installed_distributions(venv):
    listed = run(venv, venv, venv / "bin" / "python", "-m", "pip", "list", "--format=json")
    return {package["name"].lower() for package in json.loads(listed)}


def post_comments(venv, project, form, comments):
    """Post `comments` through `form` in `project`; return what the pages and database say."""
    env = environment(venv) | {"DJANGO_SETTINGS_MODULE": "mysite.settings"}
    result = subprocess.run(
        [venv / "bin" / "python", POST_COMMENTS, form, json.dumps(comments)],
        cwd=project,
        env=env | {"PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A fresh virtual environment with the Django version Hamlet needs, and nothing else."""
    started = time.monotonic()
    path = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", path], check=True)
    pip_install(path, django_requirement())
    record_timing("created a virtual environment with Django", started)
    yield path
    shutil.rmtree(path)  # some 400 MB; pytest keeps the last three runs' temporary folders


@dataclass(frozen=True)
class Followed:
    """A project that followed a path of the guide, and what its venv then held."""

    project: Path
    distributions: set[str]


@pytest.fixture(scope="module")
def plain(venv, source):
    """A new project, beside the source as the guide lays them out, that followed every step of
    the guide's plain path: the wheel it builds, the form, the privacy page; not the APIs."""
    started = time.monotonic()
    project = source.parent / "mysite"
    project.mkdir()
    run(venv, project, venv / "bin" / "django-admin", "startproject", "mysite", ".")

    guide.follow(guide.steps(), project, environment(venv))

    record_timing("followed the plain path of INSTALL.md", started)
    # Read now: the other paths' tests install more into the same venv.
    return Followed(project, installed_distributions(venv))


@pytest.fixture(scope="module")
def plain_project(plain):
    return plain.project


@pytest.fixture(scope="module")
def api_project(tmp_path_factory, venv, plain_project):
    """The plain project that then followed step 7: the api extra, its apps and URLs."""
    started = time.monotonic()
    project = copy_project(plain_project, tmp_path_factory.mktemp("api"))

    guide.follow(variant_steps("api"), project, environment(venv))

    record_timing("followed the api steps", started)
    return project


def test_guide_steps_are_well_formed():
    steps = guide.steps(variant=None)
    every_step = [b for b in guide.blocks() if b.is_step]

    assert {b.variant for b in every_step} == {
        None,
        "api",
        "typo",
        "django_comments",
        "learning",
        "upgrade",
        "uninstall",
    }
    assert all(
        b.attributes.get("mode") in ("append", "replace")
        for b in every_step
        if b.language != "console"
    )
    assert all(guide.commands(b) for b in every_step if b.language == "console")
    commands = [c.command for b in steps if b.language == "console" for c in guide.commands(b)]
    assert commands[:2] == [
        "python -m pip wheel --no-deps -w ../hamlet/dist ../hamlet",
        f"python -m pip install ../hamlet/dist/{WHEEL}",
    ]
    assert commands[-1] == "python manage.py migrate"


def test_every_install_is_of_the_wheel_of_this_version():
    text = guide.GUIDE.read_text()
    installs = [
        c.command
        for b in guide.blocks()
        if b.language == "console"
        for c in guide.commands(b)
        if " pip install " in f" {c.command}"
    ]

    named = set(re.findall(r"django_hamlet-[\w.]+?-py3-none-any\.whl", text))

    assert named == {WHEEL}
    # Not `pip install django-hamlet`: the package is not on PyPI yet.
    assert installs
    assert all(f"../hamlet/dist/{WHEEL}" in command for command in installs), installs


@pytest.mark.install
def test_plain_path_installs_the_core_without_the_apis_packages(plain):
    assert {"django", "django-hamlet", "scikit-learn", "numpy", "scipy", "joblib", "tqdm"} <= (
        plain.distributions
    )
    assert not plain.distributions & {
        "djangorestframework",
        "drf-spectacular",
        "drf-spectacular-sidecar",
        "matplotlib",
    }


@pytest.mark.install
def test_plain_path_scores_spam_and_ham_posted_through_the_form(venv, plain_project, tmp_path):
    project = copy_project(plain_project, tmp_path)
    started = time.monotonic()
    form_fields = [
        {"website" if key == "url" else key: value for key, value in comment.items()}
        for comment in (SPAMMER, READER)
    ]

    result = post_comments(venv, project, "hamlet", form_fields)

    record_timing("posted spam and ham through Hamlet's form", started)
    privacy = result["privacy"]
    assert (privacy["url"], privacy["status"]) == ("/hamlet/privacy/", 200)
    for sentence in [
        "Nothing you send with a comment is passed to another company or service.",
        "the page you came from are erased 90 days after you comment.",
        "is deleted 15 days after the last decision on it.",
        # The guide's own contact block, in place of the default one.
        "Write to privacy@example.com with the email address you commented with",
    ]:
        assert sentence in privacy["text"], privacy["text"]
    spam, ham = result["moderation"]
    assert spam["status"] == "spam"
    assert spam["spam_score"] > 0.9
    assert spam["model_version"]
    assert ham["status"] == "approved"
    assert ham["spam_score"] < 0.1
    assert ham["model_version"] == spam["model_version"]
    assert [post["says"] for post in result["posts"]] == [
        ["Thanks, your comment is awaiting moderation."],
        ["Thanks, your comment is published."],
    ]
    assert result["shown"] == [False, True]


@pytest.mark.install
def test_api_path_serves_the_json_api_and_the_akismet_api(venv, api_project):
    code = (
        "import json; from django.test import Client; c = Client(HTTP_HOST='localhost'); "
        "schema = c.get('/api/v1/schema/'); docs = c.get('/api/v1/docs/'); "
        "key = c.post('/akismet/1.1/verify-key', "
        "{'key': 'abcd1234efgh', 'blog': 'http://localhost/'}); "
        "print(json.dumps([schema.status_code, b'/api/v1/check/' in schema.content, "
        "docs.status_code, b'cdn' in docs.content.lower(), key.status_code, key.content.decode()]))"
    )

    output = run(venv, api_project, venv / "bin" / "python", "manage.py", "shell", "-c", code)

    assert json.loads(output.splitlines()[-1]) == [200, True, 200, False, 200, "invalid"]


REPORT = (
    "import json, sys; from django.test import Client; c = Client(HTTP_HOST='localhost'); "
    "key, texts = json.loads(sys.stdin.read()); "
    "answers = [c.post('/akismet/1.1/submit-spam', {'api_key': key, 'blog': 'http://localhost/', "
    "'user_ip': f'203.0.113.{i}', 'comment_content': t}).content.decode() "
    "for i, t in enumerate(texts)]; print(json.dumps(sorted(set(answers))))"
)


@pytest.mark.install
def test_learning_path_retrains_from_the_installed_package_alone(venv, api_project, tmp_path):
    project = copy_project(api_project, tmp_path)
    create_key, retrain = variant_steps("learning")
    [created] = guide.follow([create_key], project, environment(venv))
    key = created.splitlines()[-1]
    reports = json.dumps([key, variants("supplement", 40, seed=1)])
    python = venv / "bin" / "python"
    reported = subprocess.run(
        [python, "manage.py", "shell", "-c", REPORT],
        cwd=project,
        env=environment(venv),
        input=reports,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert reported.stdout.splitlines()[-1] == '["Thanks for making the web a better place."]'
    started = time.monotonic()

    [output] = guide.follow([retrain], project, environment(venv))

    record_timing("retrained from the installed package", started)
    assert "promoted: it scores new comments now." in output, output
    assert list(project.glob("media/moderation-models/site-*/MODEL_CARD.md"))


@pytest.mark.install
def test_typo_in_settings_stops_check_with_our_ids_and_hints(venv, plain_project, tmp_path):
    project = copy_project(plain_project, tmp_path)

    [output] = guide.follow(variant_steps("typo"), project, environment(venv))

    lines = output.splitlines()
    for check_id in ("moderation.E001", "moderation.W001"):
        [index] = [i for i, line in enumerate(lines) if f"({check_id})" in line]
        assert lines[index + 1].startswith("\tHINT: "), output


@pytest.mark.install
def test_django_comments_path_moderates_comments_posted_through_its_form(
    venv, plain_project, tmp_path
):
    pip_install(venv, "django-contrib-comments==2.2.0")  # the guide's extra takes any >=2.2
    project = copy_project(plain_project, tmp_path)
    started = time.monotonic()
    guide.follow(variant_steps("django_comments"), project, environment(venv))
    record_timing("followed the django_comments steps", started)

    result = post_comments(venv, project, "django_comments", [SPAMMER, READER])

    spam, ham = result["django_comments"]
    assert (spam["is_public"], spam["is_removed"]) == (False, False)
    assert (ham["is_public"], ham["is_removed"]) == (True, False)
    ours_spam, ours_ham = result["moderation"]
    assert (ours_spam["status"], ours_spam["origin_pk"]) == ("spam", str(spam["pk"]))
    assert ours_spam["spam_score"] > 0.9
    assert (ours_ham["status"], ours_ham["origin_pk"]) == ("approved", str(ham["pk"]))
    assert ours_ham["spam_score"] < 0.1
    assert ours_ham["model_version"]
    assert [post["says"] for post in result["posts"]] == [["Thank you for your comment"]] * 2
    assert result["shown"] == [False, True]
