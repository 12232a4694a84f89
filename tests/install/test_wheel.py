from __future__ import annotations

import re
import tomllib
import zipfile

from tests.install.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
VERSION = PYPROJECT["project"]["version"]


def wheel_names(wheel):
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def source_files():
    """Every file of the app in the tree, as a path in the wheel."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "moderation").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def test_wheel_is_named_after_the_distribution(wheel):
    assert wheel.name == f"django_hamlet-{VERSION}-py3-none-any.whl"


def test_wheel_holds_the_moderation_app_and_its_metadata_only(wheel):
    names = wheel_names(wheel)

    assert {name.split("/")[0] for name in names} == {
        "moderation",
        f"django_hamlet-{VERSION}.dist-info",
    }
    for folder in ("site_demo/", "training/", "tests/", "bench/", "docs/"):
        assert not [name for name in names if name.startswith(folder)], folder


def test_wheel_holds_every_file_of_the_app(wheel):
    names = wheel_names(wheel)

    assert source_files() - names == set()


def test_wheel_holds_what_a_site_needs_at_run_time(wheel):
    names = wheel_names(wheel)

    assert {
        "moderation/migrations/0001_initial.py",
        "moderation/templatetags/moderation_tags.py",
        "moderation/templates/moderation/comment_form.html",
        "moderation/templates/admin/moderation/comment/change_list.html",
        "moderation/static/moderation/queue.js",
        "moderation/static/moderation/admin.css",
        "moderation/default_model/model.joblib",
        "moderation/default_model/model.sha256",
        "moderation/default_model/card.json",
        "moderation/default_model/MODEL_CARD.md",
        "moderation/corpus/hamlet_written.jsonl",
        "moderation/corpus/reference.jsonl.gz",
        "moderation/corpus/README.md",
        "moderation/api/akismet_urls.py",
        "moderation/classifier/scoring.py",
        "moderation/management/commands/retrain_spam_model.py",
    } - names == set()
    packages = {
        path.parent.relative_to(ROOT).as_posix()
        for path in (ROOT / "moderation").rglob("__init__.py")
    }
    assert {f"{package}/__init__.py" for package in packages} - names == set()


def metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(f"django_hamlet-{VERSION}.dist-info/METADATA").decode()


def requirements(wheel):
    """Each Requires-Dist: name -> its marker ("" for a core dependency)."""
    found = re.findall(
        r"^Requires-Dist: ([\w.-]+)[^;\n]*(?:; (.*))?$", metadata(wheel), flags=re.MULTILINE
    )
    return {name.lower(): marker for name, marker in found}


def test_wheel_holds_the_license_and_says_which_it_is(wheel):
    names = wheel_names(wheel)

    assert f"django_hamlet-{VERSION}.dist-info/licenses/LICENSE" in names
    assert "License-Expression: MIT" in metadata(wheel).splitlines()


def test_wheel_says_the_app_is_typed(wheel):
    assert "moderation/py.typed" in wheel_names(wheel)


def test_the_core_needs_django_and_the_model_only(wheel):
    core = {name for name, marker in requirements(wheel).items() if not marker}

    assert core == {"django", "joblib", "numpy", "scikit-learn", "scipy", "tqdm"}


def test_the_apis_packages_come_only_with_the_api_extra(wheel):
    needs = requirements(wheel)

    for name in ("djangorestframework", "drf-spectacular", "drf-spectacular-sidecar"):
        assert needs[name] == 'extra == "api"', name
    assert "matplotlib" not in needs
    assert "Provides-Extra: api" in metadata(wheel).splitlines()


def test_the_other_extras_are_still_offered(wheel):
    needs = requirements(wheel)

    assert needs["django-contrib-comments"] == 'extra == "django-comments"'
    assert (needs["celery"], needs["redis"]) == ('extra == "celery"',) * 2
    for extra in ("celery", "django-comments"):
        assert f"Provides-Extra: {extra}" in metadata(wheel).splitlines()


def test_prometheus_client_comes_only_with_the_metrics_extra(wheel):
    assert requirements(wheel)["prometheus-client"] == 'extra == "metrics"'
    assert "Provides-Extra: metrics" in metadata(wheel).splitlines()
